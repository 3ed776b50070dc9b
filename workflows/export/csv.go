package export

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/workflows"
)

// csvHeader names the CSV columns. Cells about a claim's evidence hold one
// line per piece of evidence (or per link), so a spreadsheet shows them
// stacked in one cell.
var csvHeader = []string{
	"id", "statement", "figure", "figure_value", "figure_qualifier", "figure_unit", "figure_low", "figure_high",
	"metric", "who", "place", "period", "state", "decision", "decided_by", "decided_at", "decision_note",
	"assignee", "filed_by", "created_at", "updated_at", "evidence_count", "sources", "links", "archive_sha256",
}

// writeCSV writes one RFC 4180 row per claim (CRLF line ends, quotes where
// needed), UTF-8 without a byte order mark.
func writeCSV(ctx context.Context, w io.Writer, src Source, f Filter, o Options) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := make([]string, len(csvHeader))
	err := src.EachClaim(ctx, f, func(c *workflows.Claim) error {
		fillCSVRow(row, c, o)
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func fillCSVRow(row []string, c *workflows.Claim, o Options) {
	for i := range row {
		row[i] = ""
	}
	row[0] = strconv.FormatInt(c.ID, 10)
	row[1] = line(c.Statement)
	if c.Figure != nil {
		row[2] = cell(c.Figure.String())
		row[3] = number(c.Figure.Value)
		row[4] = string(c.Figure.Qualifier)
		row[5] = cell(c.Figure.Unit)
		low, high := Range(c.Figure, o.Rules)
		row[6], row[7] = optNumber(low), optNumber(high)
	}
	row[8], row[9], row[10], row[11] = cell(c.Metric), cell(c.Who), cell(c.Place), cell(c.Period)
	row[12], row[13] = string(c.State), string(c.Decision)
	if c.Decision != workflows.Pending { // a claim reopened before reopen cleared these keeps them
		row[14] = line(c.DecidedBy)
		row[15] = timeText(c.DecidedAt)
		row[16] = line(c.DecisionNote)
	}
	row[17] = cell(c.Assignee)
	row[18] = cell(c.FiledBy)
	row[19], row[20] = timeText(c.CreatedAt), timeText(c.UpdatedAt)
	row[21] = strconv.Itoa(len(c.Evidence))
	var sources, links, hashes []string
	for _, e := range c.Evidence {
		sources = append(sources, sourceLine(e))
		if link := workflows.ArchiveLink(e); link != "" {
			links = append(links, link)
		}
		if e.Archive != nil && e.Archive.State == workflows.Archived {
			// The sha256sum layout: hash, two spaces, what was hashed.
			hashes = append(hashes, e.Archive.SHA256+"  "+e.Archive.URL)
		}
	}
	row[22] = cell(strings.Join(sources, "\n"))
	row[23] = cell(strings.Join(links, "\n"))
	row[24] = strings.Join(hashes, "\n")
}

// sourceLine is one piece of evidence in the sources cell:
// "UN human rights office supports: at least 300 (via Reuters)".
func sourceLine(e workflows.Evidence) string {
	s := workflows.CleanLine(e.Source) + " " + string(e.Stance)
	if e.Figure != nil {
		s += ": " + e.Figure.String()
	}
	if e.Via != "" {
		s += " (via " + workflows.CleanLine(e.Via) + ")"
	}
	return s
}

// cell defuses text a spreadsheet would run as a formula: chat users are
// untrusted, and a statement typed as "=HYPERLINK(…)" must stay text. A
// leading apostrophe is what spreadsheets themselves use to mark text
// (OWASP's advice on CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// line is cell for a one-line value: a statement or note stored before
// line breaks were folded on the way in still fills one line of its cell.
func line(s string) string { return cell(workflows.CleanLine(s)) }

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func optNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return number(*v)
}

package export

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// claimJSON is one line of the jsonl export. Actors are the desk's keys
// ("slack:U012AB"); times RFC 3339 UTC; absent values are left out.
type claimJSON struct {
	ID           int64          `json:"id"`
	Statement    string         `json:"statement"`
	Figure       *figureJSON    `json:"figure,omitempty"`
	Metric       string         `json:"metric,omitempty"`
	Who          string         `json:"who,omitempty"`
	Place        string         `json:"place,omitempty"`
	Period       string         `json:"period,omitempty"`
	State        string         `json:"state"`
	Decision     string         `json:"decision"`
	DecidedBy    string         `json:"decided_by,omitempty"`
	DecidedAt    string         `json:"decided_at,omitempty"`
	DecisionNote string         `json:"decision_note,omitempty"`
	Assignee     string         `json:"assignee,omitempty"`
	FiledBy      string         `json:"filed_by"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
	Version      int            `json:"version"`
	Evidence     []evidenceJSON `json:"evidence"`
}

type figureJSON struct {
	Value     float64  `json:"value"`
	Qualifier string   `json:"qualifier"`
	Unit      string   `json:"unit,omitempty"`
	Low       *float64 `json:"low"`
	High      *float64 `json:"high"`
}

type evidenceJSON struct {
	ID       int64         `json:"id"`
	Source   string        `json:"source"`
	Origin   string        `json:"origin"`
	Via      string        `json:"via,omitempty"`
	URL      string        `json:"url,omitempty"`
	Quote    string        `json:"quote,omitempty"`
	Stance   string        `json:"stance"`
	Figure   *figureJSON   `json:"figure,omitempty"`
	Document string        `json:"document,omitempty"`
	AddedBy  string        `json:"added_by"`
	AddedAt  string        `json:"added_at"`
	Archive  *snapshotJSON `json:"archive,omitempty"`
}

type snapshotJSON struct {
	State       string `json:"state"`
	URL         string `json:"url"`
	FinalURL    string `json:"final_url,omitempty"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	FetchedAt   string `json:"fetched_at,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
	Title       string `json:"title,omitempty"`
	Truncated   bool   `json:"text_truncated,omitempty"`
	ArchiveURL  string `json:"archive_url,omitempty"`
	Error       string `json:"error,omitempty"`
}

func figureOf(f *workflows.Figure, r workflows.Rules) *figureJSON {
	if f == nil {
		return nil
	}
	low, high := Range(f, r)
	return &figureJSON{Value: f.Value, Qualifier: string(f.Qualifier), Unit: f.Unit, Low: low, High: high}
}

func claimOf(c *workflows.Claim, o Options) claimJSON {
	j := claimJSON{
		ID: c.ID, Statement: c.Statement, Figure: figureOf(c.Figure, o.Rules),
		Metric: c.Metric, Who: c.Who, Place: c.Place, Period: c.Period,
		State: string(c.State), Decision: string(c.Decision), DecidedBy: c.DecidedBy, DecidedAt: timeText(c.DecidedAt),
		DecisionNote: c.DecisionNote, Assignee: c.Assignee, FiledBy: c.FiledBy,
		CreatedAt: timeText(c.CreatedAt), UpdatedAt: timeText(c.UpdatedAt), Version: c.Version,
		Evidence: make([]evidenceJSON, 0, len(c.Evidence)),
	}
	if c.Decision == workflows.Pending { // a claim reopened before reopen cleared these keeps them
		j.DecidedBy, j.DecidedAt, j.DecisionNote = "", "", ""
	}
	for _, e := range c.Evidence {
		ej := evidenceJSON{ID: e.ID, Source: e.Source, Origin: e.Origin(), Via: e.Via, URL: e.URL, Quote: e.Quote,
			Stance: string(e.Stance), Figure: figureOf(e.Figure, o.Rules), Document: e.Document,
			AddedBy: e.AddedBy, AddedAt: timeText(e.AddedAt)}
		if s := e.Archive; s != nil {
			ej.Archive = &snapshotJSON{State: string(s.State), URL: s.URL, FinalURL: s.FinalURL, Status: s.Status,
				ContentType: s.ContentType, FetchedAt: timeText(s.FetchedAt), SHA256: s.SHA256, Title: s.Title,
				Truncated: s.Truncated, ArchiveURL: s.ArchiveURL, Error: s.Error}
		}
		j.Evidence = append(j.Evidence, ej)
	}
	return j
}

// newEncoder writes one JSON value per line, with <, > and & as typed.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

func writeJSONL(ctx context.Context, w io.Writer, src Source, f Filter, o Options) error {
	enc := newEncoder(w)
	return src.EachClaim(ctx, f, func(c *workflows.Claim) error {
		return enc.Encode(claimOf(c, o))
	})
}

// eventJSON is one line of the audit export.
type eventJSON struct {
	ID      int64  `json:"id"`
	ClaimID int64  `json:"claim_id"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Kind    string `json:"kind"`
	Old     string `json:"old,omitempty"`
	New     string `json:"new,omitempty"`
	Note    string `json:"note,omitempty"`
}

func writeAudit(ctx context.Context, w io.Writer, src Source, f Filter) error {
	enc := newEncoder(w)
	return src.EachEvent(ctx, f.Since, func(e workflows.Event) error {
		return enc.Encode(eventJSON{ID: e.ID, ClaimID: e.ClaimID, At: e.At.UTC().Format(time.RFC3339Nano), Actor: e.Actor,
			Kind: string(e.Kind), Old: e.Old, New: e.New, Note: e.Note})
	})
}

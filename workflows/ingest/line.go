package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

// How a figure read in an article is written for people. A claim filed from
// an article states it in the article's own words (Statement: the clause
// that gives the figure, quoted, with its source), and the structured
// fields (figure, metric, who, place, period) are kept beside it on the
// claim. Where a one-line summary is needed (the numbered list ingest
// shows), Line writes one that reads as English: "at least 300 civilians
// killed in Mosul since mid-February, according to the UN human rights
// office".

// maxClause is how much of a sentence a statement quotes, in runes.
const maxClause = 240

// Statement is the claim a figure files: the clause of the article that
// states it, trimmed and quoted, then who said it: “As many as 3,864
// civilians have been killed in western Mosul since mid-February” (Iraqi
// army source). Without a sentence (a figure built by hand) it is Line.
func Statement(f extract.Figure) string {
	clause := Clause(f)
	if clause == "" {
		return clip(Line(f), workflows.MaxStatementLen)
	}
	s := "\u201c" + clause + "\u201d"
	if f.Source != "" {
		s += " (" + f.Source + ")"
	}
	if f.Revises != 0 {
		s += ", revised from " + workflows.FormatNumber(f.Revises)
	}
	return clip(s, workflows.MaxStatementLen)
}

// Clause returns the part of f's sentence that states the figure: the
// sentence cut at semicolons, dashes and colons to the piece holding the
// number, then shortened around the number to maxClause runes at word
// boundaries, with an ellipsis where words were left out.
func Clause(f extract.Figure) string {
	s := f.Sentence
	at := f.At - f.Start
	if s == "" || at < 0 || at > len(s) {
		return strings.TrimSpace(s)
	}
	from, to := 0, len(s)
	for _, sep := range []string{"; ", " \u2013 ", " \u2014 ", " - ", ": "} {
		if i := strings.LastIndex(s[:at], sep); i >= 0 && i+len(sep) > from && words(s[i+len(sep):at]) >= 0 {
			// Keep a clause that is more than a stub: "According to X: 300 …"
			if words(s[from:i]) > 0 {
				from = i + len(sep)
			}
		}
		if i := strings.Index(s[at:], sep); i >= 0 && at+i < to && words(s[at:at+i]) >= 3 {
			to = at + i
		}
	}
	clause := strings.TrimSpace(s[from:to])
	clause = strings.TrimRight(clause, ".,;:")
	clause = strings.Trim(clause, "\"\u201c\u201d ")
	if utf8.RuneCountInString(clause) <= maxClause {
		return clause
	}
	// Too long: keep the words around the number.
	rel := at - from
	if rel < 0 || rel > len(s[from:to]) {
		rel = 0
	}
	start := max(0, rel-maxClause/3)
	end := min(len(s[from:to]), start+maxClause)
	piece := s[from:to][start:end]
	if start > 0 {
		if i := strings.IndexByte(piece, ' '); i >= 0 {
			piece = "\u2026" + piece[i+1:]
		}
	}
	if end < len(s[from:to]) {
		if i := strings.LastIndexByte(piece, ' '); i >= 0 {
			piece = piece[:i] + "\u2026"
		}
	}
	return strings.TrimSpace(piece)
}

func words(s string) int { return len(strings.Fields(s)) }

// Line writes a figure as one line of English: the amount, what was
// counted and what happened to it, where, when, and according to whom.
func Line(f extract.Figure) string {
	s := FigureOf(f).String()
	if p := placePhrase(f.Place); p != "" {
		s += " " + p
	}
	if f.Period != "" {
		s += " " + periodPhrase(f.Period)
	}
	if f.Source != "" {
		s += ", according to " + sourcePhrase(f.Source)
	}
	if f.Revises != 0 {
		s += " (revised from " + workflows.FormatNumber(f.Revises) + ")"
	}
	return s
}

// placePhrase makes "in Mosul" of "Mosul", and "in Hong Kong" of "HONG
// KONG" (a dateline's capitals).
func placePhrase(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if p == strings.ToUpper(p) && len(p) > 3 {
		p = titleCase(p)
	}
	return "in " + p
}

func titleCase(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i, w := range ws {
		r, n := utf8.DecodeRuneInString(w)
		ws[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(ws, " ")
}

// periodPhrase writes a period after a count: "since mid-February" stays,
// "By Wednesday" becomes "by Wednesday", "March" "in March", "March 17"
// and "Thursday" "on March 17" and "on Thursday".
func periodPhrase(p string) string {
	p = strings.TrimSpace(p)
	fields := strings.Fields(p)
	if len(fields) == 0 {
		return ""
	}
	first := strings.ToLower(fields[0])
	switch first {
	case "since", "in", "during", "on", "from", "between", "until", "before", "after", "over", "last", "this",
		"by", "through", "throughout", "past", "previous":
		return first + p[len(fields[0]):]
	}
	if weekdays[first] || len(fields) >= 2 && months[first] && isDigits(strings.TrimRight(fields[1], ",")) {
		return "on " + p
	}
	return "in " + p
}

var weekdays = map[string]bool{"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true}

var months = map[string]bool{"january": true, "february": true, "march": true, "april": true, "may": true,
	"june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// sourcePhrase writes a source after "according to": a common noun that
// opened its sentence loses the capital it had there ("Organizers" →
// "organizers"); names keep theirs.
func sourcePhrase(src string) string {
	fields := strings.Fields(src)
	if len(fields) == 0 {
		return src
	}
	w := fields[0]
	rest := true // every word after the first is in lower case: "Opposition activists"
	for _, f := range fields[1:] {
		if startsUpper(f) {
			rest = false
		}
	}
	if rest && commonSources[strings.ToLower(w)] && strings.ToUpper(w) != w {
		return strings.ToLower(w[:1]) + src[1:]
	}
	return src
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// commonSources are words that open a source without naming anyone, so
// their capital was only the sentence's: "Organizers", "Opposition
// activists", "Local officials".
var commonSources = map[string]bool{"organizers": true, "organisers": true, "police": true, "officials": true,
	"witnesses": true, "residents": true, "activists": true, "doctors": true, "medics": true, "authorities": true,
	"opposition": true, "local": true, "some": true, "rescuers": true, "relatives": true, "survivors": true}

// verbMetrics count people something happened to: "civilians killed".
var verbMetrics = map[string]bool{
	"killed": true, "injured": true, "wounded": true, "trapped": true, "displaced": true, "missing": true,
	"arrested": true, "detained": true, "dead": true, "evacuated": true, "rescued": true, "abducted": true,
	"kidnapped": true, "executed": true, "affected": true, "homeless": true, "isolated": true,
	"arrived": true, "deployed": true, "closed": true, "admitted": true, "sheltered": true,
	"registered": true, "deported": true, "evicted": true, "assaulted": true, "recovered": true,
}

// unit is what the figure counts, as words after the amount: "civilians
// killed", "residential homes destroyed", "airstrikes", "civilians killed
// per day", "bodies of civilians recovered", "people took part", "new
// cases".
func unit(f extract.Figure) string {
	metric := strings.ToLower(strings.TrimSpace(f.Metric))
	base, rate, _ := strings.Cut(metric, "_per_")
	words := strings.ReplaceAll(base, "_", " ")
	who := strings.TrimSpace(f.Who)
	lw := strings.ToLower(who)
	people := who
	if people == "" {
		people = "people"
	}
	var u string
	switch {
	case base == "bodies":
		u = "bodies"
		if lw != "" && lw != "people" {
			u += " of " + who
		}
		u += " recovered"
	case base == "took_part":
		u = people + " took part"
	case base == "fighters" && who != "" && !strings.HasSuffix(lw, "fighters"):
		u = "fighters (" + who + ")"
	case base == "cases":
		u = "cases"
		if strings.HasSuffix(lw, "cases") {
			u = who
		}
	case verbMetrics[base] || verbMetrics[lastField(words)] && !strings.Contains(words, " "):
		u = people + " " + words
	case who == "":
		u = words
	case strings.ReplaceAll(lw, " ", "_") == base || strings.HasSuffix(lw, words):
		u = who // "relief workers", "others"
	default:
		first := strings.Fields(words + " x")[0]
		if strings.HasSuffix(lw, first) {
			// "residential homes" + "homes destroyed"
			u = who + strings.TrimPrefix(words, first)
		} else if strings.Contains(strings.ToLower(words), lw) {
			u = words
		} else {
			u = who + " " + words
		}
	}
	if rate != "" {
		u += " per " + strings.ReplaceAll(rate, "_", " ")
	}
	return strings.TrimSpace(u)
}

func lastField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

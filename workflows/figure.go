package workflows

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/factdesk/factdesk/workflows/extract"
)

// The desk reads numbers one way everywhere: extract.ParseFigure decides
// what a figure phrase is ("at least 300", "as many as 3,864", "a dozen"),
// for figure= arguments, claim statements and articles alike.

// maxFigureWords is the longest figure phrase tried: "no fewer than 1.5 million".
const maxFigureWords = 6

// figureAt reads the longest figure phrase starting at words[i] and returns
// it with the index of the first word after it.
func figureAt(words []string, i int) (Figure, int, bool) {
	for n := min(maxFigureWords, len(words)-i); n >= 1; n-- {
		phrase := strings.Join(words[i:i+n], " ")
		phrase = strings.TrimRightFunc(phrase, func(r rune) bool { return r == ',' || r == ';' || r == ':' })
		if v, q, ok := extract.ParseFigure(phrase); ok {
			return Figure{Value: v, Qualifier: Qualifier(q)}, i + n, true
		}
	}
	return Figure{}, i, false
}

// ParseFigure reads a figure as a reporter types it after figure=: "300",
// "3,864", "at least 300", "as many as 3,864", "~140", "1.5 million", "a
// dozen". Words after the number are its unit ("300 civilians").
func ParseFigure(s string) (Figure, error) {
	words := strings.Fields(s)
	f, next, ok := figureAt(words, 0)
	if !ok {
		return Figure{}, Errorf(EINVALID, "%q is not a number; write figure=300 or figure=\"at least 300\"", Shorten(s, 60))
	}
	f.Unit = strings.Join(words[next:], " ")
	return f, nil
}

// Topic is what a statement's figure counts and where: the extractor's
// reading, which article ingest matches claims on.
type Topic struct {
	Metric, Who, Place, Period string
}

// ReadStatement finds the figure a claim statement states and its topic.
// The article extractor reads it first, as it reads any sentence; when it
// finds no figure (a count of something it has no word for), the first
// number that is not part of a date, a year or a clock time is taken. The
// figure is nil when the statement has none.
func ReadStatement(statement string) (*Figure, Topic) {
	words := strings.Fields(statement)
	if found := extract.Extract(statement); len(found) > 0 {
		x := found[0]
		f := &Figure{Value: x.Value, Qualifier: Qualifier(x.Qualifier)}
		// The unit is the statement's own words after the number.
		for i := range words {
			if g, next, ok := figureAt(words, i); ok && g.Value == x.Value {
				f.Unit = unitAfter(words[next:])
				break
			}
		}
		return f, Topic{Metric: x.Metric, Who: x.Who, Place: x.Place, Period: x.Period}
	}
	for i := range words {
		if partOfDate(words, i) {
			continue
		}
		if f, next, ok := figureAt(words, i); ok {
			f.Unit = unitAfter(words[next:])
			return &f, Topic{}
		}
	}
	return nil, Topic{}
}

var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// partOfDate reports whether words[i] is a day of a month ("March 17", "17
// March"), a year or a clock time.
func partOfDate(words []string, i int) bool {
	w := strings.Trim(words[i], "\"'“”‘’(),.")
	if strings.ContainsAny(w, ":/") {
		return true
	}
	if n, err := strconv.Atoi(w); err == nil && n >= 1900 && n <= 2100 {
		return true
	}
	near := func(j int) bool {
		return j >= 0 && j < len(words) && months[strings.ToLower(strings.Trim(words[j], ",."))]
	}
	return near(i-1) || near(i+1)
}

// unitStops end the unit of a figure in a statement: "140 civilians killed in
// the strike" has the unit "civilians killed".
var unitStops = map[string]bool{
	"in": true, "at": true, "on": true, "by": true, "during": true, "per": true, "since": true,
	"according": true, "after": true, "when": true, "from": true, "near": true, "across": true,
	"as": true, "the": true, "and": true, "but": true, "said": true, "says": true, "to": true,
}

// unitAfter takes the words naming what a figure counts: up to four words,
// stopping at a preposition, a verb of saying or punctuation.
func unitAfter(rest []string) string {
	var unit []string
	for _, w := range rest {
		clean := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
		if clean == "" || unitStops[strings.ToLower(clean)] || len(unit) == 4 {
			break
		}
		unit = append(unit, clean)
		if strings.ContainsAny(w, ",.;:") {
			break
		}
	}
	return strings.Join(unit, " ")
}

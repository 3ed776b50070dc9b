package workflows

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/factdesk/factdesk/workflows/extract"
)

// The desk reads numbers one way everywhere: extract.ParseFigure decides
// what a figure phrase is ("at least 300", "as many as 3,864", "a dozen"),
// for figure= arguments, claim statements and articles alike.

// maxFigureWords is the longest figure phrase tried: "no fewer than 1.5
// million", "between about 1.5 million and 2 million".
const maxFigureWords = 8

// figureAt reads the longest figure phrase starting at words[i], a range
// included ("between 200 and 350", "200-350"), and returns it with the
// index of the first word after it.
func figureAt(words []string, i int) (Figure, int, bool) {
	f, next, ok, _ := readFigureAt(words, i)
	return f, next, ok
}

// readFigureAt is figureAt, and when no figure can be read at words[i]
// because its number cannot be read exactly, why: above MaxFigure ("2000
// billion", "2 trillion"), no range ("350 to 200") or garbled ("3,86").
func readFigureAt(words []string, i int) (Figure, int, bool, *extract.FigureError) {
	for n := min(maxFigureWords, len(words)-i); n >= 1; n-- {
		phrase := strings.Join(words[i:i+n], " ")
		phrase = strings.TrimRightFunc(phrase, func(r rune) bool { return r == ',' || r == ';' || r == ':' })
		v, top, q, err := extract.ReadRange(phrase)
		if err == nil {
			return Figure{Value: v, Max: top, Qualifier: Qualifier(q)}, i + n, true, nil
		}
		if fe, ok := err.(*extract.FigureError); ok && (fe.TooLarge || fe.NotRange) {
			// "2000 billion" is not 2,000 of a unit "billion", nor "350 to
			// 200" 350 of a unit "to 200". A huge number standing as a
			// word of its own further on ("300 killed, 10^13 …") is
			// another number: the phrases before it are still read.
			if fe.TooLarge && !fe.NotRange {
				if m := firstTooLarge(words, i, n); m > 1 && startsWithDigit(words[i+m-1]) {
					n = m // the loop tries m-1 words next
					continue
				}
			}
			return Figure{}, i, false, fe
		}
		if fe, ok := err.(*extract.FigureError); ok && fe.Garbled && n == 1 {
			return Figure{}, i, false, fe // "3,86" itself, not a later word
		}
	}
	return Figure{}, i, false, nil
}

// ParseFigure reads a figure as a reporter types it after figure=: "300",
// "3,864", "at least 300", "as many as 3,864", "~140", "1.5 million", "a
// dozen", or a range, read as articles and statements read one: "200-350",
// "between 200 and 350", "200 to 350" (Value 200, Max 350). Words after the
// number are its unit ("300 civilians").
//
// Numbers are read as extract.ReadFigure reads them: groups of three
// separated by commas, apostrophes or spaces of any kind ("3 864"),
// Arabic-Indic digits, "12k", "1.5m", "half a million". A full stop
// followed by exactly three digits separates thousands ("3.864" is 3,864,
// as in a statement: the desk's figures are counts, and counts are whole);
// any other full stop is a decimal point ("1.5", "2.25", "1.500 million").
// A value the desk cannot read exactly is refused with the reason, never
// cut short: "3,86", "3 86" (two numbers), or a value above
// extract.MaxFigure (10^12).
//
// A refusal shows the value as typed, in typographic quotes: a quote
// inside it stays a quote, not \".
func ParseFigure(s string) (Figure, error) {
	if negated.MatchString(s) {
		return Figure{}, Errorf(EINVALID, "“%s” is not a figure the desk can read: counts are never negative; write figure=300 or figure=\"at least 300\"", Shorten(s, 60))
	}
	words := strings.Fields(s)
	f, next, ok := figureAt(words, 0)
	if ok && next < len(words) && startsWithDigit(words[next]) {
		ok = false // "3 86": the unit cannot be another number
	}
	if ok && next < len(words) && extract.IsScaleWord(strings.Trim(words[next], ",.;:")) {
		// A scale the number did not take ("between 1 and 2 trillion"
		// read as far as it can be) is never the unit.
		return Figure{}, Errorf(EINVALID, "“%s” is not a figure the desk can read: %s", Shorten(s, 60), scaleReason(s))
	}
	if ok && extract.HedgedNumberIn(strings.Join(words[next:], " ")) {
		// "at least 300, or at most 400": a second hedged figure is not
		// the first one's unit.
		return Figure{}, Errorf(EINVALID, "“%s” is not a figure the desk can read: it states two figures; write one, or a range as 300-400 or \"at least 300 and at most 400\"", Shorten(s, 60))
	}
	if !ok {
		reason := "write figure=300 or figure=\"at least 300\""
		if _, _, _, err := extract.ReadRange(s); err != nil {
			reason = err.Error()
		}
		return Figure{}, Errorf(EINVALID, "“%s” is not a figure the desk can read: %s", Shorten(s, 60), reason)
	}
	f.Unit = strings.Join(words[next:], " ")
	return f, nil
}

// Check refuses a figure that is not a finite number between 0 and
// extract.MaxFigure (10^12): such a value agrees or disagrees with anything
// (an infinite figure would make a dispute look like corroboration). It is
// the last guard; ParseFigure and the extractor never produce one. A range's
// top (Max) must not be below its bottom, and at most MaxFigure. A nil figure is
// fine.
func (f *Figure) Check() error {
	if f == nil {
		return nil
	}
	if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) || f.Value < 0 || f.Value > extract.MaxFigure {
		return Errorf(EINVALID, "a figure must be a number from 0 to 10^12 (a million million)")
	}
	if f.Max != 0 && (math.IsNaN(f.Max) || f.Max < f.Value || f.Max > extract.MaxFigure) {
		return Errorf(EINVALID, "the top of a range must not be below its bottom, and at most 10^12 (a million million)")
	}
	return nil
}

// negated finds a number with a minus sign (ASCII '-' or U+2212) directly
// before it, at the start of a word: "-300", "(−5". A hyphen between two
// numbers ("3-5") is a range, not a sign.
var negated = regexp.MustCompile(`(^|[\s(\[:;,"“„«'‘])[-\x{2212}][0-9\p{Nd}]+(?:[.,][0-9]+)*`)

// scaleReason says why a figure whose scale was left over is refused.
func scaleReason(s string) string {
	if _, _, _, err := extract.ReadRange(s); err != nil {
		if fe, ok := err.(*extract.FigureError); ok && fe.TooLarge {
			return fe.Message
		}
	}
	return "a scale word (million, lakh, crore…) must follow the number it multiplies; write figure=\"2 million\" or figure=\"between 1 and 2 million\""
}

// firstTooLarge is the fewest words from words[i] (at most n) whose
// phrase ReadRange refuses as above MaxFigure, or 0.
func firstTooLarge(words []string, i, n int) int {
	for m := 1; m <= n; m++ {
		_, _, _, err := extract.ReadRange(strings.Join(words[i:i+m], " "))
		if fe, ok := err.(*extract.FigureError); ok && fe.TooLarge {
			return m
		}
	}
	return 0
}

func startsWithDigit(w string) bool {
	for _, r := range w {
		return unicode.IsDigit(r)
	}
	return false
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
// figure is nil when the statement has none, or when its first number
// cannot be read exactly (StatementFigure says why).
func ReadStatement(statement string) (*Figure, Topic) {
	f, topic, _ := StatementFigure(statement)
	return f, topic
}

// StatementFigure is ReadStatement, and when the statement's first number
// cannot be read exactly, a short sentence saying why no figure was read,
// for the reporter who can fix it with edit: "the figure was not read: that
// number is above 10^12 …". A number is never cut short, nor a later one
// taken in its place: "3,86 people in 2 villages" has no figure, not 2. A
// reversed range ("between 350 and 200") is refused as figure= refuses it.
func StatementFigure(statement string) (*Figure, Topic, string) {
	// "-300 people killed": a minus directly before a number says it is no
	// count; reading 300 from it would state what the reporter did not.
	statement = negated.ReplaceAllString(statement, "${1}negative")
	words := strings.Fields(statement)
	// The first figure phrase in the statement, or the first that cannot
	// be read, whichever comes first.
	first, firstAt := Figure{}, len(words)
	var refused *extract.FigureError
	for i := range words {
		if partOfDate(words, i) {
			continue
		}
		f, next, ok, why := readFigureAt(words, i)
		if ok {
			f.Unit = unitAfter(words[next:])
			first, firstAt = f, i
			break
		}
		if why != nil {
			refused = why
			break
		}
	}
	if refused != nil {
		return nil, Topic{}, "The figure was not read: " + refused.Message + "; fix it with edit."
	}
	if found := extract.Extract(statement); len(found) > 0 {
		x := found[0]
		// A range is kept whole: "between 200 and 350 killed" is 200 to
		// 350, and a source's 340 agrees with it.
		f := &Figure{Value: x.Value, Max: x.Max, Qualifier: Qualifier(x.Qualifier)}
		topic := Topic{Metric: x.Metric, Who: x.Who, Place: x.Place, Period: x.Period}
		if x.Max == 0 && first.Max > 0 && (first.Value == x.Value || first.Max == x.Value) {
			// "at least 300 and at most 400 died": the extractor hears
			// one bound, the statement states both.
			g := first
			return &g, topic, ""
		}
		// The unit is the statement's own words after the number.
		for i := range words {
			if g, next, ok := figureAt(words, i); ok && g.Value == x.Value && g.Max == x.Max {
				f.Unit = unitAfter(words[next:])
				break
			}
		}
		return f, topic, ""
	}
	if firstAt < len(words) {
		return &first, Topic{}, ""
	}
	return nil, Topic{}, ""
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

package workflows

import (
	"strconv"
	"strings"
	"unicode"
)

// ParseFigure reads a figure as a reporter types it after figure=: "300",
// "3,864", "at least 300", "as many as 3,864", "~140", ">300", "1.5 million",
// "a dozen". Anything after the number is its unit ("300 civilians").
func ParseFigure(s string) (Figure, error) {
	f, rest, ok := parseFigurePrefix(strings.TrimSpace(s))
	if !ok {
		return Figure{}, Errorf(EINVALID, "%q is not a number; write figure=300 or figure=\"at least 300\"", s)
	}
	f.Unit = strings.TrimSpace(rest)
	return f, nil
}

var qualifierPrefixes = []struct {
	text string
	q    Qualifier
}{
	{"at least ", AtLeast}, {"no fewer than ", AtLeast}, {">=", AtLeast}, {"≥", AtLeast},
	{"more than ", MoreThan}, {"over ", MoreThan}, {"upwards of ", MoreThan}, {">", MoreThan},
	{"as many as ", UpTo}, {"up to ", UpTo}, {"at most ", UpTo}, {"<=", UpTo}, {"≤", UpTo},
	{"about ", About}, {"around ", About}, {"some ", About}, {"nearly ", About}, {"almost ", About},
	{"roughly ", About}, {"approximately ", About}, {"an estimated ", About}, {"~", About}, {"c. ", About},
}

var numberWords = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "a dozen": 12, "dozen": 12,
}

var scaleWords = map[string]float64{"thousand": 1e3, "million": 1e6, "billion": 1e9}

// parseFigurePrefix reads a qualifier and a number at the start of s and
// returns what follows.
func parseFigurePrefix(s string) (Figure, string, bool) {
	f := Figure{Qualifier: Exact}
	lower := strings.ToLower(s)
	for _, p := range qualifierPrefixes {
		if strings.HasPrefix(lower, p.text) {
			f.Qualifier = p.q
			s, lower = strings.TrimSpace(s[len(p.text):]), strings.TrimSpace(lower[len(p.text):])
			break
		}
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '.') {
		i++
	}
	num := strings.TrimRight(s[:i], ",.")
	rest := s[len(num):]
	var v float64
	if num != "" && num[0] >= '0' && num[0] <= '9' {
		if !validGrouping(num) {
			return f, s, false
		}
		parsed, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err != nil {
			return f, s, false
		}
		v = parsed
	} else {
		found := false
		for w, n := range numberWords {
			if strings.HasPrefix(lower, w) && (len(lower) == len(w) || !isWordByte(lower[len(w)])) && len(w) > len(num) {
				v, rest, found, num = n, s[len(w):], true, w
			}
		}
		if !found {
			return f, s, false
		}
	}
	trimmed := strings.TrimLeft(rest, " ")
	for w, scale := range scaleWords {
		if strings.HasPrefix(strings.ToLower(trimmed), w) && (len(trimmed) == len(w) || !isWordByte(trimmed[len(w)])) {
			v *= scale
			rest = trimmed[len(w):]
			break
		}
	}
	f.Value = v
	return f, rest, true
}

// validGrouping accepts "3864", "3,864", "1,000,000", "1.5", not "3,86" or "1,2,3".
func validGrouping(num string) bool {
	intPart, _, _ := strings.Cut(num, ".")
	if !strings.Contains(intPart, ",") {
		return strings.Count(num, ".") <= 1
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return strings.Count(num, ".") <= 1
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// unitStops end the unit of a figure in a statement: "140 civilians killed in
// the strike" has the unit "civilians killed".
var unitStops = map[string]bool{
	"in": true, "at": true, "on": true, "by": true, "during": true, "per": true, "since": true,
	"according": true, "after": true, "when": true, "from": true, "near": true, "across": true,
	"as": true, "the": true, "and": true, "but": true, "said": true, "says": true, "to": true, "of": false,
}

// FigureInStatement finds the figure a claim statement states: the first
// number that is not part of a date, a year or a clock time, with its
// qualifier and what it counts. It returns nil when there is none.
func FigureInStatement(statement string) *Figure {
	words := strings.Fields(statement)
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], "\"'“”‘’()")
		lw := strings.ToLower(w)
		if lw == "" || !(lw[0] >= '0' && lw[0] <= '9' || numberWords[lw] > 0) {
			continue
		}
		if i > 0 && months[strings.ToLower(strings.Trim(words[i-1], ",."))] {
			continue // "March 17"
		}
		if i+1 < len(words) && months[strings.ToLower(strings.Trim(words[i+1], ",."))] {
			continue // "17 March"
		}
		if strings.ContainsAny(w, ":/") {
			continue // "10:30", "3/17"
		}
		if n, err := strconv.Atoi(strings.TrimRight(w, ",.")); err == nil && n >= 1900 && n <= 2100 && !strings.Contains(w, ",") {
			continue // a year
		}
		// Take in a qualifier of up to three words before the number.
		start := i
		for n := 3; n >= 1; n-- {
			if i-n >= 0 && isQualifier(strings.ToLower(strings.Join(words[i-n:i], " "))+" ") {
				start = i - n
				break
			}
		}
		f, rest, ok := parseFigurePrefix(strings.Join(words[start:], " "))
		if !ok {
			continue
		}
		f.Unit = unitAfter(rest)
		return &f
	}
	return nil
}

// unitAfter takes the words naming what a figure counts: up to four words,
// stopping at a preposition, a verb of saying or punctuation.
func unitAfter(rest string) string {
	var unit []string
	for _, w := range strings.Fields(rest) {
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

func isQualifier(words string) bool {
	for _, p := range qualifierPrefixes {
		if p.text == words {
			return true
		}
	}
	return false
}

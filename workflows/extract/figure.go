package extract

import (
	"math"
	"strconv"
	"strings"
)

func strconvQuote(s string) string { return strconv.Quote(s) }

// Qualifier says how a figure was hedged in the text.
type Qualifier string

// The qualifiers. A figure with no hedge is Exact.
const (
	Exact    Qualifier = "exact"
	AtLeast  Qualifier = "at_least"  // "at least 300", "300+"
	MoreThan Qualifier = "more_than" // "more than 300", "over 300"
	UpTo     Qualifier = "up_to"     // "as many as 300", "up to 300", "fewer than 300"
	About    Qualifier = "about"     // "around", "some", "nearly", "roughly", "an estimated"
)

// Figure is one figure claim found in an article.
type Figure struct {
	Value float64 `json:"value"`
	// Max is the top of a range ("between 200 and 350", "154,000 to
	// 172,000"), whose bottom is Value; 0 for a single figure.
	Max       float64   `json:"max,omitempty"`
	Qualifier Qualifier `json:"qualifier"`
	// Metric is what is counted: "killed", "injured", "trapped", "bodies",
	// "homes_destroyed", "airstrikes", "troops", "fighters", "displaced",
	// "missing", "arrested"… A rate gets a suffix: "killed_per_day".
	Metric string `json:"metric"`
	Who    string `json:"who,omitempty"`    // who is counted: "civilians", "children"
	Place  string `json:"place,omitempty"`  // as written: "western Mosul"
	Period string `json:"period,omitempty"` // as written: "since mid-February"
	// Source is the attributed source as written in the article, without a
	// leading article or trailing punctuation: "U.N. human rights office".
	// It is empty when the article does not attribute the figure. A short
	// second reference to a body named in full before ("the agency" after
	// "the disaster agency", "the Observatory") is given in full, so that
	// one body's figures carry one name.
	Source   string `json:"source,omitempty"`
	Sentence string `json:"sentence"`
	// Start and End are the byte offsets of Sentence in the extracted text,
	// so text[Start:End] == Sentence. At is the offset of the number
	// itself, inside the sentence.
	Start int `json:"start"`
	End   int `json:"end"`
	At    int `json:"at"`
	// Mentions counts how often the article repeats this figure from this
	// source; Extract reports the first mention only.
	Mentions int `json:"mentions"`
	// VagueSource marks a source that names nobody in particular: "some
	// reports", "officials", "witnesses".
	VagueSource bool `json:"vague_source,omitempty"`
	// Revises is the figure this one replaces when its source revised its
	// own count in the article; RevisedTo, on the earlier figure, is the
	// value that replaced it. 0 when there was no revision.
	Revises   float64 `json:"revises,omitempty"`
	RevisedTo float64 `json:"revised_to,omitempty"`
}

// amountKind says what parseAmount found at a token.
type amountKind uint8

const (
	amountNone  amountKind = iota
	amountValue            // a definite number
	amountVague            // "dozens", "hundreds", "a few": no checkable value
)

// parseAmount reads a number starting at toks[i]: digits ("3,864", "1.5
// million"), words ("two", "twenty-five", "three hundred", "a dozen"). next
// is the index after the number.
func parseAmount(toks []token, i int) (value float64, next int, kind amountKind) {
	t := toks[i]
	switch t.kind {
	case tkNum:
		if t.huge {
			return 0, i, amountNone
		}
		value, next = t.num, i+1
		if t.suffix == "" && next < len(toks) && toks[next].kind == tkWord {
			if s, ok := scaleWords[toks[next].low]; ok {
				value *= s
				next++
			}
		}
		return value, next, amountValue
	case tkWord:
	default:
		return 0, i, amountNone
	}
	w := t.low
	if vagueWords[w] {
		return 0, i + 1, amountVague
	}
	// "half a million", "half a dozen".
	if w == "half" && i+2 < len(toks) && (toks[i+1].low == "a" || toks[i+1].low == "an") {
		if s, ok := scaleWords[toks[i+2].low]; ok {
			return s / 2, i + 3, amountValue
		}
	}
	if (w == "a" || w == "an") && i+1 < len(toks) {
		n := toks[i+1].low
		if n == "few" || n == "handful" || n == "couple" {
			return 0, i + 2, amountVague
		}
		if s, ok := scaleWords[n]; ok && n != "mn" && n != "bn" {
			// "a dozen", "a hundred", "a thousand"; "a hundred thousand".
			value, next = s, i+2
			for next < len(toks) && toks[next].kind == tkWord {
				s2, ok := scaleWords[toks[next].low]
				if !ok || s2 <= value {
					break
				}
				value *= s2
				next++
			}
			return value, next, amountValue
		}
		return 0, i, amountNone
	}
	var total, current float64
	seen := false
	j := i
	for ; j < len(toks) && toks[j].kind == tkWord; j++ {
		w := toks[j].low
		if u, ok := wordValue(w); ok {
			if seen && current != 0 && current < 100 && u < 100 {
				break // "two three" is not one number
			}
			current += u
			seen = true
			continue
		}
		if !seen {
			break
		}
		if w == "and" && j+1 < len(toks) && current >= 100 && current < 1000 {
			if _, ok := wordValue(toks[j+1].low); ok {
				continue // "three hundred and twelve"
			}
			break
		}
		s, ok := scaleWords[w]
		if !ok {
			break
		}
		switch {
		case s == 100 || s == 12:
			current *= s
		default:
			total += current * s
			current = 0
		}
	}
	if !seen {
		return 0, i, amountNone
	}
	return total + current, j, amountValue
}

// wordValue reads "seven" or "twenty-five".
func wordValue(w string) (float64, bool) {
	if v, ok := unitWords[w]; ok {
		return v, true
	}
	tens, units, ok := strings.Cut(w, "-")
	if !ok {
		return 0, false
	}
	t, ok1 := unitWords[tens]
	u, ok2 := unitWords[units]
	if !ok1 || !ok2 || t < 20 || u >= 10 || int(t)%10 != 0 {
		return 0, false
	}
	return t + u, true
}

// qualifierBefore looks for a hedge ending just before toks[i]. It returns
// Exact and i when there is none, else the qualifier and the index of its
// first word.
func qualifierBefore(toks []token, i int) (Qualifier, int) {
	for _, p := range qualifierPhrases {
		n := len(p.words)
		if i < n {
			continue
		}
		ok := true
		for k, w := range p.words {
			t := toks[i-n+k]
			if t.kind != tkWord || t.low != w {
				ok = false
				break
			}
		}
		if ok {
			return p.q, i - n
		}
	}
	// A sign is an operator only standing as a word before the number ("> 5",
	// ">5"): glued to a word before it, it closes markup ("<!channel> 5",
	// "</a> 12").
	if i > 0 && toks[i-1].kind == tkPunct && !(i > 1 && toks[i-2].end == toks[i-1].start && toks[i-2].kind != tkPunct) {
		switch toks[i-1].low {
		case "~", "≈":
			return About, i - 1
		case ">":
			return MoreThan, i - 1
		case "≥":
			return AtLeast, i - 1
		case "<", "≤":
			return UpTo, i - 1
		}
	}
	return Exact, i
}

// ParseFigure parses a single figure phrase such as "at least 300", "as many
// as 3,864", "about 1.5 million", "a dozen", "300+" or "twenty-five" into
// its value and qualifier. ok is false where ReadFigure gives an error.
func ParseFigure(s string) (value float64, q Qualifier, ok bool) {
	value, q, err := ReadFigure(s)
	return value, q, err == nil
}

// FigureError says why a phrase is not a figure the desk can read exactly.
// Message is a sentence a reporter can act on.
type FigureError struct {
	Message string
	// TooLarge is set when the value is above MaxFigure: no shorter
	// reading of the phrase may be taken instead.
	TooLarge bool
	// NotRange is set when the phrase is two numbers that make no range
	// ("350 to 200"): its first number alone is not what was meant either.
	NotRange bool
	// Garbled is set when the digits cannot be read as one number: grouped
	// unevenly ("3,86") or two numbers side by side ("3 86").
	Garbled bool
}

// topTooLarge reports a range whose top, after toks[next], is above
// MaxFigure: "1.5 to 2 trillion" is refused whole, not read as "1.5 to 2"
// of a unit "trillion".
func topTooLarge(toks []token, next int) bool {
	if next+1 >= len(toks) {
		return false
	}
	switch toks[next].low {
	case "to", "and", "-", "\u2013", "\u2014":
	default:
		return false
	}
	hi, _, kind := parseAmount(toks, next+1)
	return kind == amountValue && hi > MaxFigure
}

// IsScaleWord reports a word that multiplies the number before it
// ("million", "lakh", "trillion"): after a number it is never a unit.
func IsScaleWord(w string) bool {
	_, ok := scaleWords[lower(w)]
	return ok
}

// HedgedNumberIn reports whether s holds a hedged number ("and at most
// 400", "and perhaps as many as 400", "up to 400"): words after a figure
// that hold one are a second figure, never the first one's unit.
func HedgedNumberIn(s string) bool {
	toks := tokenize(s, 0, len(s), make([]token, 0, 8))
	for k := range toks {
		_, n := qualifierAt(toks[k:])
		if n == 0 || k+n >= len(toks) {
			continue
		}
		if _, _, kind := parseAmount(toks, k+n); kind == amountValue {
			return true
		}
	}
	return false
}

func (e *FigureError) Error() string { return e.Message }

// ReadFigure parses a single figure phrase such as "at least 300", "as many
// as 3,864", "3 864", "3.864", "about 1.5 million", "12k", "half a million",
// "a dozen", "300+" or "twenty-five" into its value and qualifier (numbers
// are read as number.go says). The whole phrase must be the figure:
// surrounding quotes and a final full stop are allowed, other words are not.
// Vague quantities ("dozens", "hundreds"), ranges ("30 to 50"), dates and
// clock times are refused. The error is a *FigureError; a value is never
// cut short: "3,86" or "3 86" are refused, not read as 3 or 86, and a value
// above MaxFigure is refused.
func ReadFigure(s string) (value float64, q Qualifier, err error) {
	value, _, q, err = readFigure(s, false)
	return value, q, err
}

// ReadRange reads a figure phrase as ReadFigure does, and a range as the
// extractor reads one in an article: "between 200 and 350", "200 to 350",
// "200-350", "200–350", "about 154,000 to 172,000", "1.5 to 2 million"
// (the scale is both numbers'). lo is the value, or the bottom of a range;
// hi is the top of a range, 0 for a single figure. A pair that is no range
// ("350 to 200", "two or three") is refused with the reason, as is
// anything ReadFigure refuses. The error is a *FigureError.
func ReadRange(s string) (lo, hi float64, q Qualifier, err error) {
	return readFigure(s, true)
}

// readFigure is ReadFigure, and ReadRange when ranges are allowed.
func readFigure(s string, ranges bool) (value, top float64, q Qualifier, err error) {
	toks := tokenize(s, 0, len(s), make([]token, 0, 8))
	if msg := unreadable(s, toks); msg != "" {
		return 0, 0, "", &FigureError{Message: msg, TooLarge: msg == tooLarge, Garbled: msg != tooLarge}
	}
	notFigure := &FigureError{Message: "not a number the desk can read: write 300, 3,864 or \"at least 300\""}
	// Drop enclosing quotes and trailing sentence punctuation.
	for len(toks) > 0 && toks[0].kind == tkPunct && isQuote(toks[0].low) {
		toks = toks[1:]
	}
	for len(toks) > 0 && toks[len(toks)-1].kind == tkPunct && (isQuote(toks[len(toks)-1].low) || toks[len(toks)-1].low == ".") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return 0, 0, "", notFigure
	}
	// An optional hedge, then the number.
	q, start := qualifierAt(toks)
	between := ranges && start < len(toks) && toks[start].kind == tkWord && toks[start].low == "between"
	if between {
		start++ // "between 200 and 350"
	}
	if start >= len(toks) {
		return 0, 0, "", notFigure
	}
	t := toks[start]
	if t.kind == tkNum && t.suffix != "" && !(ranges && rangeSuffix(t)) {
		return 0, 0, "", notFigure // "12th", "1,000-strong"; "30-50" unless a range is asked for
	}
	v, next, kind := parseAmount(toks, start)
	if kind != amountValue {
		return 0, 0, "", notFigure
	}
	if v > MaxFigure || math.IsNaN(v) {
		return 0, 0, "", &FigureError{Message: tooLarge, TooLarge: true}
	}
	if ranges {
		lo, hi, end, why, ok := pairAt(toks, start, next, start, v)
		switch {
		case ok && why != "":
			return 0, 0, "", &FigureError{Message: why + ": write a range lower number first, as 200-350 or \"between 200 and 350\"", NotRange: true}
		case ok:
			v, top, next = lo, hi, end
			if top <= v {
				top = 0 // "2 to 2 million": the scale made both ends one number
			}
		case topTooLarge(toks, next) && (between || toks[next].low != "and"):
			return 0, 0, "", &FigureError{Message: tooLarge, TooLarge: true} // "1.5 to 2 trillion"
		case between:
			return 0, 0, "", &FigureError{Message: "\"between\" needs two numbers: write \"between 200 and 350\""}
		}
	}
	if ranges && top == 0 && (q == AtLeast || q == MoreThan) {
		// "at least 300 and at most 400" is the range 300 to 400, not 300
		// of a unit "and at most 400".
		if hi, end, ok, ferr := boundedAbove(toks, next, v); ferr != nil {
			return 0, 0, "", ferr
		} else if ok {
			top, q, next = hi, Exact, end
		}
	}
	// Trailing "+" or "or more" means at least.
	rest := toks[next:]
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && rest[0].low == "+" && q == Exact:
		q = AtLeast
	case len(rest) == 2 && rest[0].low == "or" && rest[1].low == "more" && q == Exact:
		q = AtLeast
	case len(rest) == 2 && rest[0].low == "or" && (rest[1].low == "so" || rest[1].low == "fewer" || rest[1].low == "less") && q == Exact:
		if rest[1].low == "so" {
			q = About
		} else {
			q = UpTo
		}
	default:
		return 0, 0, "", notFigure
	}
	if top > 0 && len(rest) > 0 {
		return 0, 0, "", notFigure // "200 to 350+" says two things
	}
	return v, top, q, nil
}

// boundedAbove reads an upper bound after a lower one that ends at
// toks[next]: "and at most 400", "but fewer than 400", ", up to 400". ok
// is true when the phrase is one; why says so when the bound is not above
// lo ("at least 400 and at most 300") or above MaxFigure, err says so.
func boundedAbove(toks []token, next int, lo float64) (hi float64, end int, ok bool, err *FigureError) {
	k := next
	if k < len(toks) && (toks[k].low == "and" || toks[k].low == "but" || toks[k].low == ",") {
		k++
	}
	if k == next || k >= len(toks) {
		return 0, next, false, nil
	}
	q, n := qualifierAt(toks[k:])
	if n == 0 || q != UpTo || k+n >= len(toks) {
		return 0, next, false, nil
	}
	hi, end, kind := parseAmount(toks, k+n)
	if kind != amountValue {
		return 0, next, false, nil
	}
	if hi > MaxFigure || math.IsNaN(hi) {
		return 0, next, false, &FigureError{Message: tooLarge, TooLarge: true}
	}
	if hi <= lo {
		return 0, end, false, &FigureError{Message: "an upper bound that is not above the lower one: write a range lower number first, as 200-350 or \"between 200 and 350\"", NotRange: true}
	}
	return hi, end, true, nil
}

const tooLarge = "that number is above 10^12 (a million million), more than any count the desk checks"

// unreadable explains why the numbers in s cannot be read exactly, or
// returns "": a value beyond MaxFigure, digits grouped unevenly ("3,86",
// "38,64"), or two numbers side by side ("3 86") that a reader could take
// for one.
func unreadable(s string, toks []token) string {
	for k, t := range toks {
		if t.kind != tkNum {
			continue
		}
		if t.huge {
			return tooLarge
		}
		if k+2 < len(toks) && toks[k+1].kind == tkPunct && toks[k+2].kind == tkNum &&
			toks[k+1].start == t.end && toks[k+2].start == toks[k+1].end {
			switch toks[k+1].low {
			case ",", ".", "'", "\u2019", "\u066c":
				return "the digits of " + strconvQuote(s[t.start:toks[k+2].end]) + " are not in groups of three: write 3,864 or 3864"
			}
		}
		if k+1 < len(toks) && toks[k+1].kind == tkNum && t.suffix == "" {
			return strconvQuote(s[t.start:toks[k+1].end]) + " is two numbers: write one, grouped in threes (3,864 or 3 864)"
		}
	}
	return ""
}

// qualifierAt matches the longest hedge at the start of toks and returns it
// with the index after it, or Exact and 0.
func qualifierAt(toks []token) (Qualifier, int) {
	if toks[0].kind == tkPunct {
		switch toks[0].low {
		case "~", "≈":
			return About, 1
		case ">":
			return MoreThan, 1
		case "≥":
			return AtLeast, 1
		case "<", "≤":
			return UpTo, 1
		}
	}
	for _, p := range qualifierPhrases { // longest first
		if len(p.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range p.words {
			if toks[k].kind != tkWord || toks[k].low != w {
				ok = false
				break
			}
		}
		if ok {
			return p.q, len(p.words)
		}
	}
	return Exact, 0
}

// startsAmount reports whether a number word begins at toks[i].
func startsAmount(toks []token, i int) bool {
	w := toks[i].low
	if _, ok := wordValue(w); ok {
		return true
	}
	if vagueWords[w] {
		return true
	}
	if w == "half" && i+2 < len(toks) && (toks[i+1].low == "a" || toks[i+1].low == "an") {
		_, ok := scaleWords[toks[i+2].low]
		return ok
	}
	if (w == "a" || w == "an") && i+1 < len(toks) {
		n := toks[i+1].low
		_, ok := scaleWords[n]
		return ok || n == "few" || n == "handful" || n == "couple"
	}
	return false
}

func isQuote(s string) bool {
	switch s {
	case "\"", "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb":
		return true
	}
	return false
}

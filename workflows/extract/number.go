package extract

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// How the desk reads the digits people write. The rules, in one place:
//
//   - Digits are ASCII, Arabic-Indic (U+0660–U+0669) or Eastern
//     Arabic-Indic (U+06F0–U+06F9); all read the same.
//   - A number may be written in groups of three digits after a first group
//     of one to three, all separated by the same mark: a comma ("3,864"), an
//     apostrophe ("3'864", "3’864"), the Arabic thousands separator
//     (U+066C), a no-break, narrow no-break or thin space (U+00A0, U+202F,
//     U+2009) or a plain space ("3 864"; not after a month name, where
//     "June 3 200" is a day and a count).
//   - A full stop followed by exactly three digits separates thousands
//     ("3.864 dead" is 3,864): the desk checks counts of people and things,
//     which are whole numbers, and much of the world writes thousands this
//     way. It is a decimal point when a scale word follows ("1.500
//     million"), when more digits or fewer follow ("1.5", "2.25") or when
//     the first group is longer than three digits.
//   - A scale word multiplies, apart or glued on: "12k" is 12,000, "1.5m",
//     "1.5mn" and "1.5 million" 1,500,000, "2bn" 2,000,000,000, "3 lakh"
//     300,000, "1.2 crore" 12,000,000; "2 trillion" (2×10^12) is above
//     MaxFigure and refused.
//   - A number above MaxFigure, or too long to read, is never a figure.

// MaxFigure is the largest figure the desk accepts: 10^12. No count a
// newsroom checks (people, homes, strikes, even money in most currencies)
// comes near it; a larger value is a typing slip or an attempt to make a
// comparison meaningless (an infinite figure "agrees" with nothing and
// with everything), so it is refused rather than rounded.
const MaxFigure = 1e12

// maxDigits bounds how many digits are read as one number: anything longer
// is beyond MaxFigure whatever it says.
const maxDigits = 40

// isDigitRune reports the digits the desk reads.
func isDigitRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 0x660 && r <= 0x669 || r >= 0x6F0 && r <= 0x6F9
}

// digitAt returns the ASCII digit at s[i] and the bytes it takes, or 0, 0.
func digitAt(s string, i int) (byte, int) {
	if i >= len(s) {
		return 0, 0
	}
	c := s[i]
	if c >= '0' && c <= '9' {
		return c, 1
	}
	if c < utf8.RuneSelf {
		return 0, 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r >= 0x660 && r <= 0x669:
		return byte('0' + r - 0x660), size
	case r >= 0x6F0 && r <= 0x6F9:
		return byte('0' + r - 0x6F0), size
	}
	return 0, 0
}

// digitRun reads the digits from i, appending them to buf as ASCII. It
// returns the end, how many digits it read and buf.
func digitRun(s string, i int, buf []byte) (int, int, []byte) {
	n := 0
	for {
		d, size := digitAt(s, i)
		if size == 0 {
			return i, n, buf
		}
		if len(buf) < maxDigits+8 {
			buf = append(buf, d)
		}
		n++
		i += size
	}
}

// separatorAt returns the group separator at s[i] and its size, or 0, 0.
func separatorAt(s string, i int) (rune, int) {
	if i >= len(s) {
		return 0, 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch r {
	case ',', '.', '\'', ' ', '\u2019', '\u00a0', '\u202f', '\u2009', '\u066c':
		return r, size
	}
	return 0, 0
}

func isSpaceSeparator(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// scaleAhead reports a scale word after the spaces at i: "1.500 million".
func scaleAhead(s string, i int) bool {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	_, ok := scaleWords[lower(s[i:j])]
	return ok && j > i
}

// afterMonth reports a month name just before start: "June 3 200".
func afterMonth(s string, start int) bool {
	j := start
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	k := j
	for k > 0 && (s[k-1] >= 'a' && s[k-1] <= 'z' || s[k-1] >= 'A' && s[k-1] <= 'Z') {
		k--
	}
	return k < j && monthWords[lower(s[k:j])]
}

// groupEnds reports whether a three-digit group ending at j ends the
// number's digits: what follows is not glued on in a way that makes the
// group part of something else ("3 100-metre", "3 200:00").
func groupEnds(s string, j int, sep rune) bool {
	if j >= len(s) || !isSpaceSeparator(sep) && sep != '.' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	if r == sep {
		return true // the next group follows
	}
	if r == '-' || r == ':' || unicode.IsLetter(r) && sep != '.' {
		return false
	}
	if r == '.' || r == ',' {
		_, size := digitAt(s, j+1)
		return size == 0
	}
	return true
}

// glued scale letters: "12k", "1.5m", "2bn".
// A scale word glued on ("2million", "3lakh") multiplies as it does
// standing apart: the words come from scaleWords, one lexicon.
var glueScales = func() map[string]float64 {
	m := map[string]float64{"k": 1e3, "m": 1e6}
	for w, s := range scaleWords {
		if s >= 1e3 {
			m[w] = s
		}
	}
	return m
}()

// scanNumber reads a number at s[i] as the rules above say, a clock time
// ("11:22"), and a suffix glued on or joined by a hyphen ("1,000-strong",
// "12-year-old", "12th").
func scanNumber(s string, i int) (int, token) {
	start := i
	t := token{start: start, kind: tkNum}
	var arr [maxDigits + 16]byte
	buf := arr[:0]
	i, first, buf := digitRun(s, i, buf)
	count := first
	var sep rune
	groups := 0
	if first <= 3 {
		for {
			r, size := separatorAt(s, i)
			if r == 0 || sep != 0 && r != sep {
				break
			}
			if r == ' ' && groups == 0 && afterMonth(s, start) {
				break
			}
			j, n, _ := digitRun(s, i+size, nil)
			if n != 3 || !groupEnds(s, j, r) {
				break
			}
			_, _, buf = digitRun(s, i+size, buf)
			sep, i, count, groups = r, j, count+3, groups+1
		}
	}
	decimals := ""
	if sep == '.' && groups == 1 && scaleAhead(s, i) {
		// "1.500 million": the full stop was a decimal point.
		decimals = string(buf[first:])
		buf = buf[:first]
		count, groups, sep = first, 0, 0
	}
	t.grouped = groups > 0
	t.dotGrouped = sep == '.'
	if sep != '.' && i+1 < len(s) && (s[i] == '.' || s[i] == '\xd9' && i+2 < len(s) && s[i+1] == '\xab') {
		// A decimal point, ASCII or Arabic (U+066B).
		dot := 1
		if s[i] != '.' {
			dot = 2
		}
		if _, size := digitAt(s, i+dot); size > 0 {
			var frac []byte
			i, _, frac = digitRun(s, i+dot, nil)
			decimals += string(frac)
		}
	}
	if !t.grouped && i+1 < len(s) && s[i] == ':' && isDigit(s[i+1]) {
		t.kind = tkTime
		for i+1 < len(s) && s[i] == ':' && isDigit(s[i+1]) {
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		}
	}
	t.low = s[start:i]
	if t.kind == tkNum {
		if count > maxDigits {
			t.huge = true
		} else {
			num := string(buf)
			if decimals != "" {
				num += "." + decimals
			}
			v, err := strconv.ParseFloat(num, 64)
			if err != nil || math.IsInf(v, 0) || v > MaxFigure {
				t.huge = true
			} else {
				t.num = v
			}
		}
	}
	// A suffix glued on or joined by a hyphen: "1,000-strong", "12-year-old", "12th".
	j := i
	if j+1 < len(s) && s[j] == '-' {
		j++
	} else {
		t.glued = true
	}
	k := j
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' && k+size < len(s) && !isSpaceByte(s[k+size]) {
			k += size
			continue
		}
		break
	}
	if k > j {
		t.suffix = lower(s[j:k])
		i = k
	} else {
		t.glued = false
	}
	if scale, ok := glueScales[t.suffix]; ok && t.glued && t.kind == tkNum {
		t.num *= scale
		t.scaled, t.glued, t.suffix = true, false, ""
		if t.num > MaxFigure {
			t.huge, t.num = true, 0
		}
	}
	t.end = i
	return i, t
}

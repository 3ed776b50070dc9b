package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the two hand-written scanners: one cuts text into
// paragraphs and sentences, the other cuts a sentence into tokens. Both walk
// bytes once and allocate little, which is what keeps extraction fast on
// large inputs; regular expressions would be simpler to write but several
// times slower here.

// span is a sentence: byte offsets into the text and the paragraph it is in.
type span struct {
	start, end int
	para       int
}

// sentences splits text into sentences. A blank line or a line break after a
// finished line ends a paragraph; a line break inside a wrapped sentence does
// not. Offsets exclude surrounding white space.
func sentences(text string, out []span) []span {
	para := 0
	lineStart := 0
	segStart := -1 // start of the current sentence, -1 when between sentences
	flush := func(end int) {
		if segStart < 0 {
			return
		}
		for end > segStart && isSpaceByte(text[end-1]) {
			end--
		}
		if end > segStart {
			out = append(out, span{segStart, end, para})
		}
		segStart = -1
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' {
			if !softBreak(text, lineStart, i) {
				flush(i)
				para++
			}
			i++
			lineStart = i
			continue
		}
		if isSpaceByte(c) {
			i++
			continue
		}
		if segStart < 0 {
			segStart = i
		}
		if c == '.' || c == '!' || c == '?' {
			j := i + 1
			for j < len(text) && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
				j++
			}
			j = skipClosers(text, j)
			if j < len(text) && isSpaceByte(text[j]) && text[j] != '\n' &&
				startsSentence(text, j) && !(c == '.' && j == i+1 && isAbbreviation(text, segStart, i)) {
				flush(j)
			}
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	flush(len(text))
	return out
}

// softBreak reports whether the line break at nl continues a sentence that
// was hard-wrapped: the line ends mid-phrase and the next starts in lower case.
func softBreak(text string, lineStart, nl int) bool {
	end := nl
	for end > lineStart && isSpaceByte(text[end-1]) {
		end--
	}
	if end == lineStart {
		return false
	}
	last := text[end-1]
	if !(last >= 'a' && last <= 'z' || last == ',' || last == ';' || last == '-' || last >= '0' && last <= '9') {
		return false
	}
	j := nl + 1
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	return j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= '0' && text[j] <= '9')
}

// skipClosers steps over closing quotes and brackets after a full stop.
func skipClosers(text string, j int) int {
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch r {
		case '"', '\'', ')', ']', '\u201d', '\u2019', '\u00bb':
			j += size
		default:
			return j
		}
	}
	return j
}

// startsSentence reports whether the text after the spaces at j looks like
// the start of a new sentence.
func startsSentence(text string, j int) bool {
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	if j >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	switch r {
	case '"', '\'', '(', '[', '\u201c', '\u2018', '\u00ab':
		return true
	}
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// isAbbreviation reports whether the full stop at dot ends an abbreviation
// such as "U.S." or "Gen." rather than a sentence.
func isAbbreviation(text string, from, dot int) bool {
	w := dot
	for w > from {
		r, size := utf8.DecodeLastRuneInString(text[from:w])
		if !(unicode.IsLetter(r) || r == '.') {
			break
		}
		w -= size
	}
	word := text[w:dot]
	if word == "" {
		return false
	}
	if strings.IndexByte(word, '.') >= 0 {
		return true // dotted initials: U.S., U.N., a.m.
	}
	if len(word) == 1 && word[0] >= 'A' && word[0] <= 'Z' {
		return true // a middle initial: "George W. Bush"
	}
	return abbreviations[strings.ToLower(word)]
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

type tokKind uint8

const (
	tkWord  tokKind = iota + 1
	tkNum           // digits, possibly grouped or decimal: 3,864 or 1.5
	tkTime          // clock time: 11:22, 05:22:10
	tkPunct         // one punctuation rune
)

// token is one word, number or punctuation mark of a sentence.
type token struct {
	start, end int // byte offsets into the text
	kind       tokKind
	low        string // lower-cased text; for tkPunct the rune itself
	cap        bool   // a word starting with an upper-case letter
	num        float64
	suffix     string // for tkNum: what follows a hyphen or is glued on ("strong", "year-old", "th")
	glued      bool   // the suffix was glued without a hyphen ("12th", "5km")
	grouped    bool   // for tkNum: digits in groups of three ("3,864", "3 864", "3.864")
	dotGrouped bool   // the groups were separated by full stops ("3.864")
	scaled     bool   // a scale letter was glued on ("12k", "1.5m")
	huge       bool   // beyond MaxFigure, or too long to read as a number
}

// isApostrophe reports the straight and typographic apostrophes.
func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

// tokenize appends the tokens of text[from:to] to out.
func tokenize(text string, from, to int, out []token) []token {
	out, _ = tokenizeN(text, from, to, out, -1)
	return out
}

// tokenizeN appends at most n tokens of text[from:to] (all when n < 0) and
// returns where it stopped: a long sentence is read a window at a time, so
// its tokens never all sit in memory at once.
func tokenizeN(text string, from, to int, out []token, n int) ([]token, int) {
	s := text[:to]
	i := from
	for i < to && len(out) != n {
		c := s[i]
		if c < utf8.RuneSelf && isSpaceByte(c) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isDigitRune(r):
			var t token
			i, t = scanNumber(s, i)
			out = append(out, t)
		case unicode.IsLetter(r):
			var t token
			i, t = scanWord(s, i)
			out = append(out, t)
		case unicode.IsSpace(r):
			i += size
		default:
			out = append(out, token{start: i, end: i + size, kind: tkPunct, low: s[i : i+size]})
			i += size
		}
	}
	return out, i
}

// scanWord reads letters and digits joined by hyphens or apostrophes, and
// dotted initials such as "U.S.".
func scanWord(s string, i int) (int, token) {
	start := i
	first, _ := utf8.DecodeRuneInString(s[i:])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			i += size
			continue
		}
		if r == '-' || isApostrophe(r) || r == '.' {
			// Joiners count only between letters; a dot only in initials
			// ("U.S."), where the letter before it is alone.
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if i+size < len(s) && (unicode.IsLetter(next) || r == '-' && unicode.IsDigit(next)) {
				if r == '.' && !singleLetterBefore(s, start, i) {
					break
				}
				i += size
				continue
			}
			if r == '.' && singleLetterBefore(s, start, i) && strings.IndexByte(s[start:i], '.') >= 0 {
				i += size // the closing dot of "U.S."
			}
		}
		break
	}
	if i < len(s) && s[i] == '.' && titles[lower(s[start:i])] {
		i++ // "Dr." and "Gen." keep their dot so a name stays one phrase
	}
	w := s[start:i]
	return i, token{start: start, end: i, kind: tkWord, low: lower(w), cap: unicode.IsUpper(first)}
}

// singleLetterBefore reports whether the word run ending at i is a single
// letter after a dot or the word start, as in the "S" of "U.S".
func singleLetterBefore(s string, start, i int) bool {
	r, size := utf8.DecodeLastRuneInString(s[start:i])
	if !unicode.IsLetter(r) {
		return false
	}
	j := i - size
	return j == start || s[j-1] == '.'
}

// lower avoids an allocation for words already in lower case, the common case.
func lower(w string) string {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

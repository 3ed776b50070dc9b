package workflows

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// sourceAliases maps normalised spellings that name the same origin to one
// name. It is deliberately short: only names newsrooms abbreviate by habit.
var sourceAliases = map[string]string{
	"united nations":                                      "un",
	"un human rights office":                              "ohchr",
	"united nations human rights office":                  "ohchr",
	"office of the un high commissioner for human rights": "ohchr",
	"ap":                   "associated press",
	"afp":                  "agence france presse",
	"agence francepresse":  "agence france presse",
	"the associated press": "associated press",
}

// NormalizeSource reduces a source name to a readable form of the origin it
// names: Unicode NFKC ("ＵＮ" full width is "UN"), default-ignorable and
// format characters removed (zero-width spaces and joiners, bidi controls,
// variation selectors: "U\u200bN" is "UN"), case and punctuation folded
// ("U.N." and "UN" are the same), a leading "the" dropped, runs of spaces
// collapsed, and a few common aliases merged (also when spelt with
// look-alike letters). Two names are the same origin when their OriginKeys
// are equal, which also folds look-alikes.
func NormalizeSource(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(visible(s)) {
		switch {
		case r == '.' || r == '\'' || r == '’':
			// "U.N." → "un", "O'Brien" → "obrien": dots and apostrophes join.
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			// Marks stay with their letter ("é" written as e + U+0301).
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	n := strings.TrimPrefix(b.String(), "the ")
	if a, ok := aliasBySkeleton[skeleton(compact(n))]; ok {
		return a
	}
	return n
}

// OriginKey is the key under which accounts count as one origin: the
// confusables skeleton (Unicode UTS #39, data from
// github.com/mtibben/confusables) of NormalizeSource(s), so a name spelt
// with look-alike letters is the same origin as the name it imitates:
// Greek "Ν" and Armenian "Ս" are N and U, Cyrillic "С", "Е", "І" are C, E,
// I. The skeleton is taken in upper case so case decides nothing ("I" and
// "l" look alike, "i" does not); digits fold into the letters they resemble
// ("UN0" is "UNO"). Spaces are left out of the key, so a name cannot be
// made a second origin by spacing it ("U N", "Iraqiarmy", "R e u t e r s").
// A key is for comparing, not for showing.
func OriginKey(s string) string { return skeleton(compact(NormalizeSource(s))) }

// compact is a normalised name without its spaces.
func compact(n string) string { return strings.ReplaceAll(n, " ", "") }

// SameOrigin reports whether two source (or via) names name one origin.
func SameOrigin(a, b string) bool { return OriginKey(a) == OriginKey(b) }

// aliasBySkeleton is sourceAliases keyed by the skeleton of each spelling.
var aliasBySkeleton = func() map[string]string {
	m := make(map[string]string, len(sourceAliases))
	for k, v := range sourceAliases {
		m[skeleton(compact(k))] = v
	}
	return m
}()

func skeleton(s string) string {
	return norm.NFC.String(confusables.Skeleton(strings.ToUpper(s)))
}

// visible is s in NFKC without invisible characters.
func visible(s string) string {
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// invisible reports whether r is a format character (Cf: zero-width space
// and joiners, bidi embeddings, overrides and isolates, the byte-order mark,
// soft hyphen, tags) or otherwise default-ignorable (variation selectors,
// the combining grapheme joiner, Hangul fillers): characters that change
// nothing a reader sees.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

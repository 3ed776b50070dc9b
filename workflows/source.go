package workflows

import (
	"strings"
	"unicode"
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

// NormalizeSource reduces a source name to the form used to tell whether two
// accounts come from the same origin: case and punctuation folded ("U.N." and
// "UN" are the same), a leading "the" dropped, runs of spaces collapsed, and a
// few common aliases merged.
func NormalizeSource(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '.' || r == '\'' || r == '’':
			// "U.N." → "un", "O'Brien" → "obrien": dots and apostrophes join.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
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
	if a, ok := sourceAliases[n]; ok {
		return a
	}
	return n
}

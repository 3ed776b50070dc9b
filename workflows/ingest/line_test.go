package ingest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/testenv"
	"github.com/factdesk/factdesk/workflows/extract"
)

// Lines no editor would let through.
var ungrammatical = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`\b\w+s bodies\b`), "a plural noun before \"bodies\""},
	{regexp.MustCompile(` (In|On|By|During|Since|Between|From|Last|Over) `), "a capitalised preposition inside the line"},
	{regexp.MustCompile(`\bin (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b`), "\"in\" before a weekday"},
	{regexp.MustCompile(`\bin (January|February|March|April|May|June|July|August|September|October|November|December) \d`), "\"in\" before a date"},
	{regexp.MustCompile(`\b(in|on|by|since) (in|on|by|since)\b`), "two prepositions in a row"},
	{regexp.MustCompile(`_`), "a metric name instead of words"},
	{regexp.MustCompile(`\s[,.]|,,|\s\s`), "stray punctuation or spacing"},
}

// TestLinesReadAsEnglish writes the summary line and the statement of
// every figure in every visible article and checks them against the
// mistakes generated lines used to make ("about 80 civilians bodies",
// "killed in March 17", "1,166 Palestinians killed in Thursday").
func TestLinesReadAsEnglish(t *testing.T) {
	shared := testenv.SharedDir(t)
	var paths []string
	for _, dir := range []string{"corpus", "corpus-more"} {
		p, _ := filepath.Glob(filepath.Join(shared, dir, "*.txt"))
		paths = append(paths, p...)
	}
	if len(paths) == 0 {
		testenv.Unavailable(t, "the shared corpus has no articles")
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range extract.Extract(string(b)) {
			line := Line(f)
			if w := doubled(line); w != "" {
				t.Errorf("%s: line %q doubles %q", filepath.Base(path), line, w)
			}
			for _, u := range ungrammatical {
				if u.re.MatchString(line) {
					t.Errorf("%s: line %q has %s", filepath.Base(path), line, u.why)
				}
			}
			st := Statement(f)
			clause := strings.Trim(Clause(f), "\u2026")
			if !strings.HasPrefix(st, "\u201c") || clause == "" || !strings.Contains(f.Sentence, clause) {
				t.Errorf("%s: statement %q does not quote the article's sentence %q", filepath.Base(path), st, f.Sentence)
			}
		}
	}
}

// doubled returns a word written twice in a row, or "".
func doubled(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	for i := 1; i < len(ws); i++ {
		if ws[i] == ws[i-1] {
			return ws[i]
		}
	}
	return ""
}

func TestUngrammaticalCatches(t *testing.T) {
	if doubled("killed in in Mosul") != "in" {
		t.Error("a doubled word passes")
	}
	for _, bad := range []string{"about 80 civilians bodies", "140 civilians killed in March 17", "1,166 Palestinians killed in Thursday",
		"3,879 people bodies By Wednesday", "10 homes_destroyed"} {
		caught := false
		for _, u := range ungrammatical {
			caught = caught || u.re.MatchString(bad)
		}
		if !caught {
			t.Errorf("%q passes the grammar check", bad)
		}
	}
}

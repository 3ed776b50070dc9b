package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
)

func TestParseCommands(t *testing.T) {
	g := NewGrammar()
	cmd, err := g.Parse(`evidence #12 supports source=“UN human rights office” figure="at least 300" url=https://example.org/a via='Reuters' "the toll is rising"`)
	if err != nil {
		t.Fatal(err)
	}
	e := cmd.Evidence
	if cmd.ClaimID != 12 || e.Stance != workflows.Supports || e.Source != "UN human rights office" || e.Via != "Reuters" ||
		e.URL != "https://example.org/a" || e.Quote != "the toll is rising" || e.Figure == nil || e.Figure.Value != 300 || e.Figure.Qualifier != workflows.AtLeast {
		t.Fatalf("parsed %+v / %+v", cmd, e.Figure)
	}
	cmd, err = g.Parse("approve 3 version=7 publish the UN figure")
	if err != nil || cmd.ClaimID != 3 || cmd.Version != 7 || cmd.Text != "publish the UN figure" {
		t.Fatalf("approve: %+v %v", cmd, err)
	}
	cmd, err = g.Parse("approve looks right")
	if err != nil || cmd.ClaimID != 0 || cmd.Text != "looks right" {
		t.Fatalf("approve without id: %+v %v", cmd, err)
	}
	cmd, err = g.Parse("list disputed pending mine assigned:@ana")
	if err != nil || cmd.State != workflows.Disputed || cmd.Decision != workflows.Pending || !cmd.Mine || cmd.Assignee != "@ana" {
		t.Fatalf("list: %+v %v", cmd, err)
	}
	cmd, err = g.Parse("  CLAIM   140 civilians killed ")
	if err != nil || cmd.Name != "claim" || cmd.Text != "140 civilians killed" {
		t.Fatalf("claim: %+v %v", cmd, err)
	}
}

func TestParseRefusals(t *testing.T) {
	g := NewGrammar()
	cases := map[string]string{
		"aprove 12":                       "did you mean approve?",
		"evid 12":                         "did you mean evidence?",
		"frobnicate":                      `unknown command "frobnicate". Type help for the list.`,
		"claim":                           "usage: claim <statement>",
		"reject 12":                       "usage: reject <id> <reason>",
		"evidence 12 maybe source=UN":     "supports or contradicts",
		"evidence 12 supports":            "needs a source",
		`evidence 12 supports source="UN`: "the quote opened at source=\"UN… is never closed",
		`evidence 17 supports source=“Unclosed figure=500 via=«Al Jazeera English» „quote here“`: "the quote opened at source=“Unclosed… is never closed",
		`evidence 17 supports source=UN “unclosed quote`:                                         "the quote opened at “unclosed… is never closed",
		`evidence 17 supports source=UN figure=5 figure=600`:                                     "figure= is given twice",
		`evidence 17 supports source=UN source=AP`:                                               "source= is given twice",
		`evidence 17 supports source=UN Source=AP`:                                               "source= is given twice",
		`evidence 17 supports source=UN via=AP via=AFP`:                                          "via= is given twice",
		`evidence 17 supports source=UN url=https://a.example url=https://b.example`:             "url= is given twice",
		`evidence 17 supports source=UN quote="a" quote="b"`:                                     "quote= is given twice",
		`evidence 17 supports source=UN "a" "b"`:                                                 "the quote is given twice",
		"evidence 12 supports source=UN figure=lots":                                             "not a number",
		"evidence 12 supports source=UN colour=red":                                              "not colour=",
		"list sideways": "list doesn't know",
		"assign 12":     "usage: assign",
		"show 12 extra": "usage: show",
		"":              "say a command",
	}
	for in, want := range cases {
		_, err := g.Parse(in)
		if workflows.ErrorCode(err) != workflows.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) err = %v, want EINVALID containing %q", in, err, want)
		}
	}
}

func TestHelpListsOnlyWhatTheUserMayRun(t *testing.T) {
	g := NewGrammar()
	reporter := strings.Join(g.HelpMessage(false, "").Items, "\n")
	editor := strings.Join(g.HelpMessage(true, "").Items, "\n")
	if strings.Contains(reporter, "approve <id>") || strings.Contains(reporter, "reject <id>") || strings.Contains(reporter, "reopen <id>") {
		t.Errorf("reporter help lists editor commands:\n%s", reporter)
	}
	if !strings.Contains(editor, "approve <id>") || !strings.Contains(editor, "claim <statement>") {
		t.Errorf("editor help incomplete:\n%s", editor)
	}
	if m := g.HelpMessage(false, "evidence"); !strings.Contains(m.Title, "supports|contradicts") {
		t.Errorf("help evidence = %+v", m)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"claim 140 civilians killed", `evidence 1 supports source="UN" figure=300`, "approve #2 version=3 ok",
		"list disputed mine", "evidence 1 contradicts source=“Army” “quote”", "assign 3 @ana", `'`, "“", "help approve",
	} {
		f.Add(s)
	}
	g := NewGrammar()
	f.Fuzz(func(t *testing.T, s string) {
		cmd, err := g.Parse(s)
		if err != nil {
			if workflows.ErrorCode(err) != workflows.EINVALID {
				t.Fatalf("Parse(%q) returned a non-user error %v", s, err)
			}
			if !utf8.ValidString(err.Error()) && utf8.ValidString(s) {
				t.Fatalf("error message is not valid UTF-8")
			}
			return
		}
		if cmd.Name == "" {
			t.Fatalf("Parse(%q) gave a command without a name", s)
		}
		if cmd.ClaimID < 0 {
			t.Fatalf("negative claim id from %q", s)
		}
		// In a thread the same text never names a claim without "#".
		inThread, err := g.ParseIn(s, true)
		if err == nil && inThread.ClaimID != 0 && !strings.Contains(s, "#") {
			t.Fatalf("ParseIn(%q, true) took claim %d from a bare number", s, inThread.ClaimID)
		}
	})
}

// Talk in a claim's thread is a command only when it starts with a
// command's name, read as Parse reads it.
func TestIsCommand(t *testing.T) {
	g := NewGrammar()
	for text, want := range map[string]bool{
		"approve 12":            true,
		"reject\nnot sourced":   true,
		"/approve":              true,
		"  Evidence supports":   true,
		"approved it, thanks":   false,
		"what does the UN say?": false,
		"":                      false,
	} {
		if got := g.IsCommand(text); got != want {
			t.Errorf("IsCommand(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestQuotes: every quote pair people's keyboards and chat clients produce
// encloses a value, wherever the grammar reads one.
func TestQuotes(t *testing.T) {
	g := NewGrammar()
	for _, tc := range []struct{ name, args, source, via, quote string }{
		{"straight double", `source="Iraqi army" via="Reuters TV" "as many as 3,864"`, "Iraqi army", "Reuters TV", "as many as 3,864"},
		{"straight single", `source='Iraqi army' via='Reuters TV' 'as many'`, "Iraqi army", "Reuters TV", "as many"},
		{"English double", `source=“Iraqi army” via=“Reuters TV” “as many”`, "Iraqi army", "Reuters TV", "as many"},
		{"English single", `source=‘Iraqi army’ via=‘Reuters TV’ ‘as many’`, "Iraqi army", "Reuters TV", "as many"},
		{"German double", `source=„Irakische Armee“ via=„Reuters TV“ „bis zu“`, "Irakische Armee", "Reuters TV", "bis zu"},
		{"German single", `source=‚Irakische Armee‘ via=‚Reuters TV‘ ‚bis zu‘`, "Irakische Armee", "Reuters TV", "bis zu"},
		{"Polish", `source=„Armia iracka” via=„Reuters TV” „do 3864”`, "Armia iracka", "Reuters TV", "do 3864"},
		{"Swedish", `source=”Irakiska armén” via=”Reuters TV” ”upp till”`, "Irakiska armén", "Reuters TV", "upp till"},
		{"French guillemets", `source=«armée irakienne» via=«Reuters TV» «jusqu'à»`, "armée irakienne", "Reuters TV", "jusqu'à"},
		{"French guillemets with spaces", `source=« armée irakienne » via=«Reuters» «x»`, " armée irakienne ", "Reuters", "x"},
		{"Danish guillemets", `source=»Iraks hær« via=»Reuters TV« »op til«`, "Iraks hær", "Reuters TV", "op til"},
		{"single guillemets", `source=‹armée irakienne› via=›Reuters TV‹ ‹x›`, "armée irakienne", "Reuters TV", "x"},
		{"Japanese corner brackets", `source=「イラク軍」 via=『ロイター』 「最大」`, "イラク軍", "ロイター", "最大"},
		{"full-width", `source=＂イラク軍＂ via=＂ロイター＂ ＂最大＂`, "イラク軍", "ロイター", "最大"},
		{"mixed by autocorrect", `source="Iraqi army” via=“Reuters" 'as many’`, "Iraqi army", "Reuters", "as many"},
		{"apostrophe inside a bare word", `source=O’Brien via=Reuters`, "O’Brien", "Reuters", ""},
		{"apostrophe inside a quoted value", `source="Ministry of Health’s office"`, "Ministry of Health’s office", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, err := g.Parse("evidence 12 supports " + tc.args)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			e := cmd.Evidence
			if e.Source != tc.source || e.Via != tc.via || e.Quote != tc.quote {
				t.Errorf("source %q via %q quote %q; want %q, %q, %q", e.Source, e.Via, e.Quote, tc.source, tc.via, tc.quote)
			}
		})
	}
	for _, unclosed := range []string{`source=„UN`, `source=«UN`, `source=「UN`, `source=‚UN`} {
		if _, err := g.Parse("evidence 12 supports " + unclosed); err == nil || !strings.Contains(err.Error(), "is never closed") {
			t.Errorf("%s: err = %v, want a quote not closed", unclosed, err)
		}
	}
}

// TestParseInThread: in a claim's thread a bare number after the command is
// text, "#N" names another claim; outside, both name a claim.
func TestParseInThread(t *testing.T) {
	g := NewGrammar()
	for _, tc := range []struct {
		text     string
		inThread bool
		id, bare int64
		words    string
	}{
		{"edit 4 people were killed", true, 0, 4, "4 people were killed"},
		{"edit 4 people were killed", false, 4, 0, "people were killed"},
		{"edit #4 people were killed", true, 4, 0, "people were killed"},
		{"edit #4 people were killed", false, 4, 0, "people were killed"},
		{"reopen 3 sources now disagree", true, 0, 3, "3 sources now disagree"},
		{"approve", true, 0, 0, ""},
		{"approve 12 version=3 ok", false, 12, 0, "ok"},
		{"approve #12 version=3 ok", true, 12, 0, "ok"},
		{"reject 3", true, 0, 3, "3"},
	} {
		cmd, err := g.ParseIn(tc.text, tc.inThread)
		if err != nil {
			t.Errorf("ParseIn(%q, %v): %v", tc.text, tc.inThread, err)
			continue
		}
		if cmd.ClaimID != tc.id || cmd.BareNumber != tc.bare || cmd.Text != tc.words {
			t.Errorf("ParseIn(%q, %v) = id %d bare %d text %q; want %d, %d, %q", tc.text, tc.inThread, cmd.ClaimID, cmd.BareNumber, cmd.Text, tc.id, tc.bare, tc.words)
		}
	}
	// Commands whose arguments cannot start with text say how to name a claim.
	for _, text := range []string{"show 5", "history 5", "assign 5 @ana", "evidence 5 supports source=UN"} {
		_, err := g.ParseIn(text, true)
		if err == nil || !strings.Contains(err.Error(), "write #5") {
			t.Errorf("ParseIn(%q) in a thread: err = %v, want a hint to write #5", text, err)
		}
	}
}

// TestDigitGroupSpacesAreNoArgumentSeparators: a no-break, narrow
// no-break or thin space between digit groups keeps figure=3 864 one
// figure, as it is quoted or in a statement.
func TestDigitGroupSpacesAreNoArgumentSeparators(t *testing.T) {
	g := NewGrammar()
	for _, sp := range []string{"\u00a0", "\u202f", "\u2009"} {
		cmd, err := g.Parse("evidence 1 supports source=X figure=3" + sp + "864")
		if err != nil {
			t.Errorf("figure=3%+q864: %v", sp, err)
			continue
		}
		if f := cmd.Evidence.Figure; f == nil || f.Value != 3864 {
			t.Errorf("figure=3%+q864 read as %+v, want 3864", sp, f)
		}
	}
	// An ordinary space still separates arguments.
	if _, err := g.Parse("evidence 1 supports source=X figure=3 864"); err == nil {
		t.Errorf("figure=3 864 with a plain space was read, want the 864 refused")
	}
}

// TestRefusalsSayWhatIsWrong: a number that is no claim's, a version that
// is no number and a quote inside a quote are answered for what they are.
func TestRefusalsSayWhatIsWrong(t *testing.T) {
	g := NewGrammar()
	for text, want := range map[string]string{
		"evidence 0 supports source=Z":                       "0 is not a claim number",
		"evidence -1 supports source=Z":                      "-1 is not a claim number",
		"evidence 99999999999999999999999 supports source=Z": "99999999999999999999999 is not a claim number",
		"show #0":               "#0 is not a claim number",
		"approve 1 version=abc": "version= takes a number",
		"approve 1 version=":    "version= takes a number",
		`evidence 1 supports source="say "nested" here"`: `“nested"”`,
		`evidence 1 supports source=Z figure=3"5`:        `“3"5”`,
	} {
		_, err := g.Parse(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) err = %v, want it to say %q", text, err, want)
		}
		if err != nil && strings.Contains(err.Error(), `\"`) {
			t.Errorf("Parse(%q) err = %v shows an escaped quote nobody typed", text, err)
		}
	}
	// In a thread a bare number is text, as before: 0 people is a statement.
	if cmd, err := g.ParseIn("edit 0 people were hurt", true); err != nil || cmd.Text != "0 people were hurt" {
		t.Errorf("ParseIn(edit 0 people were hurt, thread) = %+v, %v", cmd, err)
	}
	if cmd, err := g.Parse("approve 1 VERSION=3 ok"); err != nil || cmd.Version != 3 || cmd.Text != "ok" {
		t.Errorf("Parse(approve 1 VERSION=3 ok) = %+v, %v; want version 3, note ok", cmd, err)
	}
}

// TestThreadsOwnNumberNamesItsClaim: in claim 1's thread, "approve 1 note"
// (the desk's own advice, followed there) is claim 1 with the note "note";
// another bare number is still text.
func TestThreadsOwnNumberNamesItsClaim(t *testing.T) {
	g := NewGrammar()
	for _, tc := range []struct {
		text     string
		own      int64
		id, bare int64
		words    string
	}{
		{"approve 1 the UN figure, attributed", 1, 1, 0, "the UN figure, attributed"},
		{"approve 1 version=2 ok", 1, 1, 0, "ok"},
		{"reopen 3 sources now disagree", 1, 0, 3, "3 sources now disagree"},
		{"edit #4 people were killed", 1, 4, 0, "people were killed"},
	} {
		cmd, err := g.ParseInThread(tc.text, tc.own)
		if err != nil || cmd.ClaimID != tc.id || cmd.BareNumber != tc.bare || cmd.Text != tc.words {
			t.Errorf("ParseInThread(%q, %d) = id %d bare %d text %q, %v; want %d, %d, %q",
				tc.text, tc.own, cmd.ClaimID, cmd.BareNumber, cmd.Text, err, tc.id, tc.bare, tc.words)
		}
	}
}

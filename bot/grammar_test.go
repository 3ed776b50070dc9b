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
		"frobnicate":                      "unknown command",
		"claim":                           "usage: claim <statement>",
		"reject 12":                       "usage: reject <id> <reason>",
		"evidence 12 maybe source=UN":     "supports or contradicts",
		"evidence 12 supports":            "needs a source",
		`evidence 12 supports source="UN`: "not closed",
		"evidence 12 supports source=UN figure=lots": "not a number",
		"evidence 12 supports source=UN colour=red":  "not colour=",
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

package workflows

import (
	"strings"
	"testing"

	goldenfile "github.com/factdesk/factdesk/internal/golden"
)

// TestNextEveryPair covers every (decision, action) pair of the table.
func TestNextEveryPair(t *testing.T) {
	want := map[Decision]map[Action]Decision{
		Pending:  {ActApprove: Approved, ActReject: Rejected, ActEdit: Pending, ActAddEvidence: Pending, ActAssign: Pending},
		Approved: {ActReopen: Pending, ActAddEvidence: Approved, ActAssign: Approved},
		Rejected: {ActReopen: Pending, ActAddEvidence: Rejected, ActAssign: Rejected},
	}
	for _, from := range AllDecisions {
		for _, action := range AllActions {
			got, err := Next(from, action)
			to, allowed := want[from][action]
			switch {
			case allowed && err != nil:
				t.Errorf("Next(%s, %s): unexpected error %v", from, action, err)
			case allowed && got != to:
				t.Errorf("Next(%s, %s) = %s, want %s", from, action, got, to)
			case !allowed && err == nil:
				t.Errorf("Next(%s, %s) = %s, want a refusal", from, action, got)
			case !allowed:
				if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "from here you can") {
					t.Errorf("Next(%s, %s) error %q does not say what is possible", from, action, err)
				}
				if got != from {
					t.Errorf("refused Next(%s, %s) moved to %s", from, action, got)
				}
			}
		}
	}
}

func TestTransitionGraphGolden(t *testing.T) {
	golden(t, "decisions.dot", TransitionGraph())
}

// golden checks got against testdata/name.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, name, []byte(got))
}

func TestAssess(t *testing.T) {
	r := DefaultRules()
	fig := func(v float64) *Figure { return &Figure{Value: v, Qualifier: Exact} }
	ev := func(src string, st Stance, f *Figure) Evidence { return Evidence{Source: src, Stance: st, Figure: f} }
	cases := []struct {
		name  string
		claim *Figure
		evs   []Evidence
		want  EvidenceState
	}{
		{"no evidence", fig(140), nil, Unverified},
		{"one source", fig(140), []Evidence{ev("UN", Supports, fig(140))}, Unverified},
		{"two independent", fig(140), []Evidence{ev("UN", Supports, fig(140)), ev("Reuters", Supports, fig(145))}, Corroborated},
		{"same origin spelled twice", fig(140), []Evidence{ev("U.N.", Supports, nil), ev("the UN", Supports, nil)}, Unverified},
		{"united nations alias", nil, []Evidence{ev("United Nations", Supports, nil), ev("UN", Supports, nil)}, Unverified},
		{"contradiction", fig(140), []Evidence{ev("UN", Supports, nil), ev("Reuters", Supports, nil), ev("Army", Contradicts, nil)}, Disputed},
		{"figures beyond tolerance", fig(300), []Evidence{ev("UN", Supports, fig(300)), ev("Army", Supports, fig(3864))}, Disputed},
		{"figures within tolerance", fig(100), []Evidence{ev("A", Supports, fig(105)), ev("B", Supports, fig(96))}, Corroborated},
		{"just over tolerance", fig(100), []Evidence{ev("A", Supports, fig(100)), ev("B", Supports, fig(88))}, Disputed},
	}
	for _, c := range cases {
		if got := r.Assess(c.claim, c.evs).State; got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	a := r.Assess(fig(300), []Evidence{ev("UN", Supports, fig(300)), ev("Iraqi army", Supports, fig(3864))})
	if a.Low.Figure.Value != 300 || a.High.Figure.Value != 3864 || a.High.Source != "Iraqi army" {
		t.Errorf("low/high = %+v / %+v", a.Low, a.High)
	}
}

func TestNormalizeSource(t *testing.T) {
	for in, want := range map[string]string{
		"U.N.": "un", "UN": "un", "the UN": "un", "United Nations": "un", "  Iraqi   Army ": "iraqi army",
		"Reuters,": "reuters", "AFP": "agence france presse",
	} {
		if got := NormalizeSource(in); got != want {
			t.Errorf("NormalizeSource(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFigure(t *testing.T) {
	cases := []struct {
		in   string
		v    float64
		q    Qualifier
		unit string
	}{
		{"300", 300, Exact, ""},
		{"3,864", 3864, Exact, ""},
		{"at least 300", 300, AtLeast, ""},
		{"as many as 3,864 civilians", 3864, UpTo, "civilians"},
		{"more than 200", 200, MoreThan, ""},
		{"~140", 140, About, ""},
		{"about 1.5 million", 1.5e6, About, ""},
		{"a dozen", 12, Exact, ""},
		{"two", 2, Exact, ""},
	}
	for _, c := range cases {
		f, err := ParseFigure(c.in)
		if err != nil || f.Value != c.v || f.Qualifier != c.q || f.Unit != c.unit {
			t.Errorf("ParseFigure(%q) = %+v, %v; want %v %s %q", c.in, f, err, c.v, c.q, c.unit)
		}
	}
	for _, bad := range []string{"", "many", "3,86", "1,2,3", "abc123"} {
		if _, err := ParseFigure(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseFigure(%q) err = %v, want EINVALID", bad, err)
		}
	}
}

func TestReadStatement(t *testing.T) {
	cases := []struct {
		in   string
		want string // Figure.String(), "" for none
	}{
		{"140 civilians killed in the March 17 Mosul airstrike, per the UN human rights office", "140 civilians killed"},
		{"On March 17 at least 300 people died in Mosul", "at least 300 people died"},
		{"In 2017 as many as 3,864 civilians were killed", "as many as 3,864 civilians were killed"},
		{"The strike happened at 10:30 on 17 March 2017", ""},
		{"No numbers here", ""},
	}
	for _, c := range cases {
		f, _ := ReadStatement(c.in)
		got := ""
		if f != nil {
			got = f.String()
		}
		if got != c.want {
			t.Errorf("ReadStatement(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitKeepsItemsWhole(t *testing.T) {
	m := Message{Title: "Digest", Text: "intro", Footer: "end", Actions: []Button{{ID: "x"}}}
	for i := 0; i < 95; i++ {
		m.Items = append(m.Items, strings.Repeat("x", 90)+string(rune('a'+i%26)))
	}
	parts := Split(m, Limits{MaxItems: 20, MaxChars: 1500})
	var items []string
	for i, p := range parts {
		if len(p.Items) > 20 || p.Size() > 1500 {
			t.Errorf("part %d exceeds limits: %d items, %d chars", i, len(p.Items), p.Size())
		}
		items = append(items, p.Items...)
		if i < len(parts)-1 && (p.Footer != "" || len(p.Actions) > 0) {
			t.Errorf("part %d carries the footer or buttons", i)
		}
	}
	if len(items) != 95 || strings.Join(items, "|") != strings.Join(m.Items, "|") {
		t.Fatalf("items lost or reordered: %d of 95", len(items))
	}
	if last := parts[len(parts)-1]; last.Footer != "end" || len(last.Actions) != 1 {
		t.Errorf("last part lost the footer or buttons: %+v", last)
	}
	if one := Split(Message{Text: "short"}, Limits{MaxItems: 1, MaxChars: 100}); len(one) != 1 {
		t.Errorf("a small message was split into %d", len(one))
	}
}

// TestStepGuardsAndAutomaticReopen covers the table's conditional row and
// each guard, on the facts alone.
func TestStepGuardsAndAutomaticReopen(t *testing.T) {
	c := &Claim{ID: 7, FiledBy: "slack:U1"}
	rules := DefaultRules()
	for _, tc := range []struct {
		name     string
		from     Decision
		action   Action
		facts    stepFacts
		want     Decision
		wantCode string // "" for no error
	}{
		{"approve corroborated", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Corroborated}, Actor: "slack:U2"}, Approved, ""},
		{"filer approves", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Corroborated}, Actor: "slack:U1"}, Pending, EFORBIDDEN},
		{"filer approves, rule off", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Corroborated}, Actor: "slack:U1", Rules: Rules{}}, Approved, ""},
		{"approve disputed without note", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Disputed}, Actor: "slack:U2"}, Pending, EINVALID},
		{"approve disputed with note", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Disputed}, Actor: "slack:U2", Note: "publish the UN's 140"}, Approved, ""},
		{"approve unverified without note", Pending, ActApprove, stepFacts{Assessment: Assessment{State: Unverified}, Actor: "slack:U2"}, Pending, EINVALID},
		{"reject without reason", Pending, ActReject, stepFacts{Actor: "slack:U2"}, Pending, EINVALID},
		{"reject with reason", Pending, ActReject, stepFacts{Actor: "slack:U2", Note: "no source"}, Rejected, ""},
		{"disputing evidence reopens", Approved, ActAddEvidence, stepFacts{Assessment: Assessment{State: Disputed}}, Pending, ""},
		{"agreeing evidence keeps approval", Approved, ActAddEvidence, stepFacts{Assessment: Assessment{State: Corroborated}}, Approved, ""},
		{"disputing evidence on a rejected claim", Rejected, ActAddEvidence, stepFacts{Assessment: Assessment{State: Disputed}}, Rejected, ""},
		{"not in the table", Rejected, ActEdit, stepFacts{}, Rejected, EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.facts
			f.Claim = c
			if tc.name != "filer approves, rule off" {
				f.Rules = rules
			}
			got, err := step(tc.from, tc.action, f)
			if got != tc.want {
				t.Errorf("step = %s, want %s", got, tc.want)
			}
			if code := ErrorCode(err); (tc.wantCode == "" && err != nil) || (tc.wantCode != "" && code != tc.wantCode) {
				t.Errorf("step error %v (code %q), want code %q", err, code, tc.wantCode)
			}
		})
	}
}

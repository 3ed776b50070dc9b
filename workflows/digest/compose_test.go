package digest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/factdesk/factdesk/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/factdesk/factdesk/workflows"
)

// golden checks got against testdata/name.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, name, []byte(got))
}

var now = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)

func fig(v float64) *workflows.Figure {
	return &workflows.Figure{Value: v, Qualifier: workflows.Exact, Unit: "civilians killed"}
}

// sampleClaims is a newsroom morning: two figure disputes, a contradiction,
// a stale claim, an unassigned one, and claims the digest must leave out.
func sampleClaims() []workflows.Claim {
	return []workflows.Claim{
		{ID: 12, Statement: "At least 300 civilians were killed in the strike on the Mosul market, the UN said.",
			Figure: fig(300), Assignee: "slack:ana", State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: now.Add(-80 * time.Hour), StateSince: now.Add(-72 * time.Hour),
			Evidence: []workflows.Evidence{
				{Source: "UN", Stance: workflows.Supports, Figure: fig(300)},
				{Source: "Iraqi army", Stance: workflows.Supports, Figure: fig(3864)},
			},
			Threads: []workflows.Thread{
				{Platform: "matrix", Channel: "!desk:example.org", RootID: "$card12"},
				{Platform: "slack", Channel: "C0DESK", RootID: "1700000000.000100"},
			}},
		{ID: 15, Statement: "The ministry reports 1,200 displaced families in Sinjar.",
			Figure: fig(1200), State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: now.Add(-6 * time.Hour), StateSince: now.Add(-5 * time.Hour),
			Evidence: []workflows.Evidence{{Source: "UNHCR", Stance: workflows.Supports, Figure: fig(800)}},
			Threads:  []workflows.Thread{{Platform: "matrix", Channel: "!desk:example.org", RootID: "$card15"}}},
		{ID: 21, Statement: "The bridge at Qayyarah was destroyed on Tuesday.", Assignee: "matrix:@omar:example.org",
			State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: now.Add(-30 * time.Hour), StateSince: now.Add(-26 * time.Hour),
			Evidence: []workflows.Evidence{{Source: "Reuters", Stance: workflows.Contradicts}}},
		{ID: 30, Statement: "Power was restored to  half of Raqqa\non Sunday.", Assignee: "slack:ben",
			State: workflows.Unverified, Decision: workflows.Pending,
			CreatedAt: now.Add(-50 * time.Hour), StateSince: now.Add(-50 * time.Hour)},
		{ID: 31, Statement: "A second convoy reached Deir ez-Zor.", State: workflows.Corroborated, Decision: workflows.Pending,
			CreatedAt: now.Add(-3 * time.Hour), StateSince: now.Add(-2 * time.Hour)},
		// Left out: decided, fresh and assigned.
		{ID: 40, Statement: "Approved.", State: workflows.Disputed, Decision: workflows.Approved, StateSince: now.Add(-99 * time.Hour)},
		{ID: 41, Statement: "Fresh.", Assignee: "slack:ana", State: workflows.Unverified, Decision: workflows.Pending,
			CreatedAt: now.Add(-time.Hour), StateSince: now.Add(-time.Hour)},
	}
}

func TestDigestGolden(t *testing.T) {
	s := mustParse(t, Config{Name: "morning", Cron: "CRON_TZ=Europe/London 0 9 * * 1-5", Platform: "slack", Channel: "C0DESK"})
	in := Inputs{Schedule: s, Rules: workflows.DefaultRules(), Platform: "slack", Channel: "C0DESK",
		Slot: now, Now: now, Previous: map[int64]bool{12: true, 30: true}}
	d := Compose(sampleClaims(), in)
	if got, want := d.ClaimIDs(), []int64{12, 21, 15, 30, 31}; !cmp.Equal(got, want) {
		t.Errorf("order %v, want %v (spread × age, disputed first)", got, want)
	}
	m, ok := d.Message()
	if !ok {
		t.Fatal("no message")
	}
	golden(t, "digest.golden", Text([]workflows.Message{m}))

	in.Late, in.Now = true, now.Add(150*time.Minute)
	in.Platform, in.Channel = "matrix", "!desk:example.org"
	late := Compose(sampleClaims(), in)
	m, _ = late.Message()
	golden(t, "digest_late_matrix.golden", Text([]workflows.Message{m}))
}

func TestDigestWhenEmpty(t *testing.T) {
	for _, tt := range []struct {
		whenEmpty string
		manual    bool
		wantPost  bool
	}{
		{WhenEmptySkip, false, false},
		{WhenEmptySkip, true, true}, // someone asked: always answer
		{WhenEmptyAllClear, false, true},
	} {
		s := mustParse(t, Config{Cron: "0 9 * * *", WhenEmpty: tt.whenEmpty})
		d := Compose(nil, Inputs{Schedule: s, Now: now, Slot: now, Manual: tt.manual})
		m, ok := d.Message()
		if ok != tt.wantPost {
			t.Errorf("when_empty %s, manual %v: posted %v, want %v", tt.whenEmpty, tt.manual, ok, tt.wantPost)
		}
		if ok && (m.Text != "All clear: nothing is disputed, stale or unassigned." || m.Tone != workflows.ToneSuccess) {
			t.Errorf("all clear message: %+v", m)
		}
	}
}

func TestDigestIncludeSelectsSections(t *testing.T) {
	s := mustParse(t, Config{Cron: "0 9 * * *", Include: []Kind{Stale, Unassigned}, StaleAfter: 48 * time.Hour})
	d := Compose(sampleClaims(), Inputs{Schedule: s, Now: now, Slot: now})
	// 15 (disputed, unassigned) now counts as unassigned; 30 is 50h stale.
	if got, want := d.ClaimIDs(), []int64{30, 15, 31}; !cmp.Equal(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	if d.Counts[Disputed] != 0 || d.Counts[Stale] != 1 || d.Counts[Unassigned] != 2 {
		t.Errorf("counts %v", d.Counts)
	}
}

func TestFigures(t *testing.T) {
	a := workflows.DefaultRules().Assess(fig(300), []workflows.Evidence{
		{Source: "UN", Stance: workflows.Supports, Figure: fig(300)},
		{Source: "Iraqi army", Stance: workflows.Supports, Figure: fig(3864)},
	})
	if got, want := Figures(a), "300 (UN) … 3,864 (Iraqi army), ×12.9"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Each figure as its source hedged it; a range whole; no unit.
	hedged := func(v, top float64, q workflows.Qualifier) *workflows.Figure {
		return &workflows.Figure{Value: v, Max: top, Qualifier: q, Unit: "civilians killed"}
	}
	a = workflows.DefaultRules().Assess(fig(300), []workflows.Evidence{
		{Source: "UN", Stance: workflows.Supports, Figure: hedged(300, 0, workflows.AtLeast)},
		{Source: "Iraqi army", Stance: workflows.Supports, Figure: hedged(3864, 0, workflows.UpTo)},
	})
	if got, want := Figures(a), "at least 300 (UN) … as many as 3,864 (Iraqi army), ×12.9"; got != want {
		t.Errorf("hedged: got %q, want %q", got, want)
	}
	a = workflows.DefaultRules().Assess(fig(0), []workflows.Evidence{{Source: "UN", Stance: workflows.Supports, Figure: fig(40)}})
	if got, want := Figures(a), "0 (the claim) … 40 (UN)"; got != want {
		t.Errorf("zero low: got %q, want %q", got, want)
	}
}

func TestLinks(t *testing.T) {
	var l Links
	if got, want := l.Thread(workflows.Thread{Platform: "slack", Channel: "C0DESK", RootID: "1700000000.000100"}),
		"https://slack.com/archives/C0DESK/p1700000000000100"; got != want {
		t.Errorf("slack: %s, want %s", got, want)
	}
	l.SlackURL = "https://newsroom.slack.com/"
	if got, want := l.Thread(workflows.Thread{Platform: "slack", Channel: "C0DESK", RootID: "1700000000.000100"}),
		"https://newsroom.slack.com/archives/C0DESK/p1700000000000100"; got != want {
		t.Errorf("workspace: %s, want %s", got, want)
	}
	if got, want := l.Thread(workflows.Thread{Platform: "matrix", Channel: "!desk:example.org", RootID: "$ev1"}),
		"https://matrix.to/#/!desk:example.org/$ev1"; got != want {
		t.Errorf("matrix: %s, want %s", got, want)
	}
	if got := l.Thread(workflows.Thread{Platform: "slack", Channel: "C0DESK"}); got != "" {
		t.Errorf("undelivered card links to %q", got)
	}
}

var refRE = regexp.MustCompile(`#(\d+) disputed`)

func TestTwoThousandDisputedClaimsSplitWithoutLoss(t *testing.T) {
	var claims []workflows.Claim
	for i := 1; i <= 2000; i++ {
		claims = append(claims, workflows.Claim{
			ID:        int64(i),
			Statement: fmt.Sprintf("Claim %d: %s", i, "officials said the toll from the flooding rose again overnight, "+"with more villages cut off"),
			Figure:    fig(float64(100 + i)), Assignee: "slack:ana",
			State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: now.Add(-time.Duration(i) * time.Minute), StateSince: now.Add(-time.Duration(i) * time.Minute),
			Evidence: []workflows.Evidence{{Source: "Red Crescent", Stance: workflows.Supports, Figure: fig(float64(1000 + i))}},
			Threads:  []workflows.Thread{{Platform: "slack", Channel: "C0DESK", RootID: fmt.Sprintf("1700000000.%06d", i)}},
		})
	}
	s := mustParse(t, Config{Cron: "0 9 * * *"})
	d := Compose(claims, Inputs{Schedule: s, Rules: workflows.DefaultRules(), Platform: "slack", Channel: "C0DESK", Now: now, Slot: now})
	m, _ := d.Message()
	for name, limits := range map[string]workflows.Limits{
		"items":     {MaxItems: 40, MaxChars: 0},
		"chars":     {MaxChars: 12000, MaxItemChars: 2900},
		"both":      {MaxItems: 45, MaxChars: 11000, MaxItemChars: 2900},
		"tiny":      {MaxItems: 3, MaxChars: 900},
		"unlimited": {},
	} {
		t.Run(name, func(t *testing.T) {
			out := workflows.SplitOutgoing([]workflows.Outgoing{{Platform: "slack", Channel: "C0DESK", Kind: workflows.KindPost, Message: m}},
				map[string]workflows.Limits{"slack": limits})
			seen := map[int64]int{}
			for i, o := range out {
				if o.Kind != workflows.KindPost || o.Platform != "slack" || o.Channel != "C0DESK" {
					t.Fatalf("row %d: %+v", i, o)
				}
				if limits.MaxItems > 0 && len(o.Message.Items) > limits.MaxItems {
					t.Errorf("message %d has %d items, limit %d", i, len(o.Message.Items), limits.MaxItems)
				}
				if limits.MaxChars > 0 && o.Message.Size() > limits.MaxChars {
					t.Errorf("message %d has %d chars, limit %d", i, o.Message.Size(), limits.MaxChars)
				}
				for _, it := range o.Message.Items {
					match := refRE.FindStringSubmatch(it)
					if match == nil {
						t.Fatalf("item without a claim: %q", it)
					}
					id, _ := strconv.ParseInt(match[1], 10, 64)
					seen[id]++
				}
			}
			if len(seen) != 2000 {
				t.Errorf("%d distinct claims, want 2000", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("claim %d listed %d times", id, n)
				}
			}
			if name != "unlimited" && len(out) < 2 {
				t.Errorf("not split: %d message(s)", len(out))
			}
		})
	}
}

// An ingested claim's statement opens with the article's quoted clause: the
// digest quotes it once.
func TestDigestQuotesStatementsOnce(t *testing.T) {
	s := mustParse(t, Config{Name: "morning", Cron: "0 9 * * *", Platform: "slack", Channel: "C0DESK"})
	claims := []workflows.Claim{
		{ID: 1, Statement: "“4,000 Iraq civilians killed” (UN)", State: workflows.Unverified, Decision: workflows.Pending, CreatedAt: now.Add(-time.Hour), StateSince: now.Add(-time.Hour)},
		{ID: 2, Statement: "5 killed in Homs", State: workflows.Unverified, Decision: workflows.Pending, CreatedAt: now.Add(-time.Hour), StateSince: now.Add(-time.Hour)},
	}
	m, ok := Compose(claims, Inputs{Schedule: s, Rules: workflows.DefaultRules(), Platform: "slack", Channel: "C0DESK", Slot: now, Now: now}).Message()
	if !ok {
		t.Fatal("no message")
	}
	text := Text([]workflows.Message{m})
	if strings.Contains(text, "““") || strings.Contains(text, "””") || !strings.Contains(text, "“4,000 Iraq civilians killed” (UN)") || !strings.Contains(text, "“5 killed in Homs”") {
		t.Errorf("digest quotes statements:\n%s", text)
	}
}

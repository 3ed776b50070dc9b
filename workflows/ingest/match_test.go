package ingest

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

func claim(id int64, metric, who, place, period, doc string) workflows.Claim {
	return workflows.Claim{ID: id, Metric: metric, Who: who, Place: place, Period: period, Decision: workflows.Pending,
		Evidence: []workflows.Evidence{{Document: doc}}}
}

func TestFind(t *testing.T) {
	open := []workflows.Claim{
		claim(1, "killed", "civilians", "western Tikrit", "since January", "a.txt"),
		claim(2, "injured", "civilians", "Tikrit", "", "a.txt"),
		claim(3, "killed", "children", "Tikrit", "since January", "a.txt"),
		claim(4, "killed", "civilians", "Samarra", "", "a.txt"),
	}
	tests := []struct {
		name string
		fig  extract.Figure
		doc  string
		want int64
	}{
		{"same topic, direction and preposition differ", extract.Figure{Metric: "killed", Who: "Civilians", Place: "Tikrit", Period: "mid-January"}, "b.txt", 0},
		{"same topic", extract.Figure{Metric: "killed", Who: "civilians", Place: "the city of Tikrit", Period: "January"}, "b.txt", 1},
		{"period empty on one side", extract.Figure{Metric: "killed", Who: "civilians", Place: "Tikrit"}, "b.txt", 1},
		{"period contained", extract.Figure{Metric: "killed", Who: "civilians", Place: "Tikrit", Period: "since January 3"}, "b.txt", 1},
		{"injured is not killed", extract.Figure{Metric: "injured", Who: "civilians", Place: "Samarra"}, "b.txt", 0},
		{"other place", extract.Figure{Metric: "killed", Who: "civilians", Place: "Mosul", Period: "since January"}, "b.txt", 0},
		{"other people", extract.Figure{Metric: "killed", Who: "soldiers", Place: "Tikrit", Period: "since January"}, "b.txt", 0},
		{"no place: people and period must agree", extract.Figure{Metric: "killed", Who: "civilians", Period: "since January"}, "b.txt", 1},
		{"no place and no period", extract.Figure{Metric: "killed", Who: "civilians"}, "b.txt", 0},
		{"no place, other period", extract.Figure{Metric: "killed", Who: "civilians", Period: "in March"}, "b.txt", 0},
		{"same document never disputes itself", extract.Figure{Metric: "killed", Who: "civilians", Place: "Tikrit", Period: "since January"}, "a.txt", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Find(tt.fig, Document{Name: tt.doc, Publication: tt.doc}, open)
			var got int64
			if m != nil {
				got = m.Claim.ID
			}
			if got != tt.want {
				t.Errorf("Find(%+v) = #%d, want #%d", tt.fig, got, tt.want)
			}
		})
	}
}

func TestFindExplains(t *testing.T) {
	open := []workflows.Claim{claim(12, "killed", "civilians", "Mosul", "", "a.txt")}
	m := Find(extract.Figure{Metric: "killed", Who: "civilians", Place: "western Mosul"}, Document{Name: "b.txt"}, open)
	if m == nil {
		t.Fatal("no match")
	}
	if got, want := m.Explain(), "matched #12: killed · civilians · Mosul"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindSkipsDecided(t *testing.T) {
	c := claim(5, "killed", "civilians", "Mosul", "", "a.txt")
	c.Decision = workflows.Approved
	if m := Find(extract.Figure{Metric: "killed", Who: "civilians", Place: "Mosul"}, Document{Name: "b.txt"}, []workflows.Claim{c}); m != nil {
		t.Errorf("matched decided claim %s", m.Claim.Ref())
	}
}

// Extracted from short texts, two accounts of one toll pair up and a toll
// elsewhere does not.
func TestExtractedFiguresMatch(t *testing.T) {
	first := extract.Extract("At least 120 civilians were killed in Tikrit since January, the provincial council said.")
	second := extract.Extract("As many as 410 civilians were killed in western Tikrit since January, a ministry spokesman said.")
	elsewhere := extract.Extract("Some 75 civilians were killed in Samarra since January, the governor said.")
	if len(first) != 1 || len(second) != 1 || len(elsewhere) != 1 {
		t.Fatalf("extracted %d, %d, %d figures; want one each", len(first), len(second), len(elsewhere))
	}
	f := first[0]
	open := []workflows.Claim{{ID: 1, Metric: f.Metric, Who: f.Who, Place: f.Place, Period: f.Period, Decision: workflows.Pending}}
	if m := Find(second[0], Document{Name: "b"}, open); m == nil {
		t.Error("the second account did not match the first")
	}
	if m := Find(elsewhere[0], Document{Name: "c"}, open); m != nil {
		t.Errorf("a toll in another place matched: %s", m.Explain())
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		fig  extract.Figure
		want string
	}{
		{extract.Figure{Value: 300, Qualifier: extract.AtLeast, Metric: "killed", Who: "civilians", Place: "Mosul",
			Period: "since mid-February", Source: "UN human rights office"},
			"at least 300 civilians killed in Mosul since mid-February, according to UN human rights office"},
		{extract.Figure{Value: 27, Metric: "killed_per_day", Who: "civilians", Place: "Raqqa", Period: "August"},
			"27 civilians killed per day in Raqqa in August"},
		{extract.Figure{Value: 10000, Metric: "homes_destroyed", Who: "residential homes"}, "10,000 residential homes destroyed"},
		{extract.Figure{Value: 1094, Metric: "airstrikes", Place: "Raqqa"}, "1,094 airstrikes in Raqqa"},
		{extract.Figure{Value: 45, Metric: "injured"}, "45 people injured"},
		{extract.Figure{Value: 80, Qualifier: extract.About, Metric: "bodies", Who: "civilians", Period: "March 17"},
			"about 80 bodies of civilians recovered on March 17"},
		{extract.Figure{Value: 3879, Metric: "bodies", Who: "people", Period: "By Wednesday", Source: "official count"},
			"3,879 bodies recovered by Wednesday, according to official count"},
		{extract.Figure{Value: 1166, Metric: "killed", Who: "Palestinians", Period: "Thursday"},
			"1,166 Palestinians killed on Thursday"},
		{extract.Figure{Value: 154000, Max: 172000, Qualifier: extract.About, Metric: "took_part", Who: "people",
			Place: "HONG KONG", Source: "University of Hong Kong"},
			"about 154,000 to 172,000 people took part in Hong Kong, according to University of Hong Kong"},
		{extract.Figure{Value: 510000, Metric: "took_part", Who: "people", Source: "Organizers"},
			"510,000 people took part, according to organizers"},
		{extract.Figure{Value: 5, Metric: "cases", Who: "new cases"}, "5 new cases"},
		{extract.Figure{Value: 184, Metric: "closed", Who: "schools", Place: "Gyeonggi Province"}, "184 schools closed in Gyeonggi Province"},
		{extract.Figure{Value: 45, Revises: 40, Metric: "killed", Source: "ministry"}, "45 people killed, according to ministry (revised from 40)"},
	}
	for _, tt := range tests {
		if got := Line(tt.fig); got != tt.want {
			t.Errorf("Line(%+v) = %q, want %q", tt.fig, got, tt.want)
		}
	}
}

func TestParseKeep(t *testing.T) {
	tests := []struct {
		args []string
		want string
		err  bool
	}{
		{[]string{"1", "3", "4"}, "[1 3 4]", false},
		{[]string{"all"}, "[1 2 3 4 5]", false},
		{[]string{"2-4,1", "3"}, "[2 3 4 1]", false},
		{[]string{"6"}, "", true},
		{[]string{"0"}, "", true},
		{[]string{"x"}, "", true},
		{[]string{"4-2"}, "", true},
	}
	for _, tt := range tests {
		got, err := ParseKeep(tt.args, 5)
		if (err != nil) != tt.err {
			t.Errorf("ParseKeep(%v) error %v, want error %v", tt.args, err, tt.err)
			continue
		}
		if err == nil && fmt.Sprint(got) != tt.want {
			t.Errorf("ParseKeep(%v) = %v, want %s", tt.args, got, tt.want)
		}
		if err != nil && workflows.ErrorCode(err) != workflows.EINVALID {
			t.Errorf("ParseKeep(%v) error code %s, want EINVALID", tt.args, workflows.ErrorCode(err))
		}
	}
}

func TestAlreadyFiled(t *testing.T) {
	doc := Document{Name: "https://example.org/strike", Publication: "Example News"}
	fig := extract.Figure{Value: 40, Qualifier: "at_least", Metric: "killed", Who: "civilians", Place: "Mosul",
		Source: "the health ministry", Sentence: "At least 40 civilians were killed in Mosul, the health ministry said."}
	held := Evidence(doc, fig)
	c := claim(7, "killed", "civilians", "Mosul", "", "")
	c.Evidence = []workflows.Evidence{{Document: held.Document, Quote: held.Quote, Figure: held.Figure}}
	open := []workflows.Claim{claim(6, "killed", "civilians", "Mosul", "", "other.txt"), c}

	if got := alreadyFiled(Evidence(doc, fig), open); got == nil || got.ID != 7 {
		t.Errorf("the same sentence of the same article: got %v, want #7", got)
	}
	other := fig
	other.Sentence = "By evening the ministry put the toll at 40."
	if got := alreadyFiled(Evidence(doc, other), open); got != nil {
		t.Errorf("another sentence stating the figure is new evidence, got %s", got.Ref())
	}
	revised := fig
	revised.Value = 45
	if got := alreadyFiled(Evidence(doc, revised), open); got != nil {
		t.Errorf("another figure is new evidence, got %s", got.Ref())
	}
	if got := alreadyFiled(Evidence(Document{Name: "https://example.org/elsewhere"}, fig), open); got != nil {
		t.Errorf("another article is new evidence, got %s", got.Ref())
	}
}

func TestStatementQuotesTheArticle(t *testing.T) {
	text := "Rescuers worked through the night. As many as 3,864 civilians have been killed in western Mosul since mid-February, according to an Iraqi army source."
	figs := extract.Extract(text)
	if len(figs) != 1 {
		t.Fatalf("figures: %+v", figs)
	}
	got := Statement(figs[0])
	want := "\u201cAs many as 3,864 civilians have been killed in western Mosul since mid-February, according to an Iraqi army source\u201d (Iraqi army source)"
	if got != want {
		t.Errorf("Statement = %q\nwant        %q", got, want)
	}
	// A long sentence is cut around the figure, at word boundaries.
	long := strings.Repeat("The convoy moved slowly along the coast road past the ruined villages ", 6) +
		"and officials said 40 people were killed in the shelling of the port " + strings.Repeat("while aid agencies waited for access to the area ", 6) + "."
	f := extract.Extract(long)
	if len(f) != 1 {
		t.Fatalf("figures in the long sentence: %+v", f)
	}
	clause := Clause(f[0])
	if !strings.Contains(clause, "40 people were killed") || utf8.RuneCountInString(clause) > maxClause+2 ||
		!strings.HasPrefix(clause, "\u2026") || !strings.HasSuffix(clause, "\u2026") {
		t.Errorf("Clause = %q", clause)
	}
}

// TestWithinArticleDiscrepancy: two sources in one article giving different
// counts of one march dispute each other; a source restating itself does
// not.
func TestWithinArticleDiscrepancy(t *testing.T) {
	figs := extract.Extract("Police said 8,000 people marched through Lyon. Organisers said 50,000 people took part.")
	if len(figs) != 2 {
		t.Fatalf("figures: %+v", figs)
	}
	doc := Document{Name: "a.txt", Publication: "a.txt"}
	first := figs[0]
	open := []workflows.Claim{{ID: 1, Metric: first.Metric, Who: first.Who, Place: first.Place, Period: first.Period,
		Decision: workflows.Pending, Evidence: []workflows.Evidence{{Document: "a.txt", Source: first.Source}}}}
	if m := Find(figs[1], doc, open); m == nil {
		t.Errorf("organisers' 50,000 did not meet police's 8,000 in the same article: %+v", figs)
	}
	same := figs[1]
	same.Source = first.Source
	if m := Find(same, doc, open); m != nil {
		t.Errorf("a source's second figure in one article disputed its first")
	}
	unattributed := figs[1]
	unattributed.Source = ""
	if m := Find(unattributed, doc, open); m != nil {
		t.Errorf("the article's own voice disputed its source")
	}
}

// Two claims a figure fits equally well: the one whose figure is nearer
// in proportion wins, whichever is newer.
func TestFindPrefersTheNearerFigure(t *testing.T) {
	withFigure := func(c workflows.Claim, v float64, source string) workflows.Claim {
		c.Figure = &workflows.Figure{Value: v}
		c.Evidence[0].Source = source
		return c
	}
	open := []workflows.Claim{
		withFigure(claim(1, "killed", "civilians", "Gaza", "", "a.txt"), 1462, "health ministry"),
		withFigure(claim(2, "killed", "civilians", "Israel", "", "a.txt"), 6, "army"),
	}
	fig := extract.Figure{Metric: "killed", Who: "civilians", Value: 1483, Source: "UN"}
	m := Find(fig, Document{Name: "a.txt"}, open)
	if m == nil || m.Claim.ID != 1 {
		t.Fatalf("Find(1,483 civilians killed) = %v, want #1 (1,462), not #2 (6)", m)
	}
	fig.Value = 5
	if m := Find(fig, Document{Name: "a.txt"}, open); m == nil || m.Claim.ID != 2 {
		t.Fatalf("Find(5 civilians killed) = %v, want #2", m)
	}
}

// TestParseKeepClipsARange: a page such as "keep 21-40" on a list of 25
// keeps 21 to 25; a range wholly past the end names the list's size.
func TestParseKeepClipsARange(t *testing.T) {
	got, err := ParseKeep([]string{"21-40"}, 25)
	if err != nil || fmt.Sprint(got) != "[21 22 23 24 25]" {
		t.Errorf("ParseKeep(21-40) of 25 = %v, %v; want [21 22 23 24 25]", got, err)
	}
	for _, args := range []string{"26-40", "26-99999999", "30"} {
		_, err := ParseKeep([]string{args}, 25)
		if err == nil || !strings.Contains(err.Error(), "the list has 25") {
			t.Errorf("ParseKeep(%s) of 25 error %v, want one saying the list has 25", args, err)
		}
	}
}

// TestSummarySaysStateWithoutChange: a figure already filed from the
// article changed nothing, so its line says where the claim stands, not
// that it is "now" disputed.
func TestSummarySaysStateWithoutChange(t *testing.T) {
	c := &workflows.Claim{ID: 2, State: workflows.Disputed}
	got := Summary([]int{1, 2}, []Outcome{
		{Claim: c, Why: "already filed from this article as #2", Unchanged: true},
		{Claim: c, Why: "matched #2: killed"},
	})
	want := "1. already filed from this article as #2 (disputed)\n2. matched #2: killed — now disputed\n"
	if got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	// A claim disputed before a match is not "now" disputed.
	got = Summary([]int{3}, []Outcome{{Claim: c, Why: "matched #2: killed", Was: workflows.Disputed}})
	if want := "3. matched #2: killed (still disputed)\n"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
}

// In one article, a figure for a place goes with the claim that names the
// same place, not with one that names none.
func TestFindWithinArticlePrefersTheSamePlace(t *testing.T) {
	withFigure := func(c workflows.Claim, v float64, source string) workflows.Claim {
		c.Figure = &workflows.Figure{Value: v}
		c.Evidence[0].Source = source
		return c
	}
	open := []workflows.Claim{
		withFigure(claim(1, "took_part", "people", "", "", "a.txt"), 30000, "police"),
		withFigure(claim(2, "took_part", "people", "Leeds", "", "a.txt"), 4000, "police"),
	}
	fig := extract.Figure{Metric: "took_part", Who: "people", Place: "Leeds", Value: 20000, Source: "organisers"}
	if m := Find(fig, Document{Name: "a.txt"}, open); m == nil || m.Claim.ID != 2 {
		t.Fatalf("Find(20,000 in Leeds) = %v, want #2, the Leeds claim", m)
	}
}

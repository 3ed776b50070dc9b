package ingest

import (
	"fmt"
	"testing"

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

func TestStatement(t *testing.T) {
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
	}
	for _, tt := range tests {
		if got := Statement(tt.fig); got != tt.want {
			t.Errorf("Statement(%+v) = %q, want %q", tt.fig, got, tt.want)
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

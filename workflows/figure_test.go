package workflows

import (
	"math"
	"strings"
	"testing"
)

// TestParseFigureNumberForms reads numbers the ways people type them after
// figure=.
func TestParseFigureNumberForms(t *testing.T) {
	cases := []struct {
		in   string
		v    float64
		unit string
	}{
		{"3,864", 3864, ""},
		{"3\u00a0864", 3864, ""},             // no-break space
		{"3\u202f864", 3864, ""},             // narrow no-break space
		{"3\u2009864", 3864, ""},             // thin space
		{"3 864", 3864, ""},                  // plain space
		{"3'864", 3864, ""},                  // Swiss apostrophe
		{"3\u2019864", 3864, ""},             // typographic apostrophe
		{"1\u00a0234\u00a0567", 1234567, ""}, // several groups
		{"3.864", 3864, ""},                  // a full stop before three digits separates thousands
		{"1.234.567", 1234567, ""},
		{"1.5", 1.5, ""},
		{"2.25", 2.25, ""},
		{"1.500 million", 1.5e6, ""},                 // before a scale word the full stop is a decimal point
		{"\u0663\u0668\u0666\u0664", 3864, ""},       // Arabic-Indic
		{"\u06f3\u06f8\u06f6\u06f4", 3864, ""},       // Eastern Arabic-Indic
		{"\u0663\u066c\u0668\u0666\u0664", 3864, ""}, // Arabic thousands separator
		{"12k", 12000, ""},
		{"12K", 12000, ""},
		{"1.5m", 1.5e6, ""},
		{"2bn", 2e9, ""},
		{"half a million", 5e5, ""},
		{"3\u00a0864 civilians", 3864, "civilians"},
		{"1000000000000", 1e12, ""},
	}
	for _, c := range cases {
		f, err := ParseFigure(c.in)
		if err != nil || f.Value != c.v || f.Unit != c.unit {
			t.Errorf("ParseFigure(%q) = %+v, %v; want %v %q", c.in, f, err, c.v, c.unit)
		}
	}
	if f, err := ParseFigure("more than half a million"); err != nil || f.Value != 5e5 || f.Qualifier != MoreThan {
		t.Errorf("ParseFigure(more than half a million) = %+v, %v", f, err)
	}
}

// TestParseFigureRefusesWithReason: a value the desk cannot read exactly is
// refused with why, never cut short.
func TestParseFigureRefusesWithReason(t *testing.T) {
	cases := []struct{ in, why string }{
		{"3,86", "groups of three"},
		{"38,64", "groups of three"},
		{"3 86", "two numbers"},
		{"3\u00a086", "two numbers"},
		{"3 86 civilians", "two numbers"},
		{strings.Repeat("9", 400), "10^12"},
		{"1000000000001", "10^12"},
		{"2000 billion", "10^12"},
		{"5000bn", "10^12"},
		{"dozens", "write 300"},
	}
	for _, c := range cases {
		f, err := ParseFigure(c.in)
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseFigure(%.40q) = %+v, %v; want EINVALID", c.in, f, err)
			continue
		}
		if !strings.Contains(err.Error(), c.why) {
			t.Errorf("ParseFigure(%.40q) error %q does not say %q", c.in, err, c.why)
		}
	}
}

// TestReadStatementNumberForms: statements read numbers as figure= does.
func TestReadStatementNumberForms(t *testing.T) {
	cases := []struct {
		in   string
		want float64
	}{
		{"as many as 3\u202f864 civilians were killed in Mosul", 3864},
		{"as many as 3\u00a0864 civilians were killed in Mosul", 3864},
		{"3.864 dead in Mosul since February", 3864},
		{"\u0663\u0668\u0666\u0664 civilians were killed in Mosul", 3864},
		{"12k people were displaced from Raqqa", 12000},
		{"1.5m people were displaced in Syria", 1.5e6},
		{"half a million people were displaced", 5e5},
	}
	for _, c := range cases {
		f, _ := ReadStatement(c.in)
		if f == nil || f.Value != c.want {
			t.Errorf("ReadStatement(%q) = %+v, want %v", c.in, f, c.want)
		}
	}
	if f, _ := ReadStatement("A toll of " + strings.Repeat("9", 400) + " was claimed"); f != nil {
		t.Errorf("a 400-digit number became the figure %+v", f)
	}
}

func TestFigureCheck(t *testing.T) {
	for _, v := range []float64{0, 1, 3864, 1e12, 1.5} {
		if err := (&Figure{Value: v}).Check(); err != nil {
			t.Errorf("Check(%v) = %v", v, err)
		}
	}
	for _, v := range []float64{math.Inf(1), math.NaN(), -1, 1e12 + 1, 1e300} {
		if err := (&Figure{Value: v}).Check(); ErrorCode(err) != EINVALID {
			t.Errorf("Check(%v) = %v, want EINVALID", v, err)
		}
	}
}

// TestReadStatementNeverCutsShort: a statement whose number cannot be read
// exactly gets no figure rather than a part of it.
func TestReadStatementNeverCutsShort(t *testing.T) {
	for _, s := range []string{"3,86 civilians were killed in Mosul", "as many as 38,64 civilians were killed"} {
		if f, _ := ReadStatement(s); f != nil {
			t.Errorf("ReadStatement(%q) = %+v, want no figure", s, f)
		}
	}
}

// TestNegativeNumbers: counts are never negative. figure= refuses a minus
// sign before its number and says why; a statement with one states no
// figure rather than the number without its sign.
func TestNegativeNumbers(t *testing.T) {
	for _, in := range []string{"-5", "\u22125", "-300 people", "at least -5", "about \u2212300", "-1,500"} {
		if _, err := ParseFigure(in); err == nil || !strings.Contains(err.Error(), "counts are never negative") {
			t.Errorf("ParseFigure(%q) err = %v, want a refusal saying counts are never negative", in, err)
		}
	}
	for _, s := range []string{"-300 people killed in Mosul", "\u2212300 people killed in Mosul", "killed: -300 people in Mosul", "(-300) people killed"} {
		if f, _ := ReadStatement(s); f != nil {
			t.Errorf("ReadStatement(%q) read figure %v, want none", s, f.Value)
		}
	}
	for s, want := range map[string]float64{"300 people killed in Mosul": 300, "3-5 people killed": 3, "well-known 40 killed": 40} {
		if f, _ := ReadStatement(s); f == nil || f.Value != want {
			t.Errorf("ReadStatement(%q) = %+v, want %v", s, f, want)
		}
	}
}

// TestRangesReadOneWay: figure= and statements read a range as the
// extractor does, whole; a pair that is no range is refused with why.
func TestRangesReadOneWay(t *testing.T) {
	for _, c := range []struct {
		in     string
		lo, hi float64
		q      Qualifier
		unit   string
	}{
		{"between 200 and 350", 200, 350, Exact, ""},
		{"200-350", 200, 350, Exact, ""},
		{"200 to 350 civilians", 200, 350, Exact, "civilians"},
		{"about 154,000 to 172,000", 154000, 172000, About, ""},
		{"1.5 to 2 million", 1.5e6, 2e6, Exact, ""},
		{"300", 300, 0, Exact, ""},
	} {
		f, err := ParseFigure(c.in)
		if err != nil || f.Value != c.lo || f.Max != c.hi || f.Qualifier != c.q || f.Unit != c.unit {
			t.Errorf("ParseFigure(%q) = %+v, %v; want %v to %v %s %q", c.in, f, err, c.lo, c.hi, c.q, c.unit)
		}
	}
	for _, bad := range []string{"350-200", "350 to 200", "between 200", "between 200 to"} {
		if f, err := ParseFigure(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseFigure(%q) = %+v, %v; want EINVALID", bad, f, err)
		}
	}
	for _, c := range []struct {
		in     string
		lo, hi float64
	}{
		{"Between 200 and 350 people were killed in Mosul, officials said.", 200, 350},
		{"154,000 to 172,000 people took part in the march", 154000, 172000},
	} {
		if f, _ := ReadStatement(c.in); f == nil || f.Value != c.lo || f.Max != c.hi {
			t.Errorf("ReadStatement(%q) = %+v, want %v to %v", c.in, f, c.lo, c.hi)
		}
	}
}

// TestAssessRanges: a figure inside a range agrees with it; one outside it
// by more than the tolerance disputes it, and the conflict names the range.
func TestAssessRanges(t *testing.T) {
	r := DefaultRules()
	claim := &Figure{Value: 200, Max: 350}
	for _, c := range []struct {
		figure   Figure
		disputed bool
	}{
		{Figure{Value: 340}, false},
		{Figure{Value: 200}, false},
		{Figure{Value: 380}, false}, // within 10% of 350
		{Figure{Value: 300, Max: 400}, false},
		{Figure{Value: 500}, true},
		{Figure{Value: 100}, true},
	} {
		f := c.figure
		a := r.Assess(claim, []Evidence{{Source: "X", Stance: Supports, Figure: &f}})
		if got := a.State == Disputed; got != c.disputed {
			t.Errorf("claim 200 to 350, source %s: disputed %v (%q), want %v", f.span(), got, a.Conflict, c.disputed)
		}
		if c.disputed && !strings.Contains(a.Conflict, "200 to 350 (the claim)") {
			t.Errorf("conflict %q does not name the claim's range", a.Conflict)
		}
	}
}

// TestMarkupIsNoOperator: ">" means "more than" only standing as a word
// before a number; closing markup is not a qualifier, and a number glued to
// "=" in pasted code is no count.
func TestMarkupIsNoOperator(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"@here @channel <!channel> 5 people", "5 people"},
		{`<b>bold</b> <a href="https://example.org">x</a> 12 killed in Raqqa`, "12 killed"},
		{"Robert'); DELETE FROM claims WHERE ('1'='1 killed 5", "5"},
		{"> 5 people were killed", "more than 5 people were killed"},
		{">5 people were killed", "more than 5 people were killed"},
		{"~140 people were killed", "about 140 people were killed"},
	} {
		f, _ := ReadStatement(c.in)
		if f == nil || f.String() != c.want {
			t.Errorf("ReadStatement(%q) = %v, want %q", c.in, f, c.want)
		}
	}
}

// TestScaleWordsInFigures: figure= and statements scale lakh, crore and
// trillion; a trillion is over the desk's limit and refused with the limit
// message, never kept as a unit.
func TestScaleWordsInFigures(t *testing.T) {
	for in, want := range map[string]float64{"3 lakh": 3e5, "3 lakhs": 3e5, "1.2 crore": 1.2e7, "2 crores": 2e7, "1.5 million": 1.5e6, "2bn": 2e9} {
		f, err := ParseFigure(in)
		if err != nil || f.Value != want || f.Unit != "" {
			t.Errorf("ParseFigure(%q) = %+v, %v; want %v with no unit", in, f, err, want)
		}
	}
	if f, err := ParseFigure("3 lakh people"); err != nil || f.Value != 3e5 || f.Unit != "people" {
		t.Errorf("ParseFigure(3 lakh people) = %+v, %v", f, err)
	}
	for _, in := range []string{"2 trillion", "2 trillion dollars", "about 2 trillion", "1.5 to 2 trillion", "between 1 and 2 trillion", "2000 billion"} {
		if f, err := ParseFigure(in); err == nil || !strings.Contains(err.Error(), "above 10^12") {
			t.Errorf("ParseFigure(%q) = %+v, %v; want the 10^12 refusal", in, f, err)
		}
	}
	if f, _, note := StatementFigure("2 trillion dollars were lost in the crash"); f != nil || !strings.Contains(note, "above 10^12") {
		t.Errorf("statement with 2 trillion: figure %+v, note %q; want none, saying why", f, note)
	}
	if f, _ := ReadStatement("Floods displaced 3 lakh people in Assam"); f == nil || f.Value != 3e5 {
		t.Errorf("3 lakh in a statement = %+v, want 300,000", f)
	}
}

// TestBoundedRangeFigure: "at least 300 and at most 400" is the range 300
// to 400, never "at least 300" of a unit "and at most 400".
func TestBoundedRangeFigure(t *testing.T) {
	f, err := ParseFigure("at least 300 and at most 400")
	if err != nil || f.Value != 300 || f.Max != 400 || f.Unit != "" {
		t.Errorf("ParseFigure(at least 300 and at most 400) = %+v, %v; want 300 to 400", f, err)
	}
	for _, in := range []string{"at least 300, and perhaps as many as 400", "at least 300 or up to 400 later", "at least 400 and at most 300"} {
		if f, err := ParseFigure(in); err == nil {
			t.Errorf("ParseFigure(%q) = %+v (unit %q), want a refusal", in, f, f.Unit)
		}
	}
	if f, _ := ReadStatement("at least 300 and at most 400 people died in Homs"); f == nil || f.Value != 300 || f.Max != 400 {
		t.Errorf("statement: %+v, want 300 to 400", f)
	}
}

// TestStatementFigureNotReadSaysWhy: a statement whose number cannot be
// read gets no figure, and a note saying why; no later number stands in.
func TestStatementFigureNotReadSaysWhy(t *testing.T) {
	for s, why := range map[string]string{
		"99999999999999999999999 people died":      "above 10^12",
		"1,000,000,000,001 people":                 "above 10^12",
		"3,86 people died in 2 villages":           "groups of three",
		"between 350 and 200 people were killed":   "not a range",
		"at least 400 and at most 300 people died": "not above the lower",
	} {
		f, _, note := StatementFigure(s)
		if f != nil || !strings.Contains(note, why) || !strings.Contains(note, "edit") {
			t.Errorf("StatementFigure(%q) = %+v, %q; want no figure and a note saying %q", s, f, note, why)
		}
	}
	for s, want := range map[string]float64{"300 people died and 99999999999999999999 were hurt": 300, "140 civilians killed in Mosul": 140} {
		if f, _, note := StatementFigure(s); f == nil || f.Value != want || note != "" {
			t.Errorf("StatementFigure(%q) = %+v, %q; want %v and no note", s, f, note, want)
		}
	}
}

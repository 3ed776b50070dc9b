package extract

import (
	"strings"
	"testing"
)

func TestReadFigureNumberForms(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		q    Qualifier
	}{
		{"3,864", 3864, Exact},
		{"3\u00a0864", 3864, Exact},
		{"3\u202f864", 3864, Exact},
		{"3\u2009864", 3864, Exact},
		{"3 864", 3864, Exact},
		{"3'864", 3864, Exact},
		{"3\u2019864", 3864, Exact},
		{"12\u00a0345\u00a0678", 12345678, Exact},
		{"3.864", 3864, Exact},
		{"1.234.567", 1234567, Exact},
		{"1234.567", 1234.567, Exact},
		{"1.5", 1.5, Exact},
		{"1.500 million", 1.5e6, Exact},
		{"\u0663\u0668\u0666\u0664", 3864, Exact},
		{"\u06f3\u06f8\u06f6\u06f4", 3864, Exact},
		{"\u0663\u066c\u0668\u0666\u0664", 3864, Exact},
		{"\u0661\u066b\u0665 million", 1.5e6, Exact}, // Arabic decimal separator
		{"12k", 12000, Exact},
		{"1.5m", 1.5e6, Exact},
		{"1.5mn", 1.5e6, Exact},
		{"2bn", 2e9, Exact},
		{"half a million", 5e5, Exact},
		{"more than half a million", 5e5, MoreThan},
		{"half a dozen", 6, Exact},
		{"as many as 3\u202f864", 3864, UpTo},
		{"1,000,000,000,000", 1e12, Exact},
	}
	for _, tt := range tests {
		v, q, err := ReadFigure(tt.in)
		if err != nil || v != tt.want || q != tt.q {
			t.Errorf("ReadFigure(%q) = %v, %q, %v; want %v, %q", tt.in, v, q, err, tt.want, tt.q)
		}
	}
}

func TestReadFigureRefusesWithReason(t *testing.T) {
	tests := []struct{ in, why string }{
		{"3,86", "groups of three"},
		{"3.8640", ""}, // four decimals: 3.864, read as a decimal
		{"3 86", "two numbers"},
		{strings.Repeat("9", 400), "10^12"},
		{"1,000,000,000,001", "10^12"},
		{"2000 billion", "10^12"},
		{"half", "not a number"},
	}
	for _, tt := range tests {
		v, _, err := ReadFigure(tt.in)
		if tt.why == "" {
			if err != nil {
				t.Errorf("ReadFigure(%q) = %v", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ReadFigure(%.40q) = %v, %v; want an error saying %q", tt.in, v, err, tt.why)
		}
	}
}

// TestExtractNumberForms: articles write numbers in all these ways too; none
// is cut short.
func TestExtractNumberForms(t *testing.T) {
	tests := []struct {
		text string
		want float64
	}{
		{"As many as 3\u202f864 civilians were killed in Mosul.", 3864},
		{"As many as 3\u00a0864 civilians were killed in Mosul.", 3864},
		{"As many as 3 864 civilians were killed in Mosul.", 3864},
		{"The army said 3.864 civilians were killed in Mosul.", 3864},
		{"\u0663\u0668\u0666\u0664 civilians were killed in Mosul, the army said.", 3864},
		{"Some 12k people were displaced from Raqqa.", 12000},
		{"About 1.5m people were displaced in Syria.", 1.5e6},
		{"More than half a million people fled, the UN said.", 5e5},
	}
	for _, tt := range tests {
		f := only(t, tt.text)
		if f.Value != tt.want {
			t.Errorf("Extract(%q) = %v, want %v", tt.text, f.Value, tt.want)
		}
	}
	for _, text := range []string{
		"On June 3 200 people were killed in Mosul.", // a day, then a count
	} {
		for _, f := range Extract(text) {
			if f.Value != 200 {
				t.Errorf("Extract(%q) found %v", text, f.Value)
			}
		}
	}
	huge := "A toll of " + strings.Repeat("9", 400) + " civilians were killed, the army said."
	if figs := Extract(huge); len(figs) != 0 {
		t.Errorf("a 400-digit number became a figure: %+v", figs)
	}
}

// TestExtractRefusesBadGrouping: "3,86" is neither 3 nor 86.
func TestExtractRefusesBadGrouping(t *testing.T) {
	for _, text := range []string{"The army said 3,86 civilians were killed.", "38,64 people fled the city, officials said."} {
		if figs := Extract(text); len(figs) != 0 {
			t.Errorf("Extract(%q) = %+v, want nothing", text, figs)
		}
	}
	// A list with commas and spaces is still a list.
	if figs := Extract("The ministry said 12, 14 and 16 people were hurt on three days."); len(figs) == 0 {
		t.Error("a spaced list lost its figures")
	}
}

// TestReadRange: a range phrase is read as the extractor reads one in a
// sentence; ReadFigure still refuses it.
func TestReadRange(t *testing.T) {
	for _, c := range []struct {
		in     string
		lo, hi float64
	}{
		{"between 200 and 350", 200, 350},
		{"200-350", 200, 350},
		{"200 – 350", 200, 350},
		{"154,000 to 172,000", 154000, 172000},
		{"1.5 to 2 million", 1.5e6, 2e6},
		{"at least 300", 300, 0},
	} {
		lo, hi, _, err := ReadRange(c.in)
		if err != nil || lo != c.lo || hi != c.hi {
			t.Errorf("ReadRange(%q) = %v, %v, %v; want %v, %v", c.in, lo, hi, err, c.lo, c.hi)
		}
		if got := Extract(c.in + " people were killed."); c.hi != 0 && (len(got) == 0 || got[0].Value != c.lo || got[0].Max != c.hi) {
			t.Errorf("Extract(%q) = %+v; want %v to %v as ReadRange reads it", c.in, got, c.lo, c.hi)
		}
	}
	for _, bad := range []string{"350 to 200", "two or three", "between 200", "200 to 350+"} {
		if lo, hi, _, err := ReadRange(bad); err == nil {
			t.Errorf("ReadRange(%q) = %v, %v; want an error", bad, lo, hi)
		}
	}
	if _, _, err := ReadFigure("200-350"); err == nil {
		t.Errorf("ReadFigure(200-350) read a range as one number")
	}
}

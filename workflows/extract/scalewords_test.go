package extract

import (
	"strings"
	"testing"
)

// TestScaleWordsScale: trillion, lakh and crore multiply the number before
// them as million and billion do, apart, glued on or after a number word;
// a trillion of anything is above MaxFigure and refused, never read as the
// number before it.
func TestScaleWordsScale(t *testing.T) {
	for in, want := range map[string]float64{
		"3 lakh":                  3e5,
		"3 lakhs":                 3e5,
		"1.2 crore":               1.2e7,
		"2 crores":                2e7,
		"about 1.5 lakh":          1.5e5,
		"two lakh fifty thousand": 2.5e5,
		"a lakh":                  1e5,
		"3lakh":                   3e5,
		"0.5 trillion":            5e11,
		"1 trillion":              1e12,
	} {
		v, _, err := ReadFigure(in)
		if err != nil || v != want {
			t.Errorf("ReadFigure(%q) = %v, %v; want %v", in, v, err, want)
		}
	}
	for _, in := range []string{"2 trillion", "2trillion", "at least 2 trillion", "1.5 to 2 trillion", "two trillion"} {
		_, _, _, err := ReadRange(in)
		fe, ok := err.(*FigureError)
		if !ok || !fe.TooLarge || !strings.Contains(err.Error(), "10^12") {
			t.Errorf("ReadRange(%q) = %v; want the 10^12 limit refusal", in, err)
		}
	}
	if lo, hi, _, err := ReadRange("1.5 to 2 crore"); err != nil || lo != 1.5e7 || hi != 2e7 {
		t.Errorf("ReadRange(1.5 to 2 crore) = %v, %v, %v", lo, hi, err)
	}
}

// TestExtractReadsScaleWords: articles read the same lexicon.
func TestExtractReadsScaleWords(t *testing.T) {
	for text, want := range map[string]float64{
		"Nearly 3 lakh people were displaced by the floods, officials said.":     3e5,
		"About 1.2 crore people were affected by the floods, the ministry said.": 1.2e7,
	} {
		f := only(t, text)
		if f.Value != want {
			t.Errorf("Extract(%q) = %v, want %v", text, f.Value, want)
		}
	}
	if figs := Extract("Officials said 2 trillion people were killed."); len(figs) != 0 {
		t.Errorf("a count of 2 trillion became a figure: %+v", figs)
	}
}

// TestBoundedRange: a lower and an upper hedge together are a range, never
// a figure whose unit is the second hedge.
func TestBoundedRange(t *testing.T) {
	for _, in := range []string{"at least 300 and at most 400", "more than 300 but fewer than 400", "at least 300, up to 400"} {
		lo, hi, q, err := ReadRange(in)
		if err != nil || lo != 300 || hi != 400 || q != Exact {
			t.Errorf("ReadRange(%q) = %v, %v, %q, %v; want 300 to 400", in, lo, hi, q, err)
		}
	}
	if _, _, _, err := ReadRange("at least 400 and at most 300"); err == nil || !err.(*FigureError).NotRange {
		t.Errorf("a reversed bounded range was read: %v", err)
	}
	if _, _, err := ReadFigure("at least 300 and at most 400"); err == nil {
		t.Error("ReadFigure, which reads no ranges, read a bounded range")
	}
	if !HedgedNumberIn("and at most 400") || !HedgedNumberIn("and perhaps up to 400") || HedgedNumberIn("people in Mosul") || HedgedNumberIn("about the strike") {
		t.Error("HedgedNumberIn misreads")
	}
}

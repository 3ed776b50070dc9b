package extract

import (
	"testing"
	"unicode/utf8"
)

func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"",
		"At least 300 civilians were killed, according to the UN.",
		"“More than 2,000 people have been killed,” he said.",
		"A 1,000-strong force. Between 30 and 50 people. Dozens more.",
		"Updated 10:32 GMT\nShare\n\n12 June 2014: 5 killed",
		"The U.S. said 3.5 million were displaced. It said 40 were hurt.",
		"Gen. Ali – who asked not to be named – told Reuters that 9 died.",
		"1,2,3 -- 4-5 ... 12th 1.5m $5 ~300 300+ ≥ 7 \u2013 \u2014",
		"a dozen a\nhundred and twenty-five,,,,",
		"\xff\xfe broken utf8 12 killed \xc3",
		"9.",
		"As many as 3\u202f864 civilians, 3.864 dead, \u0663\u0668\u0666\u0664 killed, 12k fled, half a million marched.",
		"Between 200 and 350 people; 154,000 to 172,000 took part. Of those, 40 were soldiers.",
		"The Red Crescent, which said 80 were hurt. " + "9999999999999999999999999999999999999999999 killed",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fig := range Extract(text) {
			if fig.Start < 0 || fig.Start > fig.End || fig.End > len(text) {
				t.Fatalf("offsets [%d, %d) outside text of %d bytes", fig.Start, fig.End, len(text))
			}
			if text[fig.Start:fig.End] != fig.Sentence {
				t.Fatalf("sentence %q does not match text[%d:%d]", fig.Sentence, fig.Start, fig.End)
			}
			if fig.Mentions < 1 {
				t.Fatalf("mentions %d", fig.Mentions)
			}
		}
		if utf8.ValidString(text) {
			ParseFigure(text)
		}
	})
}

func FuzzParseFigure(f *testing.F) {
	for _, seed := range []string{"at least 300", "as many as 3,864", "about 1.5 million", "a dozen", "300+", "~5", "three hundred and twelve",
		"3\u00a0864", "3.864", "\u0663\u0668\u0666\u0664", "12k", "half a million", "3,86", "3 86", "1e400", "between 200 and 350", "200-350", "1.5 to 2 million"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, q, ok := ParseFigure(s)
		if ok && (v < 0 || v > MaxFigure || v != v || q == "") {
			t.Fatalf("ParseFigure(%q) = %v, %q", s, v, q)
		}
		// A range's top is above its bottom and within MaxFigure.
		lo, hi, q, err := ReadRange(s)
		if err == nil && (lo < 0 || lo > MaxFigure || lo != lo || q == "" || hi != 0 && (hi <= lo || hi > MaxFigure)) {
			t.Fatalf("ReadRange(%q) = %v, %v, %q", s, lo, hi, q)
		}
	})
}

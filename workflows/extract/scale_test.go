package extract

import (
	"fmt"
	"strings"
	"testing"
)

// pathological returns about n bytes of the text that made extraction
// quadratic: numbers, quotes, dashes, brackets and attribution words with no
// full stop for thousands of words, then a paragraph of thousands of short
// unattributed figure sentences.
func pathological(n int) string {
	const long = `"at least 300 civilians – said the UN – were killed, according to officials, 12 bodies (3,864) said he, ` +
		`as many as 40 – in March 17 – were wounded, it said, " 1,000-strong force, more than 2 000 people `
	const short = `Another 60 were wounded in Mosul. 12 died. "Five were killed," `
	var b strings.Builder
	for b.Len() < n/2 {
		b.WriteString(long)
	}
	b.WriteString(".\n\n")
	for b.Len() < n {
		b.WriteString(short)
	}
	return b.String()
}

// BenchmarkExtractScale times the pathological text at 10 KB and at 2, 4 and
// 8 times that size; scripts/bench.sh reports the ratios as
// extract_scale_ratio (8× / 1×), which stays near 8 when extraction is
// linear.
func BenchmarkExtractScale(b *testing.B) {
	for _, k := range []int{1, 2, 4, 8} {
		text := pathological(k * 10 << 10)
		b.Run(fmt.Sprintf("x%d", k), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				Extract(text)
			}
		})
	}
}

// TestPathologicalTextIsRead checks that the windows a long sentence is cut
// into still yield its figures with offsets inside the text.
func TestPathologicalTextIsRead(t *testing.T) {
	text := pathological(20 << 10)
	figs := Extract(text)
	if len(figs) == 0 {
		t.Fatal("no figures in the pathological text")
	}
	for _, f := range figs {
		if f.Start < 0 || f.End > len(text) || text[f.Start:f.End] != f.Sentence {
			t.Fatalf("figure %v has offsets [%d, %d) outside the text", f.Value, f.Start, f.End)
		}
	}
}

package shell

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/ptytest"
)

// BenchmarkPasteMode pastes 200 KB after a lone ingest at an 80-column
// pseudo-terminal, in lines of 100 and of 1,000 characters, and reports
// the seconds each took (paste_100col_s, paste_1000col_s) and their ratio
// (paste_long_lines_ratio). With the line editor drawing the line again
// for each character, one run took 8.3 s and 25 s (ratio 3.0); in paste
// mode, 0.42 s and 0.91 s.
func BenchmarkPasteMode(b *testing.B) {
	took := map[int]float64{}
	for _, width := range []int{100, 1000} {
		master, slave := ptytest.Open(b, 80)
		go io.Copy(io.Discard, master)
		lines, err := TerminalLines(slave, slave, "")
		if err != nil {
			b.Fatal(err)
		}
		lines.(*terminalLines).PasteMode(true)
		line := strings.Repeat("y", width-1)
		n := 200_000 / width
		var total time.Duration
		for range b.N {
			start := time.Now()
			go master.WriteString("\x1b[200~" + strings.Repeat(line+"\r", n) + "\x1b[201~")
			for range n {
				if _, err := lines.ReadLine("… "); err != nil {
					b.Fatal(err)
				}
			}
			total += time.Since(start)
		}
		lines.Close()
		took[width] = total.Seconds() / float64(b.N)
	}
	fmt.Printf("paste_100col_s: %.2f\npaste_1000col_s: %.2f\npaste_long_lines_ratio: %.2f\n",
		took[100], took[1000], took[1000]/took[100])
}

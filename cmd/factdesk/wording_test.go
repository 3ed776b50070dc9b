package main

import (
	"strings"
	"testing"
)

// TestChatWording: one figure is "1 figure", the keep example fits the
// list, a keep that files nothing new says so, and the terminal's quit
// answers as help lists it.
func TestChatWording(t *testing.T) {
	cfg, _ := ingestDesk(t)
	out := ingestMain(t, "ingest 45 people were killed in Homs, the governor said.\nkeep 1\nkeep 1\nquit now\nhelp quit\nbogus\n",
		"shell", "--config", cfg, "--user", "rita")
	for _, want := range []string{"1 figure in pasted text", "Say keep 1 to file it.", "kept 1 figure from pasted text",
		"nothing new: that figure was already filed", "quit takes nothing after it", "quit or exit: leave the terminal",
		`unknown command "bogus". Type help`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"1 figures", "keep 1 3 4", "did you mean edit", "no command"} {
		if strings.Contains(out, bad) {
			t.Errorf("output says %q:\n%s", bad, out)
		}
	}
}

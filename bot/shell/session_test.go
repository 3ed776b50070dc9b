package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/bot/bottest"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
)

// terminalDesk runs a session over input as a script would, on the
// bottest desk (its database, clock, engine and router) with the terminal
// as its platform and an ingest command that keeps the text it was given.
func terminalDesk(t *testing.T, input string) (out string, ingested []string, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	d := bottest.New(t)
	d.Engine.Limits = map[string]workflows.Limits{Platform: Limits}
	d.Router.Help = map[string]bot.PlatformHelp{Platform: Help}
	d.Router.Register(bot.Spec{Name: "ingest", Usage: "ingest <url> | ingest <text>", Summary: "read an article",
		Parse: func(cmd *bot.Command, rest string) error {
			cmd.Text = strings.TrimSpace(rest)
			return nil
		}}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		ingested = append(ingested, cmd.Text)
		return d.Engine.Reply(ctx, req, workflows.Message{Text: "read it"})
	})
	var buf bytes.Buffer
	del, err := NewDeliverer(SafeWriter(&buf), "")
	if err != nil {
		t.Fatal(err)
	}
	d.Dispatcher.Deliverers[Platform] = del
	s := &Session{Router: d.Router, User: "rita", In: strings.NewReader(input), Out: SafeWriter(&buf),
		Flush: func(ctx context.Context) error { _, err := d.Dispatcher.Drain(ctx); return err }}
	if err := s.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return buf.String(), ingested, d.DB
}

func claims(t *testing.T, db *storage.DB) []workflows.Claim {
	t.Helper()
	cs, err := db.ListClaims(context.Background(), workflows.ClaimFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A line longer than the desk reads is refused with its reason, and the
// desk reads on.
func TestLongLineIsRefusedAndTheDeskGoesOn(t *testing.T) {
	long := "claim " + strings.Repeat("very ", 300_000) // 1.5 MB, more than bufio's old limit too
	out, _, db := terminalDesk(t, long+"\nclaim 140 civilians killed\n")
	if !strings.Contains(out, "! that line is 1500006 bytes; the desk reads lines of up to 65536 bytes") {
		t.Errorf("the long line was not refused with its size:\n%.500s", out)
	}
	if cs := claims(t, db); len(cs) != 1 || cs[0].Statement != "140 civilians killed" {
		t.Errorf("after the long line the desk filed %+v", cs)
	}
}

func TestQuitAndExitEndTheSession(t *testing.T) {
	for _, word := range []string{"quit", "exit", "  EXIT  "} {
		out, _, db := terminalDesk(t, "claim 1 home destroyed\n"+word+"\nclaim 2 homes destroyed\n")
		if n := len(claims(t, db)); n != 1 {
			t.Errorf("%q: the session went on and filed %d claims", word, n)
		}
		if strings.Contains(out, "did you mean") {
			t.Errorf("%q was answered as a typo:\n%s", word, out)
		}
	}
}

func TestAsNameAndHelp(t *testing.T) {
	out, _, db := terminalDesk(t, strings.Join([]string{
		"help", "help as", "help ingest",
		"as " + strings.Repeat("x", bot.MaxPlainName+1),
		"as two words",
		"as @ana",
		"claim 3 schools closed",
		"assign 1 " + strings.Repeat("y", bot.MaxPlainName+1),
		"assign 1 @ben",
	}, "\n"))
	for _, want := range []string{
		"as NAME — speak as someone else",
		"quit or exit — leave",
		"as NAME: what you type from now on is said by NAME",
		"type ingest alone, paste the text, then a line with a single .",
		"! usage: as NAME (a name is at most 64 characters)",
		"! usage: as NAME (a name is one word",
		"now speaking as ana",
		"is not a name I can assign: a name is at most 64 characters",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the session never said %q:\n%s", want, out)
		}
	}
	cs := claims(t, db)
	if len(cs) != 1 || cs[0].FiledBy != "shell:ana" || cs[0].Assignee != "shell:ben" {
		t.Errorf("claims: %+v", cs)
	}
}

// An article pasted after a lone "ingest" reaches ingest whole, not line
// by line as commands.
func TestPasteAnArticle(t *testing.T) {
	article := "At least 140 civilians were killed, the UN said.\n\nThe army said 3,864.\nclaim this is not a command\n"
	out, ingested, db := terminalDesk(t, "ingest\n"+article+".\nlist\ningest\nclaim also pasted\n")
	if len(ingested) != 2 || ingested[0] != strings.TrimSpace(article) || ingested[1] != "claim also pasted" {
		t.Fatalf("ingest got %q", ingested)
	}
	if n := len(claims(t, db)); n != 0 {
		t.Errorf("a pasted line ran as a command: %d claims", n)
	}
	if !strings.Contains(out, "no claims") {
		t.Errorf("the command after the paste was not run:\n%s", out)
	}
	out, ingested, _ = terminalDesk(t, "ingest\n.\n")
	if len(ingested) != 0 || !strings.Contains(out, "nothing was pasted") {
		t.Errorf("an empty paste: ingested %q, said\n%s", ingested, out)
	}
}

// Nothing a user typed reaches the terminal raw.
func TestTerminalShowsNoControls(t *testing.T) {
	out, _, _ := terminalDesk(t, "claim 140 killed\x1b]0;owned\x07 \u202eper UN\r\nshow 1\n")
	if strings.ContainsAny(out, "\x1b\x07\r\u202e") {
		t.Errorf("the terminal got controls: %q", out)
	}
}

func TestPlainLines(t *testing.T) {
	r := PlainLines(strings.NewReader("one\r\ntwo\n"+strings.Repeat("x", 20)+"\nthree"), 10)
	var got []string
	for {
		line, err := r.ReadLine("")
		var tooLong *LineTooLongError
		switch {
		case errors.Is(err, io.EOF):
			if want := "one|two|too long 20|three"; strings.Join(got, "|") != want {
				t.Errorf("read %q, want %q", strings.Join(got, "|"), want)
			}
			return
		case errors.As(err, &tooLong):
			got = append(got, "too long "+strconv.Itoa(tooLong.Bytes))
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, line)
		}
	}
}

func TestSafeWriterKeepsSplitCharacters(t *testing.T) {
	var buf bytes.Buffer
	w := SafeWriter(&buf)
	whole := "Mosul – “140” \u202eUN\x1b[0m\r\nnext"
	b := []byte(whole)
	for i := range b {
		if _, err := w.Write(b[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := buf.String(), "Mosul – “140” UN[0m\nnext"; got != want {
		t.Errorf("byte by byte: %q, want %q", got, want)
	}
}

func TestHistoryPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/factdesk/history"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/h"}, "/h/.local/state/factdesk/history"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/factdesk/history"},
		{map[string]string{}, ""},
	} {
		if got := HistoryPath(env(tc.env)); got != tc.want {
			t.Errorf("HistoryPath(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// "as NAME" refuses a name with an invisible character, which would show
// as another person's in a claim's history, and the desk's own name; the
// speaker stays who they were.
func TestAsRefusesInvisibleAndTheDesksName(t *testing.T) {
	out, _, db := terminalDesk(t, strings.Join([]string{
		"as editor\u200b",
		"as ed\u200ditor",
		"as factdesk",
		"as @FactDesk",
		"claim 3 schools closed",
	}, "\n"))
	for _, want := range []string{
		"! usage: as NAME (a name holds no invisible characters",
		"! usage: as NAME (factdesk is the desk's own name; choose another)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the session never said %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "now speaking as") {
		t.Errorf("a name was taken:\n%s", out)
	}
	if cs := claims(t, db); len(cs) != 1 || cs[0].FiledBy != "shell:rita" {
		t.Errorf("claims: %+v", cs)
	}
}

package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/bot/bottest"
	"github.com/factdesk/factdesk/workflows"
)

// sweepLog is what a "note" command saw: who said which note, in the order
// the notes were handled, and the most notes handled at once.
type sweepLog struct {
	mu      sync.Mutex
	order   []string // "ana 1", "ben 1", …
	running int
	most    int
}

// recordNotes registers "note N", which logs its speaker and N, and calls
// inside (when set) while it is still running.
func recordNotes(d *bottest.Desk, log *sweepLog, inside func(text string)) {
	d.Router.Register(bot.Spec{Name: "note", Usage: "note <text>", Summary: "log a note",
		Parse: func(cmd *bot.Command, rest string) error { cmd.Text = strings.TrimSpace(rest); return nil }},
		func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
			log.mu.Lock()
			log.running++
			log.most = max(log.most, log.running)
			log.order = append(log.order, req.Actor.ID+" "+cmd.Text)
			log.mu.Unlock()
			if inside != nil {
				inside(req.Actor.ID + " " + cmd.Text)
			}
			log.mu.Lock()
			log.running--
			log.mu.Unlock()
			return d.Engine.Reply(ctx, req, workflows.Message{Text: "noted"})
		})
}

// recordOnly records events as a platform does before acknowledging them,
// leaving them unhandled for the sweep.
func recordOnly(t *testing.T, d *bottest.Desk, said ...[2]string) {
	t.Helper()
	for _, s := range said {
		ev := d.Event(s[0], "newsroom", "", s[1])
		if _, err := d.Router.Record(context.Background(), &ev); err != nil {
			t.Fatal(err)
		}
	}
}

func unhandled(t *testing.T, d *bottest.Desk) int {
	t.Helper()
	var n int
	if err := d.DB.SQL().Get(&n, `SELECT COUNT(*) FROM inbox WHERE handled_ms IS NULL`); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSweepHandlesKeysAtOnce: with the platform's order key the person, the
// sweep handles two people's waiting commands at once (each first command
// waits inside until the other's has started), and each person's in the
// order they came.
func TestSweepHandlesKeysAtOnce(t *testing.T) {
	d := bottest.New(t)
	d.Router.Order = map[string]func(workflows.Inbound) string{
		bottest.Platform: func(ev workflows.Inbound) string { return ev.Actor.ID }}
	arrived, release := make(chan string, 8), make(chan struct{})
	log := &sweepLog{}
	recordNotes(d, log, func(note string) {
		arrived <- note
		select {
		case <-release:
		case <-time.After(10 * time.Second): // the test below fails first
		}
	})
	recordOnly(t, d, [2]string{"ana", "note 1"}, [2]string{"ana", "note 2"}, [2]string{"ben", "note 1"},
		[2]string{"ana", "note 3"}, [2]string{"ben", "note 2"})
	done := make(chan error, 1)
	go func() { done <- d.Router.RecoverAll(context.Background(), bottest.Platform) }()
	got := map[string]bool{}
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case note := <-arrived:
			got[note] = true
		case <-timeout:
			close(release)
			t.Fatalf("only %v started while the first of them ran: the sweep handled one person at a time", got)
		}
	}
	if !got["ana 1"] || !got["ben 1"] {
		t.Errorf("started together: %v, want each person's first note", got)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var ana, ben []string
	for _, note := range log.order {
		switch note[:3] {
		case "ana":
			ana = append(ana, note)
		case "ben":
			ben = append(ben, note)
		}
	}
	if want := []string{"ana 1", "ana 2", "ana 3"}; !slices.Equal(ana, want) {
		t.Errorf("Ana's notes handled as %v, want %v", ana, want)
	}
	if want := []string{"ben 1", "ben 2"}; !slices.Equal(ben, want) {
		t.Errorf("Ben's notes handled as %v, want %v", ben, want)
	}
	if n := unhandled(t, d); n != 0 {
		t.Errorf("%d events unhandled after the sweep", n)
	}
}

// TestSweepWithoutOrderKeyIsSerial: a platform that names no order key has
// its waiting commands handled one at a time, in the order they came,
// across people too.
func TestSweepWithoutOrderKeyIsSerial(t *testing.T) {
	d := bottest.New(t)
	log := &sweepLog{}
	recordNotes(d, log, nil)
	var said [][2]string
	var want []string
	for i := range 12 {
		who := []string{"ana", "ben", "cem"}[i%3]
		note := string(rune('a' + i))
		said = append(said, [2]string{who, "note " + note})
		want = append(want, who+" "+note)
	}
	recordOnly(t, d, said...)
	if err := d.Router.RecoverAll(context.Background(), bottest.Platform); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(log.order, want) {
		t.Errorf("handled as %v, want %v", log.order, want)
	}
	if log.most != 1 {
		t.Errorf("%d notes handled at once, want 1", log.most)
	}
	if n := unhandled(t, d); n != 0 {
		t.Errorf("%d events unhandled after the sweep", n)
	}
}

// TestUnhandledOf: a drain finds one person's unhandled events, however
// recent, oldest first, past a page of other people's, leaving out those
// it has tried and those handled.
func TestUnhandledOf(t *testing.T) {
	d := bottest.New(t)
	ctx := context.Background()
	record := func(user, text string) workflows.Inbound {
		t.Helper()
		ev := d.Event(user, "C1", "", text)
		if _, err := d.Router.Record(ctx, &ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	first := record("ana", "note 1")
	for i := range 250 { // more than a page
		record("ben", fmt.Sprint("note ", i))
	}
	second, third := record("ana", "note 2"), record("ana", "note 3")
	if err := d.Router.Handle(ctx, second); err != nil {
		t.Fatal(err)
	}
	record("ana", "note 4")
	anas := func(ev workflows.Inbound) bool { return ev.Actor.ID == "ana" && ev.ID != first.ID }
	evs, err := d.Router.UnhandledOf(ctx, bottest.Platform, 1, anas)
	if err != nil || len(evs) != 1 || evs[0].ID != third.ID {
		t.Fatalf("first of ana's untried: %+v, %v; want note 3", evs, err)
	}
	evs, err = d.Router.UnhandledOf(ctx, bottest.Platform, 10, func(ev workflows.Inbound) bool { return ev.Actor.ID == "ana" })
	var texts []string
	for _, ev := range evs {
		texts = append(texts, ev.Text)
	}
	if err != nil || !slices.Equal(texts, []string{"note 1", "note 3", "note 4"}) {
		t.Errorf("ana's unhandled: %q, %v; want notes 1, 3, 4", texts, err)
	}
}

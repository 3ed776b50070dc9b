package matrix

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

// TestOverflowKeepsRoomOrder: a room whose commands overflow its share of
// the pool while its first is stalled has every one handled, in the order
// said, with no sweep: the pool finds the refused ones in the inbox by
// room and works them off after the queued ones. Another room is answered
// meanwhile. (The pool is fed as the sync loop feeds it, without a
// homeserver: what is tested is the wiring of the pool to the inbox.)
func TestOverflowKeepsRoomOrder(t *testing.T) {
	d := bottest.New(t)
	ctx := context.Background()
	hold, stalled := make(chan struct{}), make(chan struct{}, 1)
	var mu sync.Mutex
	var marks []string
	d.Router.Register(bot.Spec{Name: "mark", Usage: "mark <text>", Summary: "log a mark",
		Parse: func(cmd *bot.Command, rest string) error { cmd.Text = strings.TrimSpace(rest); return nil }},
		func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
			if cmd.Text == "stall" {
				stalled <- struct{}{}
				<-hold
			}
			mu.Lock()
			marks = append(marks, req.Conv.Channel+" "+cmd.Text)
			mu.Unlock()
			return d.Engine.Reply(ctx, req, workflows.Message{Text: "marked"}) // marks it handled
		})
	b := &Bot{Router: d.Router, inflight: &sync.WaitGroup{}}
	b.pool = bot.NewPool(2, 64, 3, time.Minute, nil)
	b.pool.SetDrain(bot.DrainOf(b.Router, Platform, orderKey))
	n := 0
	event := func(room, text string) workflows.Inbound {
		t.Helper()
		n++
		ev := workflows.Inbound{Platform: Platform, EventID: fmt.Sprintf("$e%d", n),
			Actor: workflows.Actor{Platform: Platform, ID: "@ana:example.org"},
			Conv:  workflows.Conversation{Platform: Platform, Channel: room}, Text: text}
		if _, err := d.Router.Record(ctx, &ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	b.handle([]workflows.Inbound{event("!news", "mark stall")})
	select {
	case <-stalled:
	case <-time.After(20 * time.Second):
		t.Fatal("the first command never started")
	}
	var batch []workflows.Inbound
	var want []string
	for i := 1; i <= 3+4; i++ { // the room's share is 3
		batch = append(batch, event("!news", fmt.Sprint("mark ", i)))
		want = append(want, fmt.Sprint("!news ", i))
	}
	b.handle(batch)
	b.handle([]workflows.Inbound{event("!desk", "mark other")})
	got := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(marks)
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; handled %q", what, got())
			}
			<-time.After(5 * time.Millisecond) // polling, with the deadline above
		}
	}
	waitFor("the other room's command", func() bool { return slices.Equal(got(), []string{"!desk other"}) })
	close(hold)
	b.inflight.Wait()
	b.pool.Wait()
	if g := got(); !slices.Equal(g[1:], append([]string{"!news stall"}, want...)) {
		t.Errorf("handled %q, want the other room's, then !news's in order %q", g, want)
	}
	if left, err := d.DB.UnhandledOn(ctx, Platform, 0, 100); err != nil || len(left) != 0 {
		t.Errorf("%d events unhandled, %v", len(left), err)
	}
}

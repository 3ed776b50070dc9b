package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// slashClients send slash commands at once in BenchmarkSlashCommand, as
// many reporters do, each as a person of their own; the core's claim_rate
// has as many reporters filing at once.
const slashClients = 16

// BenchmarkSlashCommand is signed HTTP slash commands handled end to end:
// verified, recorded and acknowledged, then the claim filed with its card
// and answer queued, the same work the core's claim rate measures (delivery
// is left out of both), from slashClients at once. make bench compares the
// two (slack_rate_ratio).
func BenchmarkSlashCommand(b *testing.B) {
	d := newDesk(b, slackbot.ModeHTTP)
	h := d.adapter.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for c := range slashClients {
		wg.Add(1)
		user := fmt.Sprintf("UBENCH%02d", c)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i <= b.N; i = int(next.Add(1)) {
				d.clock.Advance(time.Second) // the channel's posting slot
				body := slashBody(user, fmt.Sprintf("claim The ministry said %d civilians were killed", i), fmt.Sprintf("trig-%d", i))
				req := slackfake.SignedRequest(secret, "http://desk"+slackbot.PathCommands, body, d.clock.Now())
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("status %d", rec.Code)
					return
				}
			}
		}()
	}
	wg.Wait()
	d.adapter.Wait() // every command the pool took is handled
	// Commands beyond the pool's queue were recorded and wait in the inbox
	// for the sweep, as in the running desk: its pass is part of the work.
	if err := d.router.RecoverAll(d.ctx, slackbot.Platform); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	var claims int
	d.db.SQL().Get(&claims, `SELECT COUNT(*) FROM claims`)
	if claims != b.N {
		b.Fatalf("%d claims for %d commands", claims, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
}

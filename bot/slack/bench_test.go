package slack_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// BenchmarkSlashCommand is one signed HTTP slash command handled end to end
// against the fake Web API: verified, recorded and acknowledged, the claim
// filed, and its card and answer delivered. make bench compares its rate
// with the core's claim rate (slack_rate_ratio).
func BenchmarkSlashCommand(b *testing.B) {
	d := newDesk(b, slackbot.ModeHTTP)
	h := d.adapter.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.clock.Advance(time.Second) // the channel's posting slot
		body := slashBody(reporter, fmt.Sprintf("claim The ministry said %d civilians were killed", i+1), fmt.Sprintf("trig-%d", i))
		req := slackfake.SignedRequest(secret, "http://desk"+slackbot.PathCommands, body, d.clock.Now())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		d.adapter.Wait()
		if _, err := d.disp.Drain(d.ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n, _ := d.db.Depth(d.ctx); n != 0 {
		b.Fatalf("%d messages left undelivered", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmds/s")
}

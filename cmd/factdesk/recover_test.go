package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/workflows"
)

// TestRecoveryBesideHealthz starts `factdesk run` with an event a crashed
// process left unhandled: an ingest of a page that does not answer. The
// desk becomes ready and answers /healthz while that ingest is still being
// recovered.
func TestRecoveryBesideHealthz(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "At least 120 civilians were killed in Tikrit since January, the council said.")
	}))
	defer page.Close()
	var released bool
	defer func() {
		if !released {
			close(release)
		}
	}()

	fake := slackfake.New(t)
	cfgPath, dbURL := slackDeskConfig(t, "", fake, "s", "log:\n  level: warn\n"+allowTestServer(t, page))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db := dbtest.Open(t, dbURL)
	left := workflows.Inbound{Platform: "slack", EventID: "Ev-left", ReceivedAt: time.Now().Add(-5 * time.Minute),
		Actor: workflows.Actor{Platform: "slack", ID: "UREPORTER"},
		Conv:  workflows.Conversation{Platform: "slack", Channel: "C0NEWS", MessageID: "100.1"},
		Text:  "ingest " + page.URL + "/slow"}
	if _, err := db.Record(ctx, &left); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// The desk serves (the page has not answered yet).
	addr, logs := startDesk(t, ctx, offline(&Main{Getenv: slackEnv(fake)}), cfgPath)
	within(t, arrived, "the recovered ingest to fetch its page")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("/healthz while recovering: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz while recovering: %s", resp.Status)
	}
	// Once the page answers, the recovered ingest is answered in Slack.
	close(release)
	released = true
	if _, err := fake.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
		t.Fatalf("the recovered ingest was not answered: %v\n%s", err, logs.String())
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// openFDs counts this process's open file descriptors (Linux).
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors here: %v", err)
	}
	return len(ents)
}

// httpDesk is the real `factdesk run` in Slack HTTP mode on 127.0.0.1.
type httpDesk struct {
	addr, secret string
	fake         *slackfake.Server
	stderr       *syncBuffer
}

func startHTTPDesk(t *testing.T, ctx context.Context) *httpDesk {
	t.Helper()
	d := &httpDesk{secret: "flood-signing-secret", fake: slackfake.New(t)}
	cfgPath, _ := slackDeskConfig(t, "", d.fake, d.secret, "log:\n  level: error\n")
	d.addr, d.stderr = startDesk(t, ctx, offline(&Main{Getenv: slackEnv(d.fake)}), cfgPath)
	return d
}

// TestSlowBodyFlood: 150 unauthenticated connections on 127.0.0.1 that
// trickle their requests (50 without signature headers, 70 with a forged
// signature and a current timestamp, 30 that never finish their headers)
// do not stop /healthz, /metrics or a signed slash command from being
// answered within two seconds; the desk closes every one of them (the
// forged ones after Slack's 3 s window, the header trickles after 5 s),
// and its open descriptors come back to where they were.
func TestSlowBodyFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about six seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d := startHTTPDesk(t, ctx)
	// One client without keep-alive, so the test holds no idle connection.
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	signed := func(trigger, text string) (int, time.Duration) {
		t.Helper()
		body := []byte(slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: text,
			UserID: "UREPORTER", ChannelID: "C0NEWS", TriggerID: trigger}).Encode())
		start := time.Now()
		resp, err := client.Do(slackfake.SignedRequest(d.secret, "http://"+d.addr+"/slack/commands", body, time.Now()))
		if err != nil {
			t.Fatalf("signed command: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	get := func(path string) (int, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := client.Get("http://" + d.addr + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start)
	}
	// Warm up: the desk's own connections to Slack exist before counting.
	if code, _ := signed("warm", "claim The ministry said 12 bridges were closed"); code != http.StatusOK {
		t.Fatalf("warm-up command: %d", code)
	}
	if _, err := d.fake.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
		t.Fatal(err)
	}
	_, tookIdle := get("/healthz")
	before := openFDs(t)

	const unsigned, forged, headerOnly = 50, 70, 30
	floodCtx, endFlood := context.WithTimeout(ctx, 15*time.Second)
	defer endFlood()
	var wg sync.WaitGroup
	var mu sync.Mutex
	closedAfter := map[string]time.Duration{} // kind → longest time until the desk closed it
	open := func(kind, head string) {
		c, err := net.DialTimeout("tcp", d.addr, 2*time.Second)
		if err != nil {
			t.Fatalf("flood dial: %v", err)
		}
		start := time.Now()
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatalf("flood write: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(12 * time.Second))
			closed := make(chan struct{})
			go func() { _, _ = io.Copy(io.Discard, c); close(closed) }()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-closed:
					mu.Lock()
					closedAfter[kind] = max(closedAfter[kind], time.Since(start))
					mu.Unlock()
					return
				case <-floodCtx.Done():
					return
				case <-tick.C:
					_, _ = c.Write([]byte("a")) // one more byte of a body or a header that never ends
				}
			}
		}()
	}
	for i := 0; i < forged; i++ {
		open("forged", fmt.Sprintf("POST /slack/events HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\n"+
			"Content-Length: 100000\r\nX-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n\r\n{",
			time.Now().Unix(), strings.Repeat("f", 64)))
	}
	for i := 0; i < headerOnly; i++ {
		open("header", "POST /slack/commands HTTP/1.1\r\nHost: desk\r\nX-Trickle: ")
	}
	for i := 0; i < unsigned; i++ {
		open("unsigned", "POST /slack/commands HTTP/1.1\r\nHost: desk\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: 100000\r\n\r\ncommand=")
	}
	// The desk holds a descriptor for each forged and header trickle it has
	// accepted (and this process one for each flood connection's client
	// end): wait until it has accepted them, so the checks below run while
	// the flood is in place.
	held := forged + headerOnly
	if !pollFor(5*time.Second, func() bool { return openFDs(t) >= before+unsigned+forged+headerOnly+held/2 }) {
		t.Fatalf("the flood never took hold: %d descriptors, %d before", openFDs(t), before)
	}

	code, tookHealth := get("/healthz")
	if code != http.StatusOK || tookHealth > 2*time.Second {
		t.Errorf("/healthz during the flood: %d after %s", code, tookHealth)
	}
	code, tookMetrics := get("/metrics")
	if code != http.StatusOK || tookMetrics > 2*time.Second {
		t.Errorf("/metrics during the flood: %d after %s", code, tookMetrics)
	}
	code, tookCommand := signed("during", "claim The ministry said 40 schools closed")
	if code != http.StatusOK || tookCommand > 2*time.Second {
		t.Errorf("signed command during the flood: %d after %s", code, tookCommand)
	}
	t.Logf("before the flood: /healthz %s; during it: /healthz %s, /metrics %s, signed command %s", tookIdle, tookHealth, tookMetrics, tookCommand)
	if _, err := d.fake.WaitCalls(ctx, "chat.postMessage", 2); err != nil {
		t.Fatalf("the command sent during the flood was not answered: %v", err)
	}

	wg.Wait()
	if floodCtx.Err() != nil {
		t.Fatalf("the desk left flood connections open for 15 s: closed after %v", closedAfter)
	}
	t.Logf("flood closed after %v", closedAfter)
	for kind, limit := range map[string]time.Duration{"unsigned": 2 * time.Second, "forged": 6 * time.Second, "header": 8 * time.Second} {
		if got := closedAfter[kind]; got > limit {
			t.Errorf("%s trickles were closed after %s, want within %s", kind, got, limit)
		}
	}
	// The desk may open a connection or two to Slack meanwhile (the post
	// above): allow a few, far fewer than the flood's 150.
	if !pollFor(10*time.Second, func() bool { return openFDs(t) <= before+8 }) {
		t.Fatalf("%d descriptors open after the flood, %d before", openFDs(t), before)
	}
}

// pollFor polls cond every 20 ms until it holds (true) or d has passed.
func pollFor(d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
	return true
}

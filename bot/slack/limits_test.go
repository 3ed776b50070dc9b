package slack_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot"
	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/workflows"
)

// watchedBody fails nothing itself; it counts reads, so a test can show a
// body was never touched.
type watchedBody struct {
	reads atomic.Int32
	r     *bytes.Reader
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return b.r.Read(p)
}

func (b *watchedBody) Close() error { return nil }

// TestHeadersCheckedBeforeBody: a request without a well-formed signature,
// or with a timestamp outside the window, is refused before a byte of its
// body is read, and its connection is closed rather than drained.
func TestHeadersCheckedBeforeBody(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	body := slashBody(reporter, "claim "+statement, "trig-h")
	now := d.clock.Now()
	cases := map[string]func(*http.Request){
		"no signature":        func(r *http.Request) { r.Header.Del("X-Slack-Signature") },
		"no timestamp":        func(r *http.Request) { r.Header.Del("X-Slack-Request-Timestamp") },
		"signature not hex":   func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("z", 64)) },
		"signature too short": func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0=abcd") },
		"wrong version":       func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v1="+strings.Repeat("a", 64)) },
		"timestamp not a number": func(r *http.Request) {
			r.Header.Set("X-Slack-Request-Timestamp", "12e9")
		},
		"stale timestamp": func(r *http.Request) {
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10))
		},
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			req := slackfake.SignedRequest(secret, "http://desk"+slackbot.PathCommands, body, now)
			spoil(req)
			wb := &watchedBody{r: bytes.NewReader(body)}
			req.Body = wb
			rec := d.serve(req, http.StatusUnauthorized)
			if n := wb.reads.Load(); n != 0 {
				t.Errorf("body read %d times before the headers were refused", n)
			}
			if got := rec.Header().Get("Connection"); got != "close" {
				t.Errorf("Connection = %q, want close", got)
			}
		})
	}
	t.Run("declared too large", func(t *testing.T) {
		req := slackfake.SignedRequest(secret, "http://desk"+slackbot.PathCommands, body, now)
		wb := &watchedBody{r: bytes.NewReader(body)}
		req.Body, req.ContentLength = wb, 2<<20
		d.serve(req, http.StatusUnauthorized)
		if n := wb.reads.Load(); n != 0 {
			t.Errorf("a body declared at 2 MiB was read %d times", n)
		}
	})
	if n := d.count("inbox"); n != 0 {
		t.Errorf("%d inbox rows after refused requests", n)
	}
}

// slowRequest opens a connection to addr and sends a POST to path whose
// headers look signed (a well-formed but wrong signature, a current
// timestamp) and whose body, declared at 4 KB, stops after a few bytes.
func slowRequest(t *testing.T, addr, path string, now time.Time) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: desk\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 4096\r\nX-Slack-Request-Timestamp: %d\r\nX-Slack-Signature: v0=%s\r\n\r\ntoken=",
		path, now.Unix(), strings.Repeat("0", 64))
	return c
}

// TestSlowBodyCutOff: a body that trickles is cut off after Slack's 3-second
// window with 401, and the connection is closed.
func TestSlowBodyCutOff(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	srv := httptest.NewServer(d.adapter.Handler())
	t.Cleanup(srv.Close)
	c := slowRequest(t, srv.Listener.Addr().String(), slackbot.PathCommands, d.clock.Now())
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Errorf("status %d, close %v; want 401 and a closed connection", resp.StatusCode, resp.Close)
	}
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("a trickling body held its connection for %s", took)
	}
}

// TestSaturatedEndpoints: with every request slot held by slow bodies, a
// further Slack request is refused with 503 and Retry-After (after a short
// wait) instead of piling up, and is served again once a slot frees.
func TestSaturatedEndpoints(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP, func(c *slackbot.Config) { c.MaxRequests = 2 })
	srv := httptest.NewServer(d.adapter.Handler())
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	slow := []net.Conn{
		slowRequest(t, addr, slackbot.PathEvents, d.clock.Now()),
		slowRequest(t, addr, slackbot.PathEvents, d.clock.Now()),
	}
	signed := func(path string, body []byte) *http.Response {
		t.Helper()
		req := slackfake.SignedRequest(secret, srv.URL+path, body, d.clock.Now())
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// The two slow requests may still be on their way to the handler: send
	// a signed callback the desk ignores (no event in it) until one is
	// refused, which shows both slots are taken.
	deadline := time.Now().Add(5 * time.Second)
	probe := func() *http.Response { return signed(slackbot.PathEvents, []byte(`{"type":"event_callback"}`)) }
	var resp *http.Response
	for resp = probe(); resp.StatusCode != http.StatusServiceUnavailable; resp = probe() {
		if time.Now().After(deadline) {
			t.Fatalf("status %d while every slot is held, want 503", resp.StatusCode)
		}
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	for _, c := range slow {
		c.Close() // the handlers' reads fail at once and give their slots back
	}
	if resp := signed(slackbot.PathCommands, slashBody(reporter, "claim "+statement, "trig-free")); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d after the slots were freed, want 200", resp.StatusCode)
	}
	d.settle()
	if len(d.cards()) != 1 {
		t.Errorf("%d cards, want 1", len(d.cards()))
	}
}

// eventually polls cond every 10 ms until it holds or 10 s have passed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// slashNoWait runs /factdesk text as user and returns once Slack has its
// answer (HTTP) or ack (Socket Mode), without waiting for the handling.
func (d *desk) slashNoWait(user, text, trigger string) {
	d.t.Helper()
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: text, UserID: user,
		UserName: strings.ToLower(user), ChannelID: channel, TriggerID: trigger})
	if d.mode == slackbot.ModeSocket {
		d.ack(d.fake.SendSlashCommand(form))
	} else {
		d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK)
	}
}

func (d *desk) unhandled() int {
	d.t.Helper()
	var n int
	if err := d.db.SQL().GetContext(d.ctx, &n, "SELECT count(*) FROM inbox WHERE handled_ms IS NULL"); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// TestBoundedHandling: events are handled by a bounded pool. One person's
// slow commands (a huge paste stands in as "stall", which holds its worker
// until released) do not delay another person's command; what is beyond
// the person's share of the queue is acknowledged, kept in the inbox, and
// handled by the pool once the person's earlier commands are done, with no
// sweep: nothing is dropped.
func TestBoundedHandling(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode, func(c *slackbot.Config) { c.Workers, c.Queue, c.QueuePerUser = 2, 8, 2 })
			started, release := d.stall()
			// Ana: one stall running, two queued (her share), and a claim
			// beyond her share. Her first is running before the others
			// come: a job a worker has not taken yet still counts in her
			// share, and a loaded machine may start the worker late.
			d.slashNoWait("UANA", "stall", "ana-0")
			started()
			for i, text := range []string{"stall", "stall", "claim The ministry said 7 ports reopened"} {
				d.slashNoWait("UANA", text, fmt.Sprintf("ana-%d", i+1))
			}
			eventually(t, "every command of Ana's to be recorded", func() bool { return d.count("inbox") == 4 })
			// Ben's claim is handled on the other worker while Ana's wait.
			d.slashNoWait("UBEN", "claim "+statement, "ben-1")
			eventually(t, "Ben's claim to be filed while Ana's commands wait", func() bool { return d.count("claims") == 1 })
			if got := d.unhandled(); got != 4 {
				t.Errorf("%d events unhandled while Ana's stall holds, want 4 (3 stalls, her claim)", got)
			}
			release()
			d.adapter.Wait()
			if got := d.unhandled(); got != 0 {
				t.Fatalf("%d events unhandled after the pool is done, want 0 (the one beyond Ana's share is worked off too)", got)
			}
			d.settle()
			if got := len(d.cards()); got != 2 {
				t.Errorf("%d cards, want 2 (Ben's, then Ana's)", got)
			}
		})
	}
}

// TestOverflowKeepsOrder: a person who sends 16+4 commands while their
// first is stalled has every one handled, in the order sent, with no sweep
// (the clock never moves): the 4 beyond their share of 16 are refused and
// kept in the inbox, and the pool works them off after the 16. Another
// person is answered meanwhile.
func TestOverflowKeepsOrder(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode, func(c *slackbot.Config) { c.Workers = 2 })
			started, release := d.stall()
			var mu sync.Mutex
			var marks []string
			d.router.Register(bot.Spec{Name: "mark", Usage: "mark <text>", Summary: "log a mark",
				Parse: func(cmd *bot.Command, rest string) error { cmd.Text = strings.TrimSpace(rest); return nil }},
				func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
					mu.Lock()
					marks = append(marks, req.Actor.ID+" "+cmd.Text)
					mu.Unlock()
					return d.engine.Reply(ctx, req, workflows.Message{Text: "marked"})
				})
			got := func() []string {
				mu.Lock()
				defer mu.Unlock()
				return slices.Clone(marks)
			}
			d.slashNoWait("UANA", "stall", "ana-0")
			started()
			var want []string
			for i := 1; i <= bot.DefaultQueuePerKey+4; i++ {
				d.slashNoWait("UANA", fmt.Sprint("mark ", i), fmt.Sprint("ana-", i))
				want = append(want, fmt.Sprint("UANA ", i))
			}
			d.slashNoWait("UBEN", "mark ben", "ben-1")
			eventually(t, "Ben's command to be handled while Ana's wait", func() bool {
				return slices.Equal(got(), []string{"UBEN ben"})
			})
			release()
			eventually(t, "all of Ana's commands to be handled", func() bool { return len(got()) == len(want)+1 })
			if g := got()[1:]; !slices.Equal(g, want) {
				t.Errorf("Ana's commands handled in the order %q, want %q", g, want)
			}
			d.adapter.Wait()
			if n := d.unhandled(); n != 0 {
				t.Errorf("%d events unhandled, want 0", n)
			}
			// Her next command is taken again at once.
			d.slashNoWait("UANA", "mark after", "ana-after")
			eventually(t, "Ana's command after the drain", func() bool { return len(got()) == len(want)+2 })
		})
	}
}

// TestFairRepliesInChannel: while forty messages caused by Ana go out in a
// channel, paced at one a second, Ben's claim card in the same channel goes
// out within a few messages, not after all of hers.
func TestFairRepliesInChannel(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	ana := workflows.Request{Actor: workflows.Actor{Platform: slackbot.Platform, ID: "UANA"},
		Conv: workflows.Conversation{Platform: slackbot.Platform, Channel: channel}}
	for i := 0; i < 40; i++ {
		if err := d.engine.Reply(d.ctx, ana, workflows.Message{Text: fmt.Sprintf("ana %02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	drainUntil := func(done func() bool) {
		t.Helper()
		for i := 0; i < 2000 && !done(); i++ {
			if _, err := d.disp.Drain(d.ctx); err != nil {
				t.Fatal(err)
			}
			d.clock.Advance(100 * time.Millisecond)
		}
	}
	drainUntil(func() bool { return len(d.fake.Messages(channel)) >= 5 })
	d.slashNoWait("UBEN", "claim "+statement, "ben-fair")
	d.adapter.Wait()
	before := len(d.fake.Messages(channel))
	drainUntil(func() bool { n, _ := d.db.Depth(d.ctx); return n == 0 })
	msgs := d.fake.Messages(channel)
	if len(msgs) != 41 {
		t.Fatalf("%d messages in the channel, want 41", len(msgs))
	}
	card := -1
	for i, m := range msgs {
		if strings.Contains(m.Text, "300 civilians") {
			card = i
		}
	}
	if card < 0 || card-before > 2 {
		t.Errorf("Ben's card went out %d messages after he asked (message %d of %d); want within 2", card-before, card+1, len(msgs))
	}
	for i, j := 0, 0; i < len(msgs); i++ {
		if i == card {
			continue
		}
		if want := fmt.Sprintf("ana %02d", j); msgs[i].Text != want {
			t.Errorf("message %d = %q, want %q: Ana's keep their order", i, msgs[i].Text, want)
		}
		j++
	}
}

// TestFullQueueRefusesClicks: a click, which is recorded only as it is
// handled, is refused when the queue is full (503 in HTTP mode, no ack in
// Socket Mode), so Slack shows the clicker it failed; a command that
// arrives then is still recorded and acknowledged, and handled once there
// is room.
func TestFullQueueRefusesClicks(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode, func(c *slackbot.Config) { c.Workers, c.Queue, c.QueuePerUser = 1, 1, 1 })
			started, release := d.stall()
			d.slashNoWait("UANA", "stall", "ana-1")
			started()
			d.slashNoWait("UANA", "stall", "ana-2") // the one place in the queue
			click := slackfake.BlockActionsJSON(slackfake.BlockActions{UserID: "UBEN", UserName: "uben",
				ChannelID: channel, MessageTS: "1.0001", TriggerID: "ben-click",
				Actions: []slackfake.BlockAction{{ActionID: "approve", BlockID: "factdesk_actions", Value: "1:1"}}})
			if mode == slackbot.ModeHTTP {
				d.post(slackbot.PathInteractions, []byte(slackfake.InteractionForm(click).Encode()), http.StatusServiceUnavailable)
				d.slashNoWait("UCY", "claim "+statement, "cy-1")
			} else {
				env := d.fake.SendInteraction(click)
				d.slashNoWait("UCY", "claim "+statement, "cy-1") // acknowledged after the click was read
				for _, a := range d.fake.Acks() {
					if a.EnvelopeID == env {
						t.Error("a click the queue had no room for was acknowledged")
					}
				}
			}
			release()
			d.adapter.Wait()
			if got := d.unhandled(); got != 0 {
				t.Errorf("%d events unhandled, want 0 (Cy's claim is handled once there is room)", got)
			}
		})
	}
}

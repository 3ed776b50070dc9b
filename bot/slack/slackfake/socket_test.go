package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// received is what the test's Socket Mode consumer saw.
type received struct {
	typ socketmode.EventType
	req socketmode.Request
	evt socketmode.Event
}

// runSocketClient starts a real socketmode.Client against f that acks every
// request (with ackPayload for slash commands) and reports it on the channel.
func runSocketClient(t *testing.T, f *Server, ackPayload any) <-chan received {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	client := socketmode.New(f.Client(), socketmode.OptionLog(log.New(io.Discard, "", 0)))
	out := make(chan received, 16)
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		_ = client.RunContext(ctx)
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				switch evt.Type {
				case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive:
					_ = client.Ack(*evt.Request)
				case socketmode.EventTypeSlashCommand:
					_ = client.Ack(*evt.Request, ackPayload)
				default:
					continue
				}
				select {
				case out <- received{typ: evt.Type, req: *evt.Request, evt: evt}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-runDone
	})
	return out
}

func next(t *testing.T, ctx context.Context, ch <-chan received) received {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-ctx.Done():
		t.Fatal("no request reached the socketmode client")
		return received{}
	}
}

func TestSocketModeEventsAndSlashCommands(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	got := runSocketClient(t, f, map[string]any{"text": "Claim #12 opened"})
	if err := f.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}

	body := EventCallbackJSON(EventCallback{EventID: "Ev0001", Event: Event{
		Type: "app_mention", User: "U1", Text: "<@U0FAKEBOT> check this", Channel: "C1", TS: "1700000001.000100",
	}})
	envID := f.SendEvent(body)
	ack, err := f.WaitAck(ctx, envID)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Payload != nil || ack.Dropped || ack.Conn != 1 {
		t.Errorf("ack = %+v", ack)
	}
	r := next(t, ctx, got)
	if r.typ != socketmode.EventTypeEventsAPI || r.req.EnvelopeID != envID {
		t.Fatalf("got %s %s, want events_api %s", r.typ, r.req.EnvelopeID, envID)
	}
	ev := r.evt.Data.(slackevents.EventsAPIEvent)
	cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
	mention, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok || cb.EventID != "Ev0001" || mention.Text != "<@U0FAKEBOT> check this" || mention.Channel != "C1" || mention.User != "U1" {
		t.Fatalf("event = %+v inner %+v", cb, ev.InnerEvent.Data)
	}

	cmdID := f.SendSlashCommand(SlashCommandForm(slack.SlashCommand{
		Command: "/claim", Text: "new Minister said X", UserID: "U1", ChannelID: "C1", TriggerID: "trig-9",
	}))
	ack, err = f.WaitAck(ctx, cmdID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "Claim #12 opened") {
		t.Errorf("slash ack payload = %s", ack.Payload)
	}
	r = next(t, ctx, got)
	cmd, _ := r.evt.Data.(slack.SlashCommand)
	if r.typ != socketmode.EventTypeSlashCommand || cmd.Command != "/claim" || cmd.Text != "new Minister said X" || cmd.TriggerID != "trig-9" {
		t.Fatalf("slash command = %s %+v", r.typ, cmd)
	}
	if !r.req.AcceptsResponsePayload {
		t.Error("slash command envelope should accept a response payload")
	}

	actID := f.SendInteraction(BlockActionsJSON(BlockActions{
		UserID: "U1", ChannelID: "C1", MessageTS: "1700000000.000100",
		Actions: []BlockAction{{ActionID: "verdict", BlockID: "b1", Value: "false"}},
	}))
	if _, err := f.WaitAck(ctx, actID); err != nil {
		t.Fatal(err)
	}
	r = next(t, ctx, got)
	cb2, _ := r.evt.Data.(slack.InteractionCallback)
	if cb2.Type != slack.InteractionTypeBlockActions || len(cb2.ActionCallback.BlockActions) != 1 ||
		cb2.ActionCallback.BlockActions[0].Value != "false" || cb2.Container.ChannelID != "C1" {
		t.Fatalf("interaction = %+v", cb2)
	}

	if envs := f.Envelopes(); len(envs) != 3 || envs[0].Deliveries != 1 {
		t.Fatalf("envelopes = %+v", envs)
	}
}

func TestSocketModeRetryAndRedeliver(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	got := runSocketClient(t, f, nil)

	body := EventCallbackJSON(EventCallback{Event: Event{Text: "hi", Channel: "C1", User: "U1", TS: "1700000001.000100"}})
	first := f.SendEvent(body)
	r1 := next(t, ctx, got)
	retryID, err := f.Retry(first, "")
	if err != nil {
		t.Fatal(err)
	}
	r2 := next(t, ctx, got)
	if retryID == first || r2.req.EnvelopeID != retryID || r2.req.RetryAttempt != 1 || r2.req.RetryReason != "timeout" {
		t.Fatalf("retry envelope = %+v", r2.req)
	}
	id1 := r1.evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent).EventID
	id2 := r2.evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent).EventID
	if id1 != id2 || id1 == "" {
		t.Fatalf("event ids %q and %q should match", id1, id2)
	}

	if err := f.Redeliver(first); err != nil {
		t.Fatal(err)
	}
	r3 := next(t, ctx, got)
	if r3.req.EnvelopeID != first || r3.req.RetryAttempt != 0 {
		t.Fatalf("redelivered = %+v", r3.req)
	}
	if err := f.Redeliver("nope"); err == nil {
		t.Fatal("redelivering an unknown envelope should fail")
	}
}

func TestSocketModeReconnect(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	got := runSocketClient(t, f, nil)
	if err := f.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	first := f.SendEvent(EventCallbackJSON(EventCallback{Event: Event{Text: "one", Channel: "C1", TS: "1.1"}}))
	if _, err := f.WaitAck(ctx, first); err != nil {
		t.Fatal(err)
	}
	next(t, ctx, got)

	f.Disconnect()
	// Sent while the client is away: waits for the next connection.
	second := f.SendEvent(EventCallbackJSON(EventCallback{Event: Event{Text: "two", Channel: "C1", TS: "1.2"}}))
	if err := f.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	ack, err := f.WaitAck(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Conn != 2 {
		t.Errorf("ack came on connection %d, want 2", ack.Conn)
	}
	r := next(t, ctx, got)
	if msg := r.evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent); msg.Text != "two" {
		t.Fatalf("after reconnect got %q", msg.Text)
	}
	if n := len(f.Calls("apps.connections.open")); n != 2 {
		t.Errorf("apps.connections.open called %d times, want 2", n)
	}

	// Slack's own "disconnect" message makes the client reconnect too.
	f.RequestReconnect()
	if err := f.WaitConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}
	third := f.SendEvent(EventCallbackJSON(EventCallback{Event: Event{Text: "three", Channel: "C1", TS: "1.3"}}))
	if _, err := f.WaitAck(ctx, third); err != nil {
		t.Fatal(err)
	}
}

func TestSocketModeOpenFaults(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	// slack-go backs off for Retry-After on a rate-limited open; keep it 0.
	f.FailNext("apps.connections.open", RateLimited(0), ServerError())
	runSocketClient(t, f, nil)
	if err := f.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Calls("apps.connections.open")); n != 3 {
		t.Fatalf("apps.connections.open called %d times, want 3", n)
	}
}

// A raw websocket client, because slack-go refuses to send oversized acks.
func TestOversizedAckIsDropped(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	_, wsURL, err := f.Client().StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var hello map[string]any
	if err := conn.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("hello = %v, %v", hello, err)
	}
	// A ticket is good for one connection.
	if _, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil); err == nil {
		t.Fatal("second dial with the same ticket succeeded")
	}

	id := f.SendSlashCommand(SlashCommandForm(slack.SlashCommand{Command: "/claim"}))
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if err := conn.ReadJSON(&env); err != nil || env.EnvelopeID != id || env.Type != "slash_commands" {
		t.Fatalf("envelope = %+v, %v", env, err)
	}
	big, _ := json.Marshal(map[string]any{
		"envelope_id": id,
		"payload":     map[string]string{"text": strings.Repeat("x", MaxAckBytes)},
	})
	if err := conn.WriteMessage(websocket.TextMessage, big); err != nil {
		t.Fatal(err)
	}
	small, _ := json.Marshal(map[string]any{"envelope_id": id})
	if err := conn.WriteMessage(websocket.TextMessage, small); err != nil {
		t.Fatal(err)
	}
	ack, err := f.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	acks := f.Acks()
	if len(acks) != 2 || !acks[0].Dropped || acks[0].Size < MaxAckBytes || ack.Dropped || ack.Size != len(small) {
		t.Fatalf("acks = %+v", acks)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	other := f.SendEvent(EventCallbackJSON(EventCallback{Event: Event{Text: "x"}}))
	if _, err := f.WaitAck(short, other); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitAck of an unacked envelope: %v", err)
	}
}

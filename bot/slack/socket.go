package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/factdesk/factdesk/workflows"
)

// runSocket receives over Socket Mode until ctx ends. slack-go reconnects
// on its own; an envelope whose ack was lost in a disconnect comes again
// and the inbox makes the second delivery a no-op.
func (a *Adapter) runSocket(ctx context.Context) error {
	client := socketmode.New(a.api, socketmode.OptionLog(log.New(slogWriter{a}, "", 0)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer a.socketUp.Store(false)
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			// slack-go retries everything else on its own; it gives up
			// only on an app token Slack will never take.
			return credentialError("slack.app_token", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

// socketEvent records a command or a message before it acknowledges the
// envelope, as HTTP mode does before it answers, so nothing Slack was told
// we have is lost (a crash leaves it for Router.Recover); it is handed to
// the adapter's pool, never waited for, so the events channel (50 deep,
// blocking the reader when full) keeps moving, and one the pool has no room
// for waits in the inbox until the pool works it off. An envelope that cannot be recorded
// is not acknowledged: Slack sends it again. A click is acknowledged as soon
// as the pool takes it, since it may have to open a modal within Slack's
// three seconds; it is recorded as it is handled. A modal submission is
// recorded before its ack, like a command; a block_suggestion's ack
// carries its options.
func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack rejected the app token")
		return
	case socketmode.EventTypeConnected:
		a.socketUp.Store(true)
		return
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError, socketmode.EventTypeDisconnect:
		a.socketUp.Store(false)
		return
	default:
		return
	}
	if evt.Request == nil {
		return
	}
	req := *evt.Request
	raw := []byte(req.Payload)
	var ev workflows.Inbound
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		var cb callback
		ok := json.Unmarshal(raw, &cb) == nil
		if ok {
			ev, ok = a.eventInbound(ctx, cb)
		}
		if !ok { // not for the desk: nothing to keep
			a.ack(ctx, client, req)
			return
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		var err error
		if ok {
			ev, err = a.commandInbound(cmd, raw)
		}
		if errors.Is(err, errForeignTeam) {
			// An ack's payload is the command's answer, shown to its author.
			if err := client.AckCtx(ctx, req.EnvelopeID, map[string]string{"text": foreignAnswer}); err != nil {
				a.log.Warn("acknowledging an envelope", "err", err)
			}
			return
		}
		if !ok || err != nil {
			a.ack(ctx, client, req)
			return
		}
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if ok && ic.Type == slack.InteractionTypeBlockSuggestion {
			// An external select's options travel in the ack.
			if err := client.AckCtx(ctx, req.EnvelopeID, a.suggest(ctx, ic)); err != nil {
				a.log.Warn("acknowledging an envelope", "err", err)
			}
			return
		}
		var recordable bool
		if ok {
			ev, recordable = a.recordable(ic, raw)
		}
		if recordable {
			break // recorded, then acknowledged, below
		}
		if ok && !a.handle(ic.User.ID, func(ctx context.Context) { a.interaction(ctx, ic, raw) }) {
			// Not acknowledged: Slack shows the clicker that it failed.
			a.log.Warn("event queue full; a click is not acknowledged", "user", ic.User.ID)
			return
		}
		a.ack(ctx, client, req)
		return
	}
	fresh, err := a.router.Record(ctx, &ev)
	if err != nil {
		a.log.Error("recording a slack event; not acknowledged, so Slack sends it again", "event_id", ev.EventID, "err", err)
		return
	}
	// Counted in flight before the ack goes out, so whoever has seen the
	// ack and waits for the adapter (a shutdown, a test) waits for this
	// event's handling too, not only for what the pool had taken already.
	a.inflight.Add(1)
	defer a.inflight.Done()
	a.ack(ctx, client, req)
	if fresh {
		a.handleRecorded(ev)
	}
}

// ack acknowledges an envelope. If the ack is lost Slack sends the envelope
// again, and the inbox makes the second delivery a no-op.
func (a *Adapter) ack(ctx context.Context, client *socketmode.Client, req socketmode.Request) {
	if err := client.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		a.log.Warn("acknowledging an envelope", "err", err)
	}
}

// slogWriter sends slack-go's own log lines to the desk's logger at debug.
type slogWriter struct{ a *Adapter }

func (w slogWriter) Write(p []byte) (int, error) {
	w.a.log.Debug(strings.TrimSpace(string(p)))
	return len(p), nil
}

package slack

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocket receives over Socket Mode until ctx ends. slack-go reconnects
// on its own; an envelope whose ack was lost in a disconnect comes again
// and the inbox makes the second delivery a no-op.
func (a *Adapter) runSocket(ctx context.Context) error {
	client := socketmode.New(a.api, socketmode.OptionLog(log.New(slogWriter{a}, "", 0)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
			return err
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

// socketEvent acknowledges an envelope first and hands it to a handler, so
// the events channel (50 deep, blocking the reader when full) keeps moving.
func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("slack rejected the app token")
		return
	default:
		return
	}
	if evt.Request == nil {
		return
	}
	req := *evt.Request
	j := a.begin()
	if err := client.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		// Slack will deliver it again; handling it now is still right,
		// because the inbox makes the second delivery a no-op.
		a.log.Warn("acknowledging an envelope", "err", err)
	}
	raw := []byte(req.Payload)
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		var cb callback
		if err := json.Unmarshal(raw, &cb); err != nil {
			j.skip()
			return
		}
		j.run(func(ctx context.Context) {
			if ev, ok := a.eventInbound(ctx, cb); ok {
				a.receive(ctx, ev)
			}
		})
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			j.skip()
			return
		}
		ev, err := a.commandInbound(cmd, raw)
		if err != nil {
			j.skip()
			return
		}
		j.run(func(ctx context.Context) { a.receive(ctx, ev) })
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			j.skip()
			return
		}
		j.run(func(ctx context.Context) { a.interaction(ctx, ic, raw) })
	}
}

// slogWriter sends slack-go's own log lines to the desk's logger at debug.
type slogWriter struct{ a *Adapter }

func (w slogWriter) Write(p []byte) (int, error) {
	w.a.log.Debug(strings.TrimSpace(string(p)))
	return len(p), nil
}

package main

import (
	"context"
	"time"
)

// sweepInbox answers, every interval, inbound events that were recorded
// but never handled: those of a replica that died between acknowledging an
// event and handling it. Router.Recover only takes events older than a
// minute, so a live replica's own work is left to it; two replicas sweeping
// at once are safe, since handling an event marks it handled in the same
// transaction and the second attempt rolls back.
//
// The first sweep runs at once, for what a crashed process left: `run`
// starts it beside the HTTP server, which answers /healthz meanwhile.
func sweepInbox(ctx context.Context, d *Desk, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := d.Router.Recover(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Warn("answering events left unhandled", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

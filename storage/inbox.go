package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

const (
	// handled_ms is set when an event is recorded by the change that
	// handles it, NULL when it is recorded to be handled next.
	insertInbox = `INSERT INTO inbox (platform, event_id, actor, actor_name, conv, body, received_ms, handled_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, event_id) DO NOTHING RETURNING id`

	selectInboxID = `SELECT id FROM inbox WHERE platform = ? AND event_id = ?`

	markInboxHandled = `UPDATE inbox SET handled_ms = ? WHERE id = ? AND handled_ms IS NULL`

	selectUnhandled = `SELECT id, platform, event_id, actor, actor_name, conv, body, received_ms FROM inbox
		WHERE handled_ms IS NULL AND received_ms < ? ORDER BY id LIMIT ?`

	selectUnhandledOn = `SELECT id, platform, event_id, actor, actor_name, conv, body, received_ms FROM inbox
		WHERE handled_ms IS NULL AND id > ? AND platform = ? ORDER BY id LIMIT ?`
)

type inboxRow struct {
	ID         int64  `db:"id"`
	Platform   string `db:"platform"`
	EventID    string `db:"event_id"`
	Actor      string `db:"actor"`
	ActorName  string `db:"actor_name"`
	Conv       string `db:"conv"`
	Body       string `db:"body"`
	ReceivedMS int64  `db:"received_ms"`
}

// Record stores an inbound event unless its (platform, event id) is already
// there. See workflows.Inbox.
func (s *DB) Record(ctx context.Context, ev *workflows.Inbound) (bool, error) {
	var fresh bool
	err := s.write(ctx, func(t *Tx) error {
		var err error
		if fresh, err = t.record(ctx, ev, time.Time{}); err != nil || fresh {
			return err
		}
		// Already recorded: report the first recording's id.
		return t.get(ctx, &ev.ID, selectInboxID, ev.Platform, ev.EventID)
	})
	return fresh, err
}

// record stores an inbound event inside the transaction (handled at
// handled, unless that is zero), sets its id and reports whether this call
// stored it.
func (t *Tx) record(ctx context.Context, ev *workflows.Inbound, handled time.Time) (bool, error) {
	conv, err := json.Marshal(ev.Conv)
	if err != nil {
		return false, err
	}
	var handledMS any // NULL: not handled yet
	if !handled.IsZero() {
		handledMS = ms(handled)
	}
	return t.insert(ctx, &ev.ID, insertInbox, ev.Platform, ev.EventID, ev.Actor.Key(), ev.Actor.Name, string(conv), ev.Text,
		ms(ev.ReceivedAt), handledMS)
}

// Unhandled returns events recorded but not handled. See workflows.Inbox.
func (s *DB) Unhandled(ctx context.Context, before time.Time, limit int) ([]workflows.Inbound, error) {
	var rows []inboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(selectUnhandled), ms(before), limit); err != nil {
		return nil, err
	}
	return inbound(rows)
}

// UnhandledOn returns one platform's events recorded but not handled,
// however recent. See workflows.Inbox.
func (s *DB) UnhandledOn(ctx context.Context, platform string, after int64, limit int) ([]workflows.Inbound, error) {
	var rows []inboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(selectUnhandledOn), after, platform, limit); err != nil {
		return nil, err
	}
	return inbound(rows)
}

func inbound(rows []inboxRow) ([]workflows.Inbound, error) {
	out := make([]workflows.Inbound, 0, len(rows))
	for _, r := range rows {
		ev := workflows.Inbound{ID: r.ID, Platform: r.Platform, EventID: r.EventID, Text: r.Body, ReceivedAt: fromMS(r.ReceivedMS)}
		ev.Actor = workflows.ActorFromKey(r.Actor)
		ev.Actor.Name = r.ActorName
		if err := json.Unmarshal([]byte(r.Conv), &ev.Conv); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// MarkHandled marks an inbound event handled, recording it first when it
// has no inbox id. See workflows.Tx.
func (t *Tx) MarkHandled(ctx context.Context, ev workflows.Inbound, at time.Time) (int64, error) {
	if ev.ID == 0 {
		if ev.ReceivedAt.IsZero() {
			ev.ReceivedAt = at
		}
		fresh, err := t.record(ctx, &ev, at)
		if err != nil {
			return 0, err
		}
		if !fresh {
			return 0, workflows.ErrHandled
		}
		return ev.ID, nil
	}
	res, err := t.exec(ctx, markInboxHandled, ms(at), ev.ID)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, workflows.ErrHandled
	}
	return ev.ID, nil
}

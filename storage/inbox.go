package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

const (
	insertInbox = `INSERT INTO inbox (platform, event_id, actor, actor_name, conv, body, received_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, event_id) DO NOTHING RETURNING id`

	selectInboxID = `SELECT id FROM inbox WHERE platform = ? AND event_id = ?`

	markInboxHandled = `UPDATE inbox SET handled_ms = ? WHERE id = ? AND handled_ms IS NULL`

	selectUnhandled = `SELECT id, platform, event_id, actor, actor_name, conv, body, received_ms FROM inbox
		WHERE handled_ms IS NULL AND received_ms < ? ORDER BY id LIMIT ?`
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
	args, err := inboundArgs(ev)
	if err != nil {
		return false, err
	}
	if st := s.prepared(insertInbox); st != nil {
		err = st.GetContext(ctx, &ev.ID, args...)
	} else {
		err = s.db.GetContext(ctx, &ev.ID, s.db.Rebind(insertInbox), args...)
	}
	if errors.Is(err, sql.ErrNoRows) {
		// Already recorded: report the first recording's id.
		return false, s.db.GetContext(ctx, &ev.ID, s.db.Rebind(selectInboxID), ev.Platform, ev.EventID)
	}
	return err == nil, err
}

// inboundArgs are the values insertInbox takes for ev.
func inboundArgs(ev *workflows.Inbound) ([]any, error) {
	conv, err := json.Marshal(ev.Conv)
	if err != nil {
		return nil, err
	}
	return []any{ev.Platform, ev.EventID, ev.Actor.Key(), ev.Actor.Name, string(conv), ev.Text, ms(ev.ReceivedAt)}, nil
}

// record stores an inbound event inside the transaction, as DB.Record does
// on its own, and reports whether this call stored it.
func (t *Tx) record(ctx context.Context, ev *workflows.Inbound) (bool, error) {
	args, err := inboundArgs(ev)
	if err != nil {
		return false, err
	}
	err = t.get(ctx, &ev.ID, insertInbox, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Unhandled returns events recorded but not handled. See workflows.Inbox.
func (s *DB) Unhandled(ctx context.Context, before time.Time, limit int) ([]workflows.Inbound, error) {
	var rows []inboxRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(selectUnhandled), ms(before), limit); err != nil {
		return nil, err
	}
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

// MarkHandled marks an inbox event handled. See workflows.Tx.
func (t *Tx) MarkHandled(ctx context.Context, inboxID int64, at time.Time) error {
	res, err := t.exec(ctx, markInboxHandled, ms(at), inboxID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return workflows.ErrHandled
	}
	return nil
}

package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

const (
	selectNotifyOff = `SELECT off FROM notify_prefs WHERE actor = ?`

	upsertNotify = `INSERT INTO notify_prefs (actor, off, updated_ms) VALUES (?, ?, ?)
		ON CONFLICT (actor) DO UPDATE SET off = excluded.off, updated_ms = excluded.updated_ms`
)

// NotifyOff reports whether a person said "notify off". See workflows.Store.
func (s *DB) NotifyOff(ctx context.Context, actor string) (bool, error) {
	var off int
	err := s.db.GetContext(ctx, &off, s.db.Rebind(selectNotifyOff), actor)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return off != 0, err
}

// SetNotify records a person's choice of direct notices. See workflows.Tx.
func (t *Tx) SetNotify(ctx context.Context, actor string, on bool, at time.Time) error {
	off := 1
	if on {
		off = 0
	}
	_, err := t.exec(ctx, upsertNotify, actor, off, ms(at))
	return err
}

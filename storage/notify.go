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
	_, err := t.exec(ctx, upsertNotify, actor, flag(!on), ms(at))
	return err
}

const (
	upsertHomeViewer = `INSERT INTO home_viewers (actor, editor, opened_ms) VALUES (?, ?, ?)
		ON CONFLICT (actor) DO UPDATE SET editor = excluded.editor, opened_ms = excluded.opened_ms`

	selectHomeEditors = `SELECT actor FROM home_viewers WHERE editor = 1 AND opened_ms >= ? ORDER BY actor`
)

// SawHome records that a person opened their home view. See workflows.Tx.
func (t *Tx) SawHome(ctx context.Context, actor string, editor bool, at time.Time) error {
	_, err := t.exec(ctx, upsertHomeViewer, actor, flag(editor), ms(at))
	return err
}

// HomeEditors lists the editors who opened their home view since a time.
// See workflows.Tx.
func (t *Tx) HomeEditors(ctx context.Context, since time.Time) ([]string, error) {
	var actors []string
	err := t.selectRows(ctx, &actors, selectHomeEditors, ms(since))
	return actors, err
}

// flag is a boolean as the INTEGER 0 or 1 columns keep it.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

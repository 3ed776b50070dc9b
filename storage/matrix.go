package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Matrix tables: the sync position committed with the inbox rows of its
// batch, the session a password login produced, one-time notices, the
// lease that keeps the sync to one replica, and encrypted events held until
// their keys arrive. The methods implement
// bot/matrix's Store.

const (
	selectMatrixSync = `SELECT next_batch FROM matrix_sync WHERE account = ?`

	upsertMatrixSync = `INSERT INTO matrix_sync (account, next_batch, updated_ms) VALUES (?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET next_batch = excluded.next_batch, updated_ms = excluded.updated_ms`

	insertMatrixOnce = `INSERT INTO matrix_once (once_key, done_ms) VALUES (?, ?) ON CONFLICT (once_key) DO NOTHING`

	selectMatrixSession = `SELECT access_token, device_id FROM matrix_session WHERE account = ?`

	upsertMatrixSession = `INSERT INTO matrix_session (account, access_token, device_id, created_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET access_token = excluded.access_token, device_id = excluded.device_id,
		created_ms = excluded.created_ms`

	// takeMatrixLease takes the lease when it is free, expired, or already
	// ours; otherwise it changes nothing.
	takeMatrixLease = `INSERT INTO matrix_lease (account, owner, until_ms) VALUES (?, ?, ?)
		ON CONFLICT (account) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms
		WHERE matrix_lease.owner = excluded.owner OR matrix_lease.until_ms < ?`

	selectMatrixLeaseOwner = `SELECT owner FROM matrix_lease WHERE account = ?`

	// holdMatrixLease checks, inside a batch's transaction, that the lease
	// is still ours, so a replica that lost it cannot move the token back.
	holdMatrixLease = `UPDATE matrix_lease SET until_ms = until_ms WHERE account = ? AND owner = ? AND until_ms >= ?`

	releaseMatrixLease = `UPDATE matrix_lease SET until_ms = 0 WHERE account = ? AND owner = ?`

	selectMatrixConv = `SELECT conv FROM inbox WHERE id = ? AND platform = 'matrix'`

	insertMatrixHeld = `INSERT INTO matrix_held (account, event_id, event, held_ms) VALUES (?, ?, ?, ?)
		ON CONFLICT (account, event_id) DO NOTHING`

	selectMatrixHeld = `SELECT event FROM matrix_held WHERE account = ? ORDER BY held_ms, event_id`

	deleteMatrixHeld = `DELETE FROM matrix_held WHERE account = ? AND event_id = ?`
)

// ErrMatrixLeaseLost is returned by MatrixCommitBatch when another replica
// holds the sync lease now.
var ErrMatrixLeaseLost = errors.New("the matrix sync lease is held by another replica")

// MatrixSyncToken returns the saved next_batch of account, "" when none.
func (s *DB) MatrixSyncToken(ctx context.Context, account string) (string, error) {
	var tok string
	err := s.db.GetContext(ctx, &tok, s.db.Rebind(selectMatrixSync), account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return tok, err
}

// MatrixCommitBatch records one /sync response in one transaction: each
// event in the inbox (those already there are skipped), each once row
// whose key was never committed before, and next_batch. With owner set it
// fails with ErrMatrixLeaseLost unless owner still holds the lease. It
// returns the events it stored, with their ids, in the order given.
func (s *DB) MatrixCommitBatch(ctx context.Context, account, owner, nextBatch string, events []workflows.Inbound,
	once map[string]workflows.Outgoing, now time.Time) ([]workflows.Inbound, error) {
	return s.matrixCommit(ctx, account, owner, &nextBatch, nil, events, once, now)
}

// MatrixCommitHeld is MatrixCommitBatch for events that were held
// undecryptable: it records events and once rows like a batch, deletes the
// held rows named in release, and leaves the sync token alone.
func (s *DB) MatrixCommitHeld(ctx context.Context, account, owner string, release []string, events []workflows.Inbound,
	once map[string]workflows.Outgoing, now time.Time) ([]workflows.Inbound, error) {
	return s.matrixCommit(ctx, account, owner, nil, release, events, once, now)
}

// MatrixHold keeps encrypted events that could not be decrypted yet
// (event id to the adapter's JSON); an event already held keeps its first
// time.
func (s *DB) MatrixHold(ctx context.Context, account string, held map[string]string, now time.Time) error {
	if len(held) == 0 {
		return nil
	}
	return s.write(ctx, func(t *Tx) error {
		for _, id := range slices.Sorted(maps.Keys(held)) {
			if _, err := t.exec(ctx, insertMatrixHeld, account, id, held[id], ms(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MatrixHeld returns the held events of account as stored, oldest first.
func (s *DB) MatrixHeld(ctx context.Context, account string) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(selectMatrixHeld), account)
	return out, err
}

func (s *DB) matrixCommit(ctx context.Context, account, owner string, nextBatch *string, release []string,
	events []workflows.Inbound, once map[string]workflows.Outgoing, now time.Time) ([]workflows.Inbound, error) {
	var fresh []workflows.Inbound
	err := s.Within(ctx, func(wtx workflows.Tx) error {
		t := wtx.(*Tx)
		fresh = fresh[:0] // this may run more than once; see workflows.Store.Within
		if owner != "" {
			res, err := t.exec(ctx, holdMatrixLease, account, owner, ms(now))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return ErrMatrixLeaseLost
			}
		}
		for _, ev := range events {
			if ev.ReceivedAt.IsZero() {
				ev.ReceivedAt = now
			}
			stored, err := t.record(ctx, &ev, time.Time{})
			if err != nil {
				return fmt.Errorf("recording %s: %w", ev.EventID, err)
			}
			if stored { // else recorded by an earlier batch
				fresh = append(fresh, ev)
			}
		}
		// In key order, so that notices to one room are queued the same way
		// every time.
		for _, key := range slices.Sorted(maps.Keys(once)) {
			out := once[key]
			res, err := t.exec(ctx, insertMatrixOnce, key, ms(now))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			out.CreatedAt = now
			if err := t.Enqueue(ctx, out); err != nil {
				return err
			}
		}
		for _, id := range release {
			if _, err := t.exec(ctx, deleteMatrixHeld, account, id); err != nil {
				return err
			}
		}
		if nextBatch == nil {
			return nil
		}
		_, err := t.exec(ctx, upsertMatrixSync, account, *nextBatch, ms(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

// MatrixSession returns the access token and device a password login
// saved for account, or "" and "" when there is none.
func (s *DB) MatrixSession(ctx context.Context, account string) (token, device string, err error) {
	var row struct {
		Token  string `db:"access_token"`
		Device string `db:"device_id"`
	}
	err = s.db.GetContext(ctx, &row, s.db.Rebind(selectMatrixSession), account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return row.Token, row.Device, err
}

// MatrixSaveSession stores the access token and device of account.
func (s *DB) MatrixSaveSession(ctx context.Context, account, token, device string, now time.Time) error {
	_, err := s.execWrite(ctx, upsertMatrixSession, account, token, device, ms(now))
	return err
}

// MatrixLease takes or renews the sync lease of account for owner until
// now+ttl, and reports whether owner holds it.
func (s *DB) MatrixLease(ctx context.Context, account, owner string, now time.Time, ttl time.Duration) (bool, error) {
	if _, err := s.execWrite(ctx, takeMatrixLease, account, owner, ms(now.Add(ttl)), ms(now)); err != nil {
		return false, err
	}
	var holder string
	if err := s.db.GetContext(ctx, &holder, s.db.Rebind(selectMatrixLeaseOwner), account); err != nil {
		return false, err
	}
	return holder == owner, nil
}

// MatrixLeaseOwner returns who holds, or last held, account's sync lease
// ("" when nobody ever did).
func (s *DB) MatrixLeaseOwner(ctx context.Context, account string) (string, error) {
	var holder string
	err := s.db.GetContext(ctx, &holder, s.db.Rebind(selectMatrixLeaseOwner), account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return holder, err
}

// MatrixReleaseLease ends owner's lease now, so another replica can take
// over without waiting for it to expire.
func (s *DB) MatrixReleaseLease(ctx context.Context, account, owner string) error {
	_, err := s.execWrite(ctx, releaseMatrixLease, account, owner)
	return err
}

// MatrixInboundMessage returns the message id an inbox row was said in,
// "" when the row is not a Matrix one.
func (s *DB) MatrixInboundMessage(ctx context.Context, inboxID int64) (string, error) {
	var raw string
	err := s.db.GetContext(ctx, &raw, s.db.Rebind(selectMatrixConv), inboxID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var conv workflows.Conversation
	if err := json.Unmarshal([]byte(raw), &conv); err != nil {
		return "", err
	}
	return conv.MessageID, nil
}

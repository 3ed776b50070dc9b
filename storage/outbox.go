package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// outboxColumns is how many values insertOutbox takes per row.
const outboxColumns = 12

// insertOutbox[n] inserts n outbox rows in one statement: a change
// usually causes two or three messages (an answer, a card, a notice).
var insertOutbox = func() (qs [4]string) {
	for n := 1; n < len(qs); n++ {
		qs[n] = `INSERT INTO outbox (platform, channel, kind, thread, claim_id, in_claim_thread, target_user, body,
		inbox_id, created_ms, requester, turn) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
	}
	return qs
}()

const (
	// selectDue finds the head of each channel's queue: its pending row
	// first in (turn, id) order, if it is due and not leased. A row behind
	// an undelivered one waits, so the order holds even across retries and
	// replicas.
	selectDue = `SELECT id, platform, channel, kind, thread, claim_id, in_claim_thread, target_user, body, inbox_id,
		attempts, maybe_sent, created_ms FROM outbox o
		WHERE o.state = 'pending' AND o.platform IN (%s) AND o.next_attempt_ms <= ? AND o.lease_until_ms <= ?
		AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.platform = o.platform
			AND p.channel = o.channel AND (p.turn < o.turn OR p.turn = o.turn AND p.id < o.id))
		ORDER BY o.id LIMIT ?`

	// selectTurns reads, for a row about to be written to a channel, what
	// its turn must not come before: the channel's head turn, the
	// requester's last pending turn + 1, and the last pending turn of the
	// same claim (its card, its thread's messages, its card's updates).
	// Each is one seek in a partial index of pending rows (0013).
	selectTurns = `SELECT
		COALESCE((SELECT MIN(turn) FROM outbox WHERE state = 'pending' AND platform = ? AND channel = ?), 0) AS head,
		COALESCE((SELECT MAX(turn) FROM outbox WHERE state = 'pending' AND platform = ? AND channel = ?
			AND requester = ?) + 1, 0) AS after_requester,
		COALESCE((SELECT MAX(turn) FROM outbox WHERE state = 'pending' AND platform = ? AND channel = ?
			AND claim_id = ? AND claim_id <> 0), 0) AS after_claim`

	leaseRow = `UPDATE outbox SET lease_owner = ?, lease_until_ms = ?, maybe_sent = 1 WHERE id = ? AND state = 'pending'`

	markDelivered = `UPDATE outbox SET state = 'delivered', remote_id = ?, delivered_ms = ?, lease_owner = '', lease_until_ms = 0,
		attempts = attempts + 1 WHERE id = ? AND lease_owner = ? AND state = 'pending'`

	setThreadRoot = `UPDATE claim_threads SET root_id = ? WHERE claim_id = ? AND platform = ? AND channel = ?`

	retryRow = `UPDATE outbox SET next_attempt_ms = ?, attempts = attempts + ?, maybe_sent = ?, last_error = ?,
		lease_owner = '', lease_until_ms = 0 WHERE id = ? AND lease_owner = ? AND state = 'pending'`

	failRow = `UPDATE outbox SET state = 'failed', last_error = ?, delivered_ms = ?, attempts = attempts + 1,
		lease_owner = '', lease_until_ms = 0 WHERE id = ? AND lease_owner = ? AND state = 'pending'`

	selectThreadRoot = `SELECT root_id FROM claim_threads WHERE claim_id = ? AND platform = ? AND channel = ?`

	countPending = `SELECT COUNT(*) FROM outbox WHERE state = 'pending'`
)

type outboxRow struct {
	ID            int64  `db:"id"`
	Platform      string `db:"platform"`
	Channel       string `db:"channel"`
	Kind          string `db:"kind"`
	Thread        string `db:"thread"`
	ClaimID       int64  `db:"claim_id"`
	InClaimThread int    `db:"in_claim_thread"`
	TargetUser    string `db:"target_user"`
	Body          string `db:"body"`
	InboxID       int64  `db:"inbox_id"`
	Attempts      int    `db:"attempts"`
	MaybeSent     int    `db:"maybe_sent"`
	CreatedMS     int64  `db:"created_ms"`
}

// Enqueue writes outbox rows, in order. See workflows.Tx.
//
// Each row gets a turn in its channel's queue, which the dispatcher sends in
// (turn, id) order: the earliest turn that is not before the channel's head,
// not before the requester's own earlier rows, and not before earlier rows
// about the same claim (so a card goes before the replies in its thread and
// its updates). A person who asks while another's burst of a hundred
// messages is going out is therefore next but one, not a hundred and first,
// while each person's messages, and each claim's, keep their order.
func (t *Tx) Enqueue(ctx context.Context, msgs ...workflows.Outgoing) error {
	turns, err := t.turns(ctx, msgs)
	if err != nil {
		return err
	}
	for len(msgs) > 0 {
		n := min(len(msgs), len(insertOutbox)-1)
		args := make([]any, 0, outboxColumns*n)
		for i, m := range msgs[:n] {
			body, err := json.Marshal(m.Message)
			if err != nil {
				return err
			}
			inThread := 0
			if m.InClaimThread {
				inThread = 1
			}
			args = append(args, m.Platform, m.Channel, string(m.Kind), m.Thread, m.ClaimID, inThread,
				m.User, string(body), m.InboxID, ms(m.CreatedAt), m.Requester, turns[i])
		}
		if _, err := t.exec(ctx, insertOutbox[n], args...); err != nil {
			return err
		}
		msgs, turns = msgs[n:], turns[n:]
	}
	return nil
}

// turns gives each of msgs its turn (see Enqueue). One call's rows are one
// change's, of one requester, so they follow each other in their channel;
// the database is asked once per channel, and again for a row about a claim
// this call has not seen yet in that channel.
func (t *Tx) turns(ctx context.Context, msgs []workflows.Outgoing) ([]int64, error) {
	type lane struct{ platform, channel string }
	type about struct {
		lane
		claim int64
	}
	last := map[lane]int64{} // the turn given to this call's previous row in the lane
	seen := map[about]bool{}
	out := make([]int64, len(msgs))
	for i, m := range msgs {
		l := lane{m.Platform, m.Channel}
		a := about{l, m.ClaimID}
		prev, laneSeen := last[l]
		if laneSeen && (a.claim == 0 || seen[a]) {
			out[i] = prev + 1
		} else {
			var r struct {
				Head           int64 `db:"head"`
				AfterRequester int64 `db:"after_requester"`
				AfterClaim     int64 `db:"after_claim"`
			}
			if err := t.get(ctx, &r, selectTurns, m.Platform, m.Channel, m.Platform, m.Channel, m.Requester,
				m.Platform, m.Channel, m.ClaimID); err != nil {
				return nil, err
			}
			out[i] = max(r.Head, r.AfterRequester, r.AfterClaim)
			if laneSeen {
				out[i] = max(out[i], prev+1)
			}
		}
		last[l] = out[i]
		seen[a] = true
	}
	return out, nil
}

// Lease reserves due rows for owner. See workflows.Outbox.
func (s *DB) Lease(ctx context.Context, owner string, platforms []string, now time.Time, lease time.Duration, limit int) ([]workflows.Outgoing, error) {
	if len(platforms) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(platforms)+3)
	for _, p := range platforms {
		args = append(args, p)
	}
	args = append(args, ms(now), ms(now), limit)
	q := strings.Replace(selectDue, "%s", strings.TrimSuffix(strings.Repeat("?, ", len(platforms)), ", "), 1) + s.dialect.skipLocked
	var rows []outboxRow
	err := s.write(ctx, func(t *Tx) error {
		rows = rows[:0] // this may run more than once; see workflows.Store.Within
		if err := t.selectRows(ctx, &rows, q, args...); err != nil {
			return err
		}
		until := ms(now.Add(lease))
		for _, r := range rows {
			if _, err := t.exec(ctx, leaseRow, owner, until, r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]workflows.Outgoing, 0, len(rows))
	for _, r := range rows {
		m := workflows.Outgoing{ID: r.ID, Platform: r.Platform, Channel: r.Channel, Kind: workflows.OutboxKind(r.Kind),
			Thread: r.Thread, ClaimID: r.ClaimID, InClaimThread: r.InClaimThread == 1, User: r.TargetUser,
			InboxID: r.InboxID, Attempts: r.Attempts, MaybeSent: r.MaybeSent == 1, CreatedAt: fromMS(r.CreatedMS)}
		if err := json.Unmarshal([]byte(r.Body), &m.Message); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// Delivered marks a row delivered. See workflows.Outbox.
func (s *DB) Delivered(ctx context.Context, id int64, owner, remoteID string, at time.Time) error {
	return s.write(ctx, func(t *Tx) error {
		var row struct {
			Kind     string `db:"kind"`
			ClaimID  int64  `db:"claim_id"`
			Platform string `db:"platform"`
			Channel  string `db:"channel"`
		}
		if err := t.get(ctx, &row, `SELECT kind, claim_id, platform, channel FROM outbox WHERE id = ?`, id); err != nil {
			return err
		}
		res, err := t.exec(ctx, markDelivered, remoteID, ms(at), id, owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return workflows.Errorf(workflows.ECONFLICT, "outbox row %d is no longer leased by %s", id, owner)
		}
		if row.Kind == string(workflows.KindCard) && row.ClaimID != 0 && remoteID != "" {
			_, err = t.exec(ctx, setThreadRoot, remoteID, row.ClaimID, row.Platform, row.Channel)
		}
		return err
	})
}

// Retry releases a row for a later attempt. See workflows.Outbox.
func (s *DB) Retry(ctx context.Context, id int64, owner string, next time.Time, countAttempt bool, reason string) error {
	// A counted attempt failed in a way that may have sent the message; an
	// uncounted one was refused before sending (pacing, rate limit).
	inc := 0
	if countAttempt {
		inc = 1
	}
	_, err := s.execWrite(ctx, retryRow, ms(next), inc, inc, workflows.Shorten(reason, 500), id, owner)
	return err
}

// Failed gives up on a row. See workflows.Outbox.
func (s *DB) Failed(ctx context.Context, id int64, owner, reason string, at time.Time) error {
	_, err := s.execWrite(ctx, failRow, workflows.Shorten(reason, 500), ms(at), id, owner)
	return err
}

// ThreadRoot returns a claim's card id in a channel. See workflows.Outbox.
func (s *DB) ThreadRoot(ctx context.Context, claimID int64, platform, channel string) (string, error) {
	var root string
	err := s.db.GetContext(ctx, &root, s.db.Rebind(selectThreadRoot), claimID, platform, channel)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // no card in that channel: the message goes to the channel itself
	}
	return root, err
}

// Depth counts undelivered rows. See workflows.Outbox.
func (s *DB) Depth(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, countPending)
	return n, err
}

// LeaseOwners lists the owners holding leases on undelivered rows.
func (s *DB) LeaseOwners(ctx context.Context) ([]string, error) {
	var owners []string
	err := s.db.SelectContext(ctx, &owners, `SELECT DISTINCT lease_owner FROM outbox WHERE state = 'pending' AND lease_owner <> ''`)
	return owners, err
}

// ReleaseLeases frees the rows an owner leased, for an owner known to be
// dead (a crashed process on this host), so they go out now rather than
// when the lease would have ended.
func (s *DB) ReleaseLeases(ctx context.Context, owner string) (int64, error) {
	res, err := s.execWrite(ctx, `UPDATE outbox SET lease_owner = '', lease_until_ms = 0
		WHERE state = 'pending' AND lease_owner = ?`, owner)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

const (
	insertDigestRun = `INSERT INTO digest_runs (schedule, manual, slot_ms, platform, channel, status, run_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule, manual, slot_ms) DO NOTHING RETURNING id`

	finishDigestRun = `UPDATE digest_runs SET status = ?, items = ?, messages = ? WHERE id = ?`

	selectLastDigestSlot = `SELECT COALESCE(MAX(slot_ms), 0) FROM digest_runs WHERE schedule = ? AND manual = 0`

	selectPreviousDigestRun = `SELECT id FROM digest_runs
		WHERE schedule = ? AND platform = ? AND channel = ? AND id < ? AND status IN ('posted', 'late', 'empty')
		ORDER BY id DESC LIMIT 1`

	selectDigestRunItems = `SELECT claim_id FROM digest_run_items WHERE run_id = ?`

	// Only the latest list of a (schedule, platform, channel) is ever read.
	pruneDigestRunItems = `DELETE FROM digest_run_items WHERE run_id IN (SELECT id FROM digest_runs
		WHERE schedule = ? AND platform = ? AND channel = ? AND id < ?)`

	// The digest's sections as predicates on claims c; each matches one of
	// the partial indexes of 0003_digests.sql.
	digestDisputed   = `c.decision = 'pending' AND c.state = 'disputed'`
	digestStale      = `c.decision = 'pending' AND c.state = 'unverified' AND c.state_since_ms < ?`
	digestUnassigned = `c.decision = 'pending' AND c.assignee = ''`

	digestClaimColumns = `c.id, c.statement, c.figure_value, c.figure_qualifier, c.figure_unit, c.assignee,
		c.state, c.decision, c.created_ms, c.state_since_ms, c.version`

	digestEvidenceColumns = `e.claim_id, e.source, e.stance, e.figure_value, e.figure_qualifier, e.figure_unit`
)

// digestItemsBatch rows per INSERT keeps under every driver's parameter limit.
const digestItemsBatch = 400

// WithinDigest runs fn in one write transaction. See digest.Store.
func (s *DB) WithinDigest(ctx context.Context, fn func(digest.Tx) error) error {
	return s.Within(ctx, func(tx workflows.Tx) error { return fn(tx.(*Tx)) })
}

// LastDigestSlot returns a schedule's latest recorded slot. See digest.Store.
func (s *DB) LastDigestSlot(ctx context.Context, schedule string) (time.Time, error) {
	var v int64
	err := s.db.GetContext(ctx, &v, s.db.Rebind(selectLastDigestSlot), schedule)
	return fromMS(v), err
}

// DigestClaims returns the claims a digest lists. See digest.Reader.
func (s *DB) DigestClaims(ctx context.Context, q digest.Query) ([]workflows.Claim, error) {
	return digestClaims(ctx, s.db, q)
}

// PreviousDigestItems returns what the previous digest listed. See digest.Reader.
func (s *DB) PreviousDigestItems(ctx context.Context, schedule, platform, channel string, beforeID int64) ([]int64, bool, error) {
	return previousDigestItems(ctx, s.db, schedule, platform, channel, beforeID)
}

// DigestClaims reads inside the transaction. See digest.Reader.
func (t *Tx) DigestClaims(ctx context.Context, q digest.Query) ([]workflows.Claim, error) {
	return digestClaims(ctx, t.tx, q)
}

// PreviousDigestItems reads inside the transaction. See digest.Reader.
func (t *Tx) PreviousDigestItems(ctx context.Context, schedule, platform, channel string, beforeID int64) ([]int64, bool, error) {
	return previousDigestItems(ctx, t.tx, schedule, platform, channel, beforeID)
}

// StartDigestRun inserts a run unless its slot is taken. See digest.Tx.
func (t *Tx) StartDigestRun(ctx context.Context, r *digest.Run) (bool, error) {
	manual := 0
	if r.Manual {
		manual = 1
	}
	err := t.tx.GetContext(ctx, &r.ID, t.tx.Rebind(insertDigestRun),
		r.Schedule, manual, r.Slot.UnixMilli(), r.Platform, r.Channel, string(r.Status), ms(r.At))
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// FinishDigestRun records a run's outcome and its claims. See digest.Tx.
func (t *Tx) FinishDigestRun(ctx context.Context, r *digest.Run, claimIDs []int64) error {
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(finishDigestRun), string(r.Status), r.Items, r.Messages, r.ID); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(pruneDigestRunItems), r.Schedule, r.Platform, r.Channel, r.ID); err != nil {
		return err
	}
	for len(claimIDs) > 0 {
		n := min(len(claimIDs), digestItemsBatch)
		q := `INSERT INTO digest_run_items (run_id, claim_id) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ") + ` ON CONFLICT DO NOTHING`
		args := make([]any, 0, 2*n)
		for _, id := range claimIDs[:n] {
			args = append(args, r.ID, id)
		}
		if _, err := t.tx.ExecContext(ctx, t.tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("recording digest items: %w", err)
		}
		claimIDs = claimIDs[n:]
	}
	return nil
}

func previousDigestItems(ctx context.Context, q queryer, schedule, platform, channel string, beforeID int64) ([]int64, bool, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	var runID int64
	err := sqlxGet(ctx, q, &runID, selectPreviousDigestRun, schedule, platform, channel, beforeID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rows, err := q.QueryContext(ctx, q.Rebind(selectDigestRunItems), runID)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		ids = append(ids, id)
	}
	return ids, true, rows.Err()
}

func sqlxGet(ctx context.Context, q queryer, dest any, query string, args ...any) error {
	row := q.QueryRowxContext(ctx, q.Rebind(query), args...)
	return row.Scan(dest)
}

// digestClaims runs one query per section for the claims and, for the
// threads and the disputed claims' evidence, one join each on the same
// predicate: every query walks a partial index of undecided claims, so the
// cost follows what the digest lists, not the size of the claims table.
// Rows are scanned by hand, without reflection: a digest may read hundreds
// of thousands.
func digestClaims(ctx context.Context, q queryer, dq digest.Query) ([]workflows.Claim, error) {
	type section struct {
		where string
		args  []any
	}
	var sections []section
	if dq.Disputed {
		sections = append(sections, section{digestDisputed, nil})
	}
	if !dq.StaleBefore.IsZero() {
		sections = append(sections, section{digestStale, []any{dq.StaleBefore.UnixMilli()}})
	}
	if dq.Unassigned {
		sections = append(sections, section{digestUnassigned, nil})
	}
	var claims []workflows.Claim
	index := map[int64]int{}
	for _, s := range sections {
		if err := scanDigestClaims(ctx, q, `SELECT `+digestClaimColumns+` FROM claims c WHERE `+s.where, s.args, &claims, index); err != nil {
			return nil, err
		}
	}
	for _, s := range sections {
		if err := scanDigestThreads(ctx, q, `SELECT t.claim_id, t.platform, t.channel, t.root_id
			FROM claims c JOIN claim_threads t ON t.claim_id = c.id WHERE t.root_id <> '' AND `+s.where, s.args, claims, index); err != nil {
			return nil, err
		}
	}
	if dq.Disputed {
		if err := scanDigestEvidence(ctx, q, `SELECT `+digestEvidenceColumns+`
			FROM claims c JOIN evidence e ON e.claim_id = c.id WHERE `+digestDisputed+` ORDER BY e.claim_id, e.id`, claims, index); err != nil {
			return nil, err
		}
	}
	return claims, nil
}

func scanDigestClaims(ctx context.Context, q queryer, query string, args []any, claims *[]workflows.Claim, index map[int64]int) error {
	rows, err := q.QueryContext(ctx, q.Rebind(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c                       workflows.Claim
			fv                      sql.NullFloat64
			fq, fu, state, decision string
			createdMS, stateSinceMS int64
		)
		if err := rows.Scan(&c.ID, &c.Statement, &fv, &fq, &fu, &c.Assignee, &state, &decision,
			&createdMS, &stateSinceMS, &c.Version); err != nil {
			return err
		}
		if _, dup := index[c.ID]; dup {
			continue // in an earlier section too
		}
		c.Figure = figureFrom(fv, fq, fu)
		c.State, c.Decision = workflows.EvidenceState(state), workflows.Decision(decision)
		c.CreatedAt, c.StateSince = fromMS(createdMS), fromMS(stateSinceMS)
		index[c.ID] = len(*claims)
		*claims = append(*claims, c)
	}
	return rows.Err()
}

func scanDigestThreads(ctx context.Context, q queryer, query string, args []any, claims []workflows.Claim, index map[int64]int) error {
	rows, err := q.QueryContext(ctx, q.Rebind(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t workflows.Thread
		if err := rows.Scan(&t.ClaimID, &t.Platform, &t.Channel, &t.RootID); err != nil {
			return err
		}
		i, ok := index[t.ClaimID]
		if !ok {
			continue // decided between the two queries
		}
		c := &claims[i]
		dup := false
		for _, have := range c.Threads {
			dup = dup || have == t
		}
		if !dup {
			c.Threads = append(c.Threads, t)
		}
	}
	return rows.Err()
}

func scanDigestEvidence(ctx context.Context, q queryer, query string, claims []workflows.Claim, index map[int64]int) error {
	rows, err := q.QueryContext(ctx, q.Rebind(query))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e      workflows.Evidence
			fv     sql.NullFloat64
			stance string
			fq, fu string
		)
		if err := rows.Scan(&e.ClaimID, &e.Source, &stance, &fv, &fq, &fu); err != nil {
			return err
		}
		i, ok := index[e.ClaimID]
		if !ok {
			continue
		}
		e.Stance, e.Figure = workflows.Stance(stance), figureFrom(fv, fq, fu)
		claims[i].Evidence = append(claims[i].Evidence, e)
	}
	return rows.Err()
}

var (
	_ digest.Store = (*DB)(nil)
	_ digest.Tx    = (*Tx)(nil)
)

package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

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

	// The digest's sections as predicates on claims c.
	digestDisputed   = `c.decision = 'pending' AND c.state = 'disputed'`
	digestStale      = `c.decision = 'pending' AND c.state = 'unverified' AND c.state_since_ms < ?`
	digestUnassigned = `c.decision = 'pending' AND c.assignee = ''`

	// A digest shows a claim's statement, figure value, assignee, state and
	// ages, and links its posted cards; every claim it reads is pending.
	// Few columns is much of what makes a large digest fast.
	//
	// The section's predicate runs in a subquery: SQLite turns "id IN
	// (subquery)" into a sorted list of ids and reads the claims and their
	// cards in id order, page after page, where the state index alone
	// would jump around a table far larger than its page cache.
	selectDigestClaims = `SELECT d.id, d.statement, d.figure_value, d.figure_max, d.figure_qualifier, d.assignee, d.state, d.created_ms, d.state_since_ms,
		t.platform, t.channel, t.root_id
		FROM claims d LEFT JOIN claim_threads t ON t.claim_id = d.id AND t.root_id <> ''
		WHERE d.id IN (SELECT c.id FROM claims c WHERE %s)`

	// Of the evidence, a digest needs what Rules.Assess reads to find the
	// lowest and highest figures and a contradiction: sources with a figure
	// or contradicting the claim. Rows come in any order and Go sorts each
	// claim's few by id, rather than the database sorting them all.
	selectDigestEvidence = `SELECT e.id, e.claim_id, e.source, e.stance, e.figure_value, e.figure_max, e.figure_qualifier FROM evidence e
		WHERE e.claim_id IN (SELECT c.id FROM claims c WHERE ` + digestDisputed + `)
		AND (e.figure_value IS NOT NULL OR e.stance = 'contradicts')`
)

// digestItemsBatch rows per INSERT keeps under every driver's parameter limit.
const digestItemsBatch = 400

// WithinDigest runs fn in one write transaction. See digest.Store.
func (s *DB) WithinDigest(ctx context.Context, fn func(digest.Tx) error) error {
	return s.write(ctx, func(t *Tx) error { return fn(t) })
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

// PreviousDigestItems reads inside the transaction. See digest.History.
func (t *Tx) PreviousDigestItems(ctx context.Context, schedule, platform, channel string, beforeID int64) ([]int64, bool, error) {
	return previousDigestItems(context.WithoutCancel(ctx), t.tx, schedule, platform, channel, beforeID)
}

// StartDigestRun inserts a run unless its slot is taken. See digest.Tx.
func (t *Tx) StartDigestRun(ctx context.Context, r *digest.Run) (bool, error) {
	manual := 0
	if r.Manual {
		manual = 1
	}
	return t.insert(ctx, &r.ID, insertDigestRun,
		r.Schedule, manual, r.Slot.UnixMilli(), r.Platform, r.Channel, string(r.Status), ms(r.At))
}

// FinishDigestRun records a run's outcome and its claims. See digest.Tx.
func (t *Tx) FinishDigestRun(ctx context.Context, r *digest.Run, claimIDs []int64) error {
	if _, err := t.exec(ctx, finishDigestRun, string(r.Status), r.Items, r.Messages, r.ID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, pruneDigestRunItems, r.Schedule, r.Platform, r.Channel, r.ID); err != nil {
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
		if _, err := t.exec(ctx, q, args...); err != nil {
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

// digestClaims runs one query per section for the claims with their cards
// (a LEFT JOIN, so a claim with no card still comes) and one for the
// disputed claims' evidence. Each section's predicate leaves out the claims
// of the sections before it, and every query starts from an index of
// undecided claims, so the cost follows what the digest lists, not the size
// of the claims table. Rows are scanned by hand, without reflection: a large
// desk's digest reads hundreds of thousands. It reads from the pool, never
// in a transaction, and the evidence on a second connection while the
// claims are read.
func digestClaims(ctx context.Context, q *sqlx.DB, dq digest.Query) ([]workflows.Claim, error) {
	type section struct {
		where string
		args  []any
	}
	var sections []section
	var before []string // earlier sections' predicates, left out of later ones
	var beforeArgs []any
	add := func(where string, args ...any) {
		w := where
		for _, b := range before {
			w += ` AND NOT (` + b + `)`
		}
		sections = append(sections, section{w, append(append([]any(nil), args...), beforeArgs...)})
		before, beforeArgs = append(before, where), append(beforeArgs, args...)
	}
	if dq.Disputed {
		add(digestDisputed)
	}
	if !dq.StaleBefore.IsZero() {
		add(digestStale, dq.StaleBefore.UnixMilli())
	}
	if dq.Unassigned {
		add(digestUnassigned)
	}
	// Counting first (on the index alone) sizes the slice and the map once:
	// growing a slice of a hundred thousand claims copies megabytes.
	total := 0
	for _, s := range sections {
		var n int
		if err := q.QueryRowxContext(ctx, q.Rebind(`SELECT COUNT(*) FROM claims c WHERE `+s.where), s.args...).Scan(&n); err != nil {
			return nil, err
		}
		total += n
	}
	var evidence []workflows.Evidence
	evidenceRead := make(chan error, 1)
	readEvidence := func() {
		var err error
		evidence, err = readDigestEvidence(ctx, q, total)
		evidenceRead <- err
	}
	if dq.Disputed {
		go readEvidence()
	}
	claims := make([]workflows.Claim, 0, total+total/16)
	index := make(map[int64]int, cap(claims))
	var scanErr error
	for _, s := range sections {
		if scanErr = scanDigestClaims(ctx, q, fmt.Sprintf(selectDigestClaims, s.where), s.args, &claims, index); scanErr != nil {
			break
		}
	}
	if dq.Disputed {
		if err := <-evidenceRead; err != nil && scanErr == nil {
			scanErr = err
		}
	}
	if scanErr != nil {
		return nil, scanErr
	}
	attachDigestEvidence(evidence, claims, index)
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
			fv, fmax                sql.NullFloat64
			qualifier               sql.RawBytes
			state                   string
			createdMS, stateSinceMS int64
			platform, channel, root sql.NullString
		)
		if err := rows.Scan(&c.ID, &c.Statement, &fv, &fmax, &qualifier, &c.Assignee, &state,
			&createdMS, &stateSinceMS, &platform, &channel, &root); err != nil {
			return err
		}
		i, seen := index[c.ID] // a claim with several cards comes once per card
		if !seen {
			c.Figure = digestFigure(fv, fmax, qualifier)
			c.State, c.Decision = workflows.EvidenceState(state), workflows.Pending
			c.CreatedAt, c.StateSince = fromMS(createdMS), fromMS(stateSinceMS)
			i = len(*claims)
			index[c.ID] = i
			*claims = append(*claims, c)
		}
		if root.Valid {
			addThread(&(*claims)[i], workflows.Thread{ClaimID: c.ID, Platform: platform.String, Channel: channel.String, RootID: root.String})
		}
	}
	return rows.Err()
}

func addThread(c *workflows.Claim, t workflows.Thread) {
	for _, have := range c.Threads {
		if have == t {
			return
		}
	}
	c.Threads = append(c.Threads, t)
}

// readDigestEvidence reads the evidence Rules.Assess needs for the disputed
// claims: sources with a figure or contradicting the claim.
func readDigestEvidence(ctx context.Context, q queryer, claims int) ([]workflows.Evidence, error) {
	rows, err := q.QueryContext(ctx, q.Rebind(selectDigestEvidence))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := make([]workflows.Evidence, 0, 3*claims)
	for rows.Next() {
		var (
			e         workflows.Evidence
			fv, fmax  sql.NullFloat64
			qualifier sql.RawBytes
			stance    string
		)
		if err := rows.Scan(&e.ID, &e.ClaimID, &e.Source, &stance, &fv, &fmax, &qualifier); err != nil {
			return nil, err
		}
		e.Stance, e.Figure = workflows.Stance(stance), digestFigure(fv, fmax, qualifier)
		all = append(all, e)
	}
	return all, rows.Err()
}

// digestFigure is a figure as a digest reads it: value, range top and
// qualifier (a digest line shows how each source hedged), no unit. The
// qualifier is read without allocating a string per row: a digest reads
// every disputed claim's evidence.
func digestFigure(v, max sql.NullFloat64, qualifier sql.RawBytes) *workflows.Figure {
	if !v.Valid {
		return nil
	}
	q := workflows.Exact
	switch string(qualifier) {
	case string(workflows.AtLeast):
		q = workflows.AtLeast
	case string(workflows.MoreThan):
		q = workflows.MoreThan
	case string(workflows.UpTo):
		q = workflows.UpTo
	case string(workflows.About):
		q = workflows.About
	}
	return &workflows.Figure{Value: v.Float64, Max: max.Float64, Qualifier: q}
}

// attachDigestEvidence gives each claim its run of the evidence, in id
// order: one shared slice instead of several allocations per claim.
// Evidence of a claim that became disputed after the claims were read is
// left out; the next digest lists it.
func attachDigestEvidence(all []workflows.Evidence, claims []workflows.Claim, index map[int64]int) {
	type row struct {
		claim int
		e     workflows.Evidence
	}
	kept := make([]row, 0, len(all))
	for _, e := range all {
		if i, ok := index[e.ClaimID]; ok {
			kept = append(kept, row{i, e})
		}
	}
	ordered := func(a, b row) int {
		if c := cmp.Compare(a.claim, b.claim); c != 0 {
			return c
		}
		return cmp.Compare(a.e.ID, b.e.ID)
	}
	if !slices.IsSortedFunc(kept, ordered) {
		slices.SortFunc(kept, ordered)
	}
	ev := make([]workflows.Evidence, len(kept))
	for i, r := range kept {
		ev[i] = r.e
	}
	for start := 0; start < len(kept); {
		end := start + 1
		for end < len(kept) && kept[end].claim == kept[start].claim {
			end++
		}
		claims[kept[start].claim].Evidence = ev[start:end:end]
		start = end
	}
}

var (
	_ digest.Store = (*DB)(nil)
	_ digest.Tx    = (*Tx)(nil)
)

package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/factdesk/factdesk/workflows"
)

const (
	claimColumns = `id, statement, figure_value, figure_max, figure_qualifier, figure_unit, metric, who, place, period,
		filed_by, assignee, state, decision, decided_by, decided_ms, decision_note,
		created_ms, updated_ms, state_since_ms, version`

	selectClaim = `SELECT ` + claimColumns + ` FROM claims WHERE id = ?`

	insertClaim = `INSERT INTO claims (statement, statement_folded, figure_value, figure_max, figure_qualifier, figure_unit, metric, who,
		place, period, filed_by, assignee, state, decision, decided_by, decided_ms, decision_note,
		created_ms, updated_ms, state_since_ms, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

	updateClaim = `UPDATE claims SET statement = ?, statement_folded = ?, figure_value = ?, figure_max = ?, figure_qualifier = ?, figure_unit = ?,
		metric = ?, who = ?, place = ?, period = ?, assignee = ?, state = ?, decision = ?, decided_by = ?,
		decided_ms = ?, decision_note = ?, updated_ms = ?, state_since_ms = ?, version = ?
		WHERE id = ? AND version = ?`

	// evidenceColumns come with the evidence's archive snapshot (but not
	// its text): a card says whether each link is archived.
	evidenceColumns = `e.id, e.claim_id, e.source, e.via, e.url, e.quote, e.stance, e.figure_value, e.figure_max, e.figure_qualifier,
		e.figure_unit, e.document, e.added_by, e.added_ms,
		COALESCE(a.state, '') AS a_state, COALESCE(a.url, '') AS a_url, COALESCE(a.final_url, '') AS a_final_url,
		COALESCE(a.status, 0) AS a_status, COALESCE(a.content_type, '') AS a_content_type,
		COALESCE(a.sha256, '') AS a_sha256, COALESCE(a.title, '') AS a_title,
		COALESCE(a.text_truncated, 0) AS a_text_truncated, COALESCE(a.archive_url, '') AS a_archive_url,
		COALESCE(a.last_error, '') AS a_last_error, COALESCE(a.attempts, 0) AS a_attempts,
		COALESCE(a.fetched_ms, 0) AS a_fetched_ms`

	evidenceFrom = ` FROM evidence e LEFT JOIN evidence_archive a ON a.evidence_id = e.id`

	selectEvidence = `SELECT ` + evidenceColumns + evidenceFrom + ` WHERE e.claim_id = ? ORDER BY e.id`

	insertEvidence = `INSERT INTO evidence (claim_id, source, origin, via, url, quote, stance, figure_value,
		figure_max, figure_qualifier, figure_unit, document, added_by, added_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

	// selectEvidenceOf is completed with a list of claim ids.
	selectEvidenceOf = `SELECT ` + evidenceColumns + evidenceFrom + ` WHERE e.claim_id IN `

	selectThreads = `SELECT claim_id, platform, channel, root_id FROM claim_threads WHERE claim_id = ? ORDER BY platform, channel`

	insertThread = `INSERT INTO claim_threads (claim_id, platform, channel, root_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (claim_id, platform, channel) DO NOTHING`

	selectClaimByThread = `SELECT claim_id FROM claim_threads WHERE platform = ? AND channel = ? AND root_id = ?`

	selectEvents = `SELECT id, claim_id, at_ms, actor, kind, old, new, note FROM events WHERE claim_id = ? ORDER BY id`

	insertEvent = `INSERT INTO events (claim_id, at_ms, actor, kind, old, new, note) VALUES (?, ?, ?, ?, ?, ?, ?)`
)

type claimRow struct {
	ID              int64           `db:"id"`
	Statement       string          `db:"statement"`
	FigureValue     sql.NullFloat64 `db:"figure_value"`
	FigureMax       sql.NullFloat64 `db:"figure_max"`
	FigureQualifier string          `db:"figure_qualifier"`
	FigureUnit      string          `db:"figure_unit"`
	Metric          string          `db:"metric"`
	Who             string          `db:"who"`
	Place           string          `db:"place"`
	Period          string          `db:"period"`
	FiledBy         string          `db:"filed_by"`
	Assignee        string          `db:"assignee"`
	State           string          `db:"state"`
	Decision        string          `db:"decision"`
	DecidedBy       string          `db:"decided_by"`
	DecidedMS       int64           `db:"decided_ms"`
	DecisionNote    string          `db:"decision_note"`
	CreatedMS       int64           `db:"created_ms"`
	UpdatedMS       int64           `db:"updated_ms"`
	StateSinceMS    int64           `db:"state_since_ms"`
	Version         int             `db:"version"`
}

func (r claimRow) claim() workflows.Claim {
	return workflows.Claim{
		ID: r.ID, Statement: r.Statement, Figure: figureFrom(r.FigureValue, r.FigureMax, r.FigureQualifier, r.FigureUnit),
		Metric: r.Metric, Who: r.Who, Place: r.Place, Period: r.Period,
		FiledBy: r.FiledBy, Assignee: r.Assignee,
		State: workflows.EvidenceState(r.State), Decision: workflows.Decision(r.Decision),
		DecidedBy: r.DecidedBy, DecidedAt: fromMS(r.DecidedMS), DecisionNote: r.DecisionNote,
		CreatedAt: fromMS(r.CreatedMS), UpdatedAt: fromMS(r.UpdatedMS), StateSince: fromMS(r.StateSinceMS),
		Version: r.Version,
	}
}

// figureFrom joins a figure's columns; max is NULL for a single figure.
func figureFrom(v, max sql.NullFloat64, q, unit string) *workflows.Figure {
	if !v.Valid {
		return nil
	}
	return &workflows.Figure{Value: v.Float64, Max: max.Float64, Qualifier: workflows.Qualifier(q), Unit: unit}
}

// figureCols splits a figure into its four columns: value, range top
// (NULL unless a range), qualifier, unit.
func figureCols(f *workflows.Figure) (v, max sql.NullFloat64, q, unit string) {
	if f == nil {
		return v, max, "", ""
	}
	v = sql.NullFloat64{Float64: f.Value, Valid: true}
	if f.Max > f.Value {
		max = sql.NullFloat64{Float64: f.Max, Valid: true}
	}
	return v, max, string(f.Qualifier), f.Unit
}

type evidenceRow struct {
	ID              int64           `db:"id"`
	ClaimID         int64           `db:"claim_id"`
	Source          string          `db:"source"`
	Via             string          `db:"via"`
	URL             string          `db:"url"`
	Quote           string          `db:"quote"`
	Stance          string          `db:"stance"`
	FigureValue     sql.NullFloat64 `db:"figure_value"`
	FigureMax       sql.NullFloat64 `db:"figure_max"`
	FigureQualifier string          `db:"figure_qualifier"`
	FigureUnit      string          `db:"figure_unit"`
	Document        string          `db:"document"`
	AddedBy         string          `db:"added_by"`
	AddedMS         int64           `db:"added_ms"`
	archiveCols
}

// archiveCols are an evidence's snapshot as evidenceColumns read it; all
// empty when the evidence has nothing to archive.
type archiveCols struct {
	State       string `db:"a_state"`
	URL         string `db:"a_url"`
	FinalURL    string `db:"a_final_url"`
	Status      int    `db:"a_status"`
	ContentType string `db:"a_content_type"`
	SHA256      string `db:"a_sha256"`
	Title       string `db:"a_title"`
	Truncated   int    `db:"a_text_truncated"`
	ArchiveURL  string `db:"a_archive_url"`
	LastError   string `db:"a_last_error"`
	Attempts    int    `db:"a_attempts"`
	FetchedMS   int64  `db:"a_fetched_ms"`
}

func (a archiveCols) snapshot(evidenceID, claimID int64) *workflows.Snapshot {
	if a.State == "" {
		return nil
	}
	return &workflows.Snapshot{EvidenceID: evidenceID, ClaimID: claimID, State: workflows.ArchiveState(a.State),
		URL: a.URL, FinalURL: a.FinalURL, Status: a.Status, ContentType: a.ContentType, SHA256: a.SHA256,
		Title: a.Title, Truncated: a.Truncated == 1, ArchiveURL: a.ArchiveURL, Error: a.LastError,
		Attempts: a.Attempts, FetchedAt: fromMS(a.FetchedMS)}
}

// queryer is what the database and a transaction share.
type queryer interface {
	sqlx.QueryerContext
	Rebind(string) string
}

type threadRow struct {
	ClaimID  int64  `db:"claim_id"`
	Platform string `db:"platform"`
	Channel  string `db:"channel"`
	RootID   string `db:"root_id"`
}

type eventRow struct {
	ID      int64  `db:"id"`
	ClaimID int64  `db:"claim_id"`
	AtMS    int64  `db:"at_ms"`
	Actor   string `db:"actor"`
	Kind    string `db:"kind"`
	Old     string `db:"old"`
	New     string `db:"new"`
	Note    string `db:"note"`
}

// loadClaim reads a claim with its evidence and threads through q, which is
// the database or a transaction.
func loadClaim(ctx context.Context, q queryer, id int64) (*workflows.Claim, error) {
	var r claimRow
	if err := sqlx.GetContext(ctx, q, &r, q.Rebind(selectClaim), id); err != nil {
		return nil, notFound(err, "no claim %s", workflows.Ref(id))
	}
	c := r.claim()
	var err error
	if c.Evidence, err = loadEvidence(ctx, q, id); err != nil {
		return nil, err
	}
	var ths []threadRow
	if err := sqlx.SelectContext(ctx, q, &ths, q.Rebind(selectThreads), id); err != nil {
		return nil, err
	}
	for _, t := range ths {
		c.Threads = append(c.Threads, workflows.Thread(t))
	}
	return &c, nil
}

// loadEvidence reads a claim's evidence, oldest first.
func loadEvidence(ctx context.Context, q queryer, claimID int64) ([]workflows.Evidence, error) {
	var rows []evidenceRow
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind(selectEvidence), claimID); err != nil {
		return nil, err
	}
	out := make([]workflows.Evidence, 0, len(rows))
	for _, e := range rows {
		out = append(out, e.evidence())
	}
	return out, nil
}

func (e evidenceRow) evidence() workflows.Evidence {
	return workflows.Evidence{
		ID: e.ID, ClaimID: e.ClaimID, Source: e.Source, Via: e.Via, URL: e.URL, Quote: e.Quote,
		Stance: workflows.Stance(e.Stance), Figure: figureFrom(e.FigureValue, e.FigureMax, e.FigureQualifier, e.FigureUnit),
		Document: e.Document, AddedBy: e.AddedBy, AddedAt: fromMS(e.AddedMS),
		Archive: e.archiveCols.snapshot(e.ID, e.ClaimID),
	}
}

// Claim loads a claim. See workflows.Store.
func (s *DB) Claim(ctx context.Context, id int64) (*workflows.Claim, error) {
	return loadClaim(ctx, s.db, id)
}

// ClaimByThread finds the claim whose card is rootID. See workflows.Store.
func (s *DB) ClaimByThread(ctx context.Context, platform, channel, rootID string) (int64, error) {
	var id int64
	if rootID == "" {
		return 0, workflows.Errorf(workflows.ENOTFOUND, "not a claim thread")
	}
	err := s.db.GetContext(ctx, &id, s.db.Rebind(selectClaimByThread), platform, channel, rootID)
	return id, notFound(err, "not a claim thread")
}

// ListClaims returns claims matching f, newest first. See workflows.Store.
func (s *DB) ListClaims(ctx context.Context, f workflows.ClaimFilter) ([]workflows.Claim, error) {
	where, args := claimWhere(f)
	rows, err := s.selectClaims(ctx, where, args, f.Limit, f.Offset)
	if err != nil || !f.WithEvidence {
		return claimsOf(rows, nil), err
	}
	return s.withEvidence(ctx, rows)
}

// CountClaims counts the claims matching f, whatever its Limit and Offset.
// See workflows.Store.
func (s *DB) CountClaims(ctx context.Context, f workflows.ClaimFilter) (int, error) {
	where, args := claimWhere(f)
	q := `SELECT COUNT(*) FROM claims`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	var n int
	err := s.db.GetContext(ctx, &n, s.db.Rebind(q), args...)
	return n, err
}

// claimWhere is the WHERE clause of f, as conditions to join with AND.
func claimWhere(f workflows.ClaimFilter) (where []string, args []any) {
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Decision != "" {
		where, args = append(where, "decision = ?"), append(args, string(f.Decision))
	}
	if f.FiledBy != "" {
		where, args = append(where, "filed_by = ?"), append(args, f.FiledBy)
	}
	switch f.Assignee {
	case "":
	case workflows.NoAssignee:
		where = append(where, "assignee = ''")
	default:
		where, args = append(where, "assignee = ?"), append(args, f.Assignee)
	}
	// Words match as SearchClaims describes. A claim the backfill has not
	// reached yet (statement_folded NULL) is compared lower-cased as the
	// database lowers it.
	for _, w := range f.Words {
		folded := foldForSearch(w)
		if folded == "" {
			// A word of combining marks alone folds to nothing, which
			// would match every statement; it matches none.
			where = append(where, "1 = 0")
			continue
		}
		where = append(where, `COALESCE(statement_folded, LOWER(statement)) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(folded)+"%")
	}
	return where, args
}

// SearchClaims returns claims whose statement contains every word, newest
// first, at most limit (0: all). Case and accents are ignored on both sides
// (foldForSearch: "golcuk" finds "Gölcük") and a word may be part of a
// longer one ("mos" finds "Mosul"); LIKE's % and _ in a word match
// themselves. See workflows.Store.
func (s *DB) SearchClaims(ctx context.Context, words []string, limit int) ([]workflows.Claim, error) {
	return s.ListClaims(ctx, workflows.ClaimFilter{Words: words, Limit: limit})
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func (s *DB) selectClaims(ctx context.Context, where []string, args []any, limit, offset int) ([]claimRow, error) {
	q := `SELECT ` + claimColumns + ` FROM claims`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
		if offset > 0 {
			q += ` OFFSET ?`
			args = append(args, offset)
		}
	}
	var rows []claimRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...)
	return rows, err
}

// evidenceBatch claim ids per evidence query keeps under every driver's
// parameter limit.
const evidenceBatch = 500

// withEvidence turns claim rows into claims with their evidence, oldest
// first, read in one query per evidenceBatch claims rather than one a claim.
func (s *DB) withEvidence(ctx context.Context, rows []claimRow) ([]workflows.Claim, error) {
	byClaim := make(map[int64][]workflows.Evidence, len(rows))
	for start := 0; start < len(rows); start += evidenceBatch {
		batch := rows[start:min(start+evidenceBatch, len(rows))]
		args := make([]any, len(batch))
		for i, r := range batch {
			args[i] = r.ID
		}
		q := selectEvidenceOf + `(` + strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ") + `) ORDER BY e.claim_id, e.id`
		var evs []evidenceRow
		if err := s.db.SelectContext(ctx, &evs, s.db.Rebind(q), args...); err != nil {
			return nil, err
		}
		for _, e := range evs {
			byClaim[e.ClaimID] = append(byClaim[e.ClaimID], e.evidence())
		}
	}
	return claimsOf(rows, byClaim), nil
}

// claimsOf converts rows, attaching evidence from byClaim when given.
func claimsOf(rows []claimRow, byClaim map[int64][]workflows.Evidence) []workflows.Claim {
	out := make([]workflows.Claim, len(rows))
	for i, r := range rows {
		out[i] = r.claim()
		if byClaim != nil {
			out[i].Evidence = byClaim[r.ID]
		}
	}
	return out
}

// Events returns a claim's audit trail. See workflows.Store.
func (s *DB) Events(ctx context.Context, claimID int64) ([]workflows.Event, error) {
	var rows []eventRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(selectEvents), claimID); err != nil {
		return nil, err
	}
	out := make([]workflows.Event, len(rows))
	for i, r := range rows {
		out[i] = workflows.Event{ID: r.ID, ClaimID: r.ClaimID, At: fromMS(r.AtMS), Actor: r.Actor,
			Kind: workflows.EventKind(r.Kind), Old: r.Old, New: r.New, Note: r.Note}
	}
	return out, nil
}

// CreateClaim inserts a claim. See workflows.Tx.
func (t *Tx) CreateClaim(ctx context.Context, c *workflows.Claim) error {
	v, mx, q, u := figureCols(c.Figure)
	_, err := t.insert(ctx, &c.ID, insertClaim,
		c.Statement, foldForSearch(c.Statement), v, mx, q, u, c.Metric, c.Who, c.Place, c.Period,
		c.FiledBy, c.Assignee, string(c.State), string(c.Decision), c.DecidedBy, ms(c.DecidedAt), c.DecisionNote,
		ms(c.CreatedAt), ms(c.UpdatedAt), ms(c.StateSince), c.Version)
	return err
}

// UpdateClaim writes a claim if its version is unchanged. See workflows.Tx.
func (t *Tx) UpdateClaim(ctx context.Context, c *workflows.Claim, version int) error {
	v, mx, q, u := figureCols(c.Figure)
	res, err := t.exec(ctx, updateClaim,
		c.Statement, foldForSearch(c.Statement), v, mx, q, u, c.Metric, c.Who, c.Place, c.Period, c.Assignee, string(c.State), string(c.Decision),
		c.DecidedBy, ms(c.DecidedAt), c.DecisionNote, ms(c.UpdatedAt), ms(c.StateSince), version+1,
		c.ID, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return workflows.Errorf(workflows.ECONFLICT, "claim %s changed while you were looking", c.Ref())
	}
	c.Version = version + 1
	return nil
}

// AddEvidence inserts evidence, and its archive job when it has a link.
// See workflows.Tx.
func (t *Tx) AddEvidence(ctx context.Context, e *workflows.Evidence) error {
	v, mx, q, u := figureCols(e.Figure)
	if _, err := t.insert(ctx, &e.ID, insertEvidence,
		e.ClaimID, e.Source, e.Origin(), e.Via, e.URL, e.Quote, string(e.Stance), v, mx, q, u,
		e.Document, e.AddedBy, ms(e.AddedAt)); err != nil {
		return err
	}
	if link := workflows.ArchiveLink(*e); link != "" {
		if _, err := t.exec(ctx, insertArchiveJob, e.ID, e.ClaimID, link, ms(e.AddedAt), ms(e.AddedAt)); err != nil {
			return err
		}
		e.Archive = &workflows.Snapshot{EvidenceID: e.ID, ClaimID: e.ClaimID, State: workflows.ArchivePending, URL: link}
	}
	return nil
}

// AddThread records a claim's card place. See workflows.Tx.
func (t *Tx) AddThread(ctx context.Context, th workflows.Thread) error {
	_, err := t.exec(ctx, insertThread, th.ClaimID, th.Platform, th.Channel, th.RootID)
	return err
}

// AppendEvents appends audit events. See workflows.Tx.
func (t *Tx) AppendEvents(ctx context.Context, events ...workflows.Event) error {
	for _, e := range events {
		if _, err := t.exec(ctx, insertEvent, e.ClaimID, ms(e.At), e.Actor, string(e.Kind), e.Old, e.New, e.Note); err != nil {
			return err
		}
	}
	return nil
}

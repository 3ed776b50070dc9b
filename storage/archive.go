package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

const (
	// insertArchiveJob runs inside AddEvidence's transaction: the job
	// commits with the evidence or not at all.
	insertArchiveJob = `INSERT INTO evidence_archive (evidence_id, claim_id, url, next_attempt_ms, created_ms)
		VALUES (?, ?, ?, ?, ?)`

	selectArchiveDue = `SELECT evidence_id, claim_id, url, attempts FROM evidence_archive
		WHERE state = 'pending' AND next_attempt_ms <= ? AND lease_until_ms <= ?
		ORDER BY next_attempt_ms, evidence_id LIMIT ?`

	leaseArchiveJob = `UPDATE evidence_archive SET lease_owner = ?, lease_until_ms = ?
		WHERE evidence_id = ? AND state = 'pending'`

	finishArchiveJob = `UPDATE evidence_archive SET state = ?, attempts = attempts + 1, final_url = ?, status = ?,
		content_type = ?, sha256 = ?, title = ?, body_text = ?, text_truncated = ?, archive_url = ?,
		archive_error = ?, last_error = ?, fetched_ms = ?, lease_owner = '', lease_until_ms = 0
		WHERE evidence_id = ? AND lease_owner = ? AND state = 'pending'`

	retryArchiveJob = `UPDATE evidence_archive SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ?,
		lease_owner = '', lease_until_ms = 0 WHERE evidence_id = ? AND lease_owner = ? AND state = 'pending'`

	snapshotColumns = `evidence_id, claim_id, url, state, attempts, last_error, final_url, status, content_type,
		sha256, title, body_text, text_truncated, archive_url, archive_error, fetched_ms`

	selectRecentSnapshot = `SELECT ` + snapshotColumns + ` FROM evidence_archive
		WHERE url = ? AND state = 'archived' AND fetched_ms >= ? ORDER BY fetched_ms DESC LIMIT 1`

	selectSnapshot = `SELECT ` + snapshotColumns + ` FROM evidence_archive WHERE evidence_id = ?`

	insertRecheck = `INSERT INTO archive_rechecks (evidence_id, checked_ms, actor, outcome, status, sha256, final_url, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
)

type snapshotRow struct {
	EvidenceID   int64  `db:"evidence_id"`
	ClaimID      int64  `db:"claim_id"`
	URL          string `db:"url"`
	State        string `db:"state"`
	Attempts     int    `db:"attempts"`
	LastError    string `db:"last_error"`
	FinalURL     string `db:"final_url"`
	Status       int    `db:"status"`
	ContentType  string `db:"content_type"`
	SHA256       string `db:"sha256"`
	Title        string `db:"title"`
	Text         string `db:"body_text"`
	Truncated    int    `db:"text_truncated"`
	ArchiveURL   string `db:"archive_url"`
	ArchiveError string `db:"archive_error"`
	FetchedMS    int64  `db:"fetched_ms"`
}

func (r snapshotRow) snapshot() *workflows.Snapshot {
	s := &workflows.Snapshot{EvidenceID: r.EvidenceID, ClaimID: r.ClaimID, URL: r.URL,
		State: workflows.ArchiveState(r.State), Attempts: r.Attempts, Error: r.LastError, FinalURL: r.FinalURL,
		Status: r.Status, ContentType: r.ContentType, SHA256: r.SHA256, Title: r.Title, Text: r.Text,
		Truncated: r.Truncated == 1, ArchiveURL: r.ArchiveURL, FetchedAt: fromMS(r.FetchedMS)}
	if s.Error == "" && r.ArchiveError != "" {
		s.Error = r.ArchiveError
	}
	return s
}

// LeaseArchiveJobs takes due jobs for owner. See archive.Store.
func (s *DB) LeaseArchiveJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]archive.Job, error) {
	type jobRow struct {
		EvidenceID int64  `db:"evidence_id"`
		ClaimID    int64  `db:"claim_id"`
		URL        string `db:"url"`
		Attempts   int    `db:"attempts"`
	}
	var rows []jobRow
	err := s.write(ctx, func(t *Tx) error {
		rows = rows[:0] // this may run more than once; see workflows.Store.Within
		if err := t.selectRows(ctx, &rows, selectArchiveDue+s.dialect.skipLocked, ms(now), ms(now), limit); err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := t.exec(ctx, leaseArchiveJob, owner, ms(now.Add(lease)), r.EvidenceID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]archive.Job, len(rows))
	for i, r := range rows {
		out[i] = archive.Job{EvidenceID: r.EvidenceID, ClaimID: r.ClaimID, URL: r.URL, Attempts: r.Attempts}
	}
	return out, nil
}

// RecentSnapshot finds a fresh snapshot of the same link. See archive.Store.
func (s *DB) RecentSnapshot(ctx context.Context, url string, since time.Time) (*workflows.Snapshot, error) {
	var r snapshotRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(selectRecentSnapshot), url, ms(since))
	if err != nil {
		return nil, notFound(err, "no recent snapshot")
	}
	return r.snapshot(), nil
}

// FinishArchive stores a job's outcome. See archive.Store.
func (s *DB) FinishArchive(ctx context.Context, owner string, snap workflows.Snapshot) error {
	truncated := 0
	if snap.Truncated {
		truncated = 1
	}
	// A failed job keeps its reason in last_error; an archived one keeps
	// a web archive's refusal apart, in archive_error.
	lastError, archiveError := snap.Error, ""
	if snap.State == workflows.Archived {
		lastError, archiveError = "", snap.Error
	}
	res, err := s.execWrite(ctx, finishArchiveJob, string(snap.State), snap.FinalURL, snap.Status, snap.ContentType,
		snap.SHA256, snap.Title, snap.Text, truncated, snap.ArchiveURL, archiveError, lastError, ms(snap.FetchedAt),
		snap.EvidenceID, owner)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return workflows.Errorf(workflows.ECONFLICT, "archive job of evidence %d is no longer leased by %s", snap.EvidenceID, owner)
	}
	return nil
}

// RetryArchive puts a job back for a later attempt. See archive.Store.
func (s *DB) RetryArchive(ctx context.Context, evidenceID int64, owner string, next time.Time, reason string) error {
	_, err := s.execWrite(ctx, retryArchiveJob, ms(next), workflows.Shorten(reason, 500), evidenceID, owner)
	return err
}

// Snapshot returns an evidence's snapshot with its text. See archive.Store.
func (s *DB) Snapshot(ctx context.Context, evidenceID int64) (*workflows.Snapshot, error) {
	var r snapshotRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(selectSnapshot), evidenceID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, workflows.Errorf(workflows.ENOTFOUND, "that evidence has nothing archived")
	}
	if err != nil {
		return nil, err
	}
	return r.snapshot(), nil
}

// AddRecheck records a recheck. See archive.Store.
func (s *DB) AddRecheck(ctx context.Context, r archive.Recheck) error {
	_, err := s.execWrite(ctx, insertRecheck, r.EvidenceID, ms(r.At), r.Actor, string(r.Outcome), r.Status, r.SHA256,
		r.FinalURL, workflows.Shorten(r.Detail, 500))
	return err
}

// PendingArchiveJobs counts jobs not yet archived or failed, for metrics
// and tests.
func (s *DB) PendingArchiveJobs(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM evidence_archive WHERE state = 'pending'`)
	return n, err
}

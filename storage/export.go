package storage

import (
	"context"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/export"
)

const (
	// exportPage claims are read per query: keyset pages on the primary
	// key, so memory stays flat however many claims there are, and each
	// page costs an index seek rather than an OFFSET scan. It equals
	// evidenceBatch, so a page's evidence is one query.
	exportPage = evidenceBatch

	// exportEventPage audit events are read per query.
	exportEventPage = 2000

	selectExportEvents = `SELECT id, claim_id, at_ms, actor, kind, old, new, note FROM events
		WHERE id > ? AND at_ms >= ? ORDER BY id LIMIT ?`
)

// EachClaim streams the claims matching f in id order, a page at a time,
// with their evidence and snapshots. See export.Source. Pages are read
// one after another, not in one transaction: a claim changed during a long
// export appears as it was when its page was read.
func (s *DB) EachClaim(ctx context.Context, f export.Filter, fn func(*workflows.Claim) error) error {
	var where []string
	var args []any
	if !f.Since.IsZero() {
		where, args = append(where, "updated_ms >= ?"), append(args, ms(f.Since))
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+placeholders(len(f.States))+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if len(f.Decisions) > 0 {
		where = append(where, "decision IN ("+placeholders(len(f.Decisions))+")")
		for _, d := range f.Decisions {
			args = append(args, string(d))
		}
	}
	q := `SELECT ` + claimColumns + ` FROM claims WHERE id > ?`
	if len(where) > 0 {
		q += ` AND ` + strings.Join(where, " AND ")
	}
	q = s.db.Rebind(q + ` ORDER BY id LIMIT ?`)
	page := make([]claimRow, 0, exportPage)
	var after int64
	for {
		page = page[:0]
		rows, err := s.db.QueryxContext(ctx, q, append(append([]any{after}, args...), exportPage)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r claimRow
			if err := rows.StructScan(&r); err != nil {
				rows.Close()
				return err
			}
			page = append(page, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		claims, err := s.withEvidence(ctx, page)
		if err != nil {
			return err
		}
		for i := range claims {
			if err := fn(&claims[i]); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// EachEvent streams the audit events at or after since, in id order. See
// export.Source.
func (s *DB) EachEvent(ctx context.Context, since time.Time, fn func(workflows.Event) error) error {
	q := s.db.Rebind(selectExportEvents)
	var after int64
	for {
		rows, err := s.db.QueryxContext(ctx, q, after, ms(since), exportEventPage)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var r eventRow
			if err := rows.StructScan(&r); err != nil {
				rows.Close()
				return err
			}
			n++
			after = r.ID
			ev := workflows.Event{ID: r.ID, ClaimID: r.ClaimID, At: fromMS(r.AtMS), Actor: r.Actor,
				Kind: workflows.EventKind(r.Kind), Old: r.Old, New: r.New, Note: r.Note}
			if err := fn(ev); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n < exportEventPage {
			return nil
		}
	}
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

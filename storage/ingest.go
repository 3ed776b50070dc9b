package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/ingest"
)

const (
	// Ingest compares few open claims per metric; the newest are the likeliest
	// to be about the story being ingested.
	maxOpenClaimsByTopic = 500

	selectOpenClaimsByTopic = `SELECT ` + claimColumns + ` FROM claims
		WHERE metric = ? AND decision = 'pending' ORDER BY id DESC LIMIT ?`

	insertIngest = `INSERT INTO ingests (platform, channel, user_key, document, publication, figures, created_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`

	selectLatestIngest = `SELECT id, platform, channel, user_key, document, publication, figures, created_ms
		FROM ingests WHERE platform = ? AND channel = ? AND user_key = ? ORDER BY id DESC LIMIT 1`

	selectIngestKept = `SELECT item, claim_id FROM ingest_kept WHERE ingest_id = ?`

	insertIngestKept = `INSERT INTO ingest_kept (ingest_id, item, claim_id) VALUES (?, ?, ?)
		ON CONFLICT (ingest_id, item) DO NOTHING`
)

type ingestRow struct {
	ID          int64  `db:"id"`
	Platform    string `db:"platform"`
	Channel     string `db:"channel"`
	UserKey     string `db:"user_key"`
	Document    string `db:"document"`
	Publication string `db:"publication"`
	Figures     string `db:"figures"`
	CreatedMS   int64  `db:"created_ms"`
}

// OpenClaimsByTopic returns pending claims counting metric, with their
// evidence. Ingest stores metrics case-folded, so claims_topic serves the
// lookup. See workflows.Store.
func (s *DB) OpenClaimsByTopic(ctx context.Context, metric string) ([]workflows.Claim, error) {
	metric = strings.ToLower(strings.TrimSpace(metric))
	var rows []claimRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(selectOpenClaimsByTopic), metric, maxOpenClaimsByTopic); err != nil {
		return nil, err
	}
	return s.withEvidence(ctx, rows)
}

// SavePending stores an ingest waiting for "keep". See ingest.PendingStore.
func (s *DB) SavePending(ctx context.Context, p *ingest.Pending) error {
	figs, err := json.Marshal(p.Figures)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *Tx) error {
		_, err := t.insert(ctx, &p.ID, insertIngest, p.Platform, p.Channel, p.User,
			p.Document.Name, p.Document.Publication, string(figs), ms(p.CreatedAt))
		return err
	})
}

// LatestPending returns a user's newest ingest in a channel. See
// ingest.PendingStore.
func (s *DB) LatestPending(ctx context.Context, platform, channel, user string) (*ingest.Pending, error) {
	var r ingestRow
	if err := s.db.GetContext(ctx, &r, s.db.Rebind(selectLatestIngest), platform, channel, user); err != nil {
		return nil, notFound(err, "nothing to keep: ingest an article first (ingest <url>)")
	}
	p := &ingest.Pending{ID: r.ID, Platform: r.Platform, Channel: r.Channel, User: r.UserKey,
		Document: ingest.Document{Name: r.Document, Publication: r.Publication}, CreatedAt: fromMS(r.CreatedMS),
		Kept: map[int]int64{}}
	if err := json.Unmarshal([]byte(r.Figures), &p.Figures); err != nil {
		return nil, fmt.Errorf("ingest %d: figures: %w", r.ID, err)
	}
	var kept []struct {
		Item    int   `db:"item"`
		ClaimID int64 `db:"claim_id"`
	}
	if err := s.db.SelectContext(ctx, &kept, s.db.Rebind(selectIngestKept), r.ID); err != nil {
		return nil, err
	}
	for _, k := range kept {
		p.Kept[k.Item] = k.ClaimID
	}
	return p, nil
}

// MarkKept records a kept figure's claim. See ingest.PendingStore.
func (s *DB) MarkKept(ctx context.Context, id int64, n int, claimID int64) error {
	_, err := s.execWrite(ctx, insertIngestKept, id, n, claimID)
	return err
}

var _ ingest.PendingStore = (*DB)(nil)

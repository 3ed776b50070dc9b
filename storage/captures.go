package storage

import (
	"context"

	"github.com/factdesk/factdesk/workflows"
)

const (
	selectCapture = `SELECT claim_id FROM captures WHERE platform = ? AND channel = ? AND message_id = ?`

	insertCapture = `INSERT INTO captures (platform, channel, message_id, claim_id, link) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform, channel, message_id) DO NOTHING`
)

// ClaimByCapture finds the claim a chat message was filed as. See
// workflows.Store.
func (s *DB) ClaimByCapture(ctx context.Context, platform, channel, messageID string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, s.db.Rebind(selectCapture), platform, channel, messageID)
	return id, notFound(err, "that message was not filed")
}

// AddCapture records the message a claim was filed from. See workflows.Tx.
func (t *Tx) AddCapture(ctx context.Context, claimID int64, c workflows.Captured) error {
	res, err := t.exec(ctx, insertCapture, c.Platform, c.Channel, c.MessageID, claimID, c.Link)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return workflows.ErrCaptured
	}
	return nil
}

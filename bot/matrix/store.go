package matrix

import (
	"context"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Store is the database as the Matrix adapter needs it (storage.DB).
type Store interface {
	// MatrixSyncToken returns account's saved next_batch, "" when none.
	MatrixSyncToken(ctx context.Context, account string) (string, error)
	// MatrixCommitBatch records one /sync response in one transaction: the
	// events in the inbox (skipping those already recorded), each once row
	// whose key was never committed, and nextBatch. With owner set it fails
	// unless owner still holds the sync lease. It returns the events it
	// stored, with their inbox ids.
	MatrixCommitBatch(ctx context.Context, account, owner, nextBatch string, events []workflows.Inbound,
		once map[string]workflows.Outgoing, now time.Time) ([]workflows.Inbound, error)
	// MatrixSession returns the token and device a password login saved.
	MatrixSession(ctx context.Context, account string) (token, device string, err error)
	// MatrixSaveSession stores them.
	MatrixSaveSession(ctx context.Context, account, token, device string, now time.Time) error
	// MatrixLease takes or renews the sync lease and reports whether owner
	// holds it.
	MatrixLease(ctx context.Context, account, owner string, now time.Time, ttl time.Duration) (bool, error)
	// MatrixReleaseLease gives the lease up.
	MatrixReleaseLease(ctx context.Context, account, owner string) error
	// MatrixInboundMessage returns the message an inbox row was said in.
	MatrixInboundMessage(ctx context.Context, inboxID int64) (string, error)
	// MatrixHold keeps encrypted events not yet decryptable (event id to
	// opaque text); an event held already keeps its first text.
	MatrixHold(ctx context.Context, account string, held map[string]string, now time.Time) error
	// MatrixHeld returns the texts MatrixHold kept, oldest first.
	MatrixHeld(ctx context.Context, account string) ([]string, error)
	// MatrixCommitHeld is MatrixCommitBatch without a sync token: it
	// records events and once rows and deletes the held events in release,
	// in one transaction.
	MatrixCommitHeld(ctx context.Context, account, owner string, release []string, events []workflows.Inbound,
		once map[string]workflows.Outgoing, now time.Time) ([]workflows.Inbound, error)
}

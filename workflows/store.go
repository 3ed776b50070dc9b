package workflows

import (
	"context"
	"time"
)

// Store is what the engine needs from the database. Reads run outside any
// transaction; every change runs inside Within, so the claim, its evidence,
// its audit events, the outbox rows it causes and the inbox mark of the
// command that caused it commit together or not at all.
type Store interface {
	// Within runs fn in one write transaction and commits if fn returns nil.
	// It returns fn's error unchanged, so codes survive. fn may be run more
	// than once, each time in a new transaction, when the one it ran in was
	// rolled back for a reason of its own (another change in the same group
	// commit failed): it must set, not add to, whatever it leaves outside.
	// fn must not itself call Within: on SQLite the one writer would wait
	// for itself.
	Within(ctx context.Context, fn func(tx Tx) error) error

	// Claim loads a claim with its evidence and threads. ENOTFOUND: no such claim.
	Claim(ctx context.Context, id int64) (*Claim, error)
	// ClaimByThread finds the claim whose card is rootID in a channel.
	// ENOTFOUND: that message is no claim's card.
	ClaimByThread(ctx context.Context, platform, channel, rootID string) (int64, error)
	// NotifyOff reports whether a person (an actor key) said "notify off".
	NotifyOff(ctx context.Context, actor string) (bool, error)
	// ClaimByCapture finds the claim a chat message was filed as (see
	// Captured). ENOTFOUND: that message was not filed.
	ClaimByCapture(ctx context.Context, platform, channel, messageID string) (int64, error)
	// ListClaims returns claims matching f, newest first, with their
	// evidence when f.WithEvidence and without their threads.
	ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error)
	// SearchClaims returns claims whose statement contains every word,
	// ignoring case and accents, newest first, at most limit (0: all).
	SearchClaims(ctx context.Context, words []string, limit int) ([]Claim, error)
	// CountClaims counts the claims matching f, whatever its Limit and
	// Offset: how many a list or search shows part of.
	CountClaims(ctx context.Context, f ClaimFilter) (int, error)
	// Events returns a claim's audit trail, oldest first.
	Events(ctx context.Context, claimID int64) ([]Event, error)
	// OpenClaimsByTopic returns the pending claims counting metric (as
	// stored, case-folded), newest first, with their evidence: what article
	// ingest matches a new figure against.
	OpenClaimsByTopic(ctx context.Context, metric string) ([]Claim, error)
}

// ClaimFilter narrows ListClaims. Zero values mean "any".
type ClaimFilter struct {
	State    EvidenceState
	Decision Decision
	FiledBy  string // actor key
	Assignee string // actor key; NoAssignee for unassigned
	// Words must all be in the statement, ignoring case and accents
	// (search); a word may be part of a longer one.
	Words []string
	Limit int
	// Offset skips that many of the newest matches, for a later page; it
	// applies only with a Limit.
	Offset int
	// WithEvidence also reads each claim's evidence (in one query, not one
	// a claim).
	WithEvidence bool
}

// NoAssignee in ClaimFilter.Assignee selects claims nobody is assigned to.
const NoAssignee = "-"

// Tx is the write side, used only inside Store.Within.
type Tx interface {
	// CreateClaim inserts c and sets its ID.
	CreateClaim(ctx context.Context, c *Claim) error
	// UpdateClaim writes c if the stored version is still version, and stores
	// version+1. ECONFLICT: someone else changed it first.
	UpdateClaim(ctx context.Context, c *Claim, version int) error
	// AddEvidence inserts e and sets its ID. Evidence with a link to
	// archive (ArchiveLink) also gets a pending archive job, in the same
	// transaction, so the page is fetched once the change commits and
	// never forgotten by a crash.
	AddEvidence(ctx context.Context, e *Evidence) error
	// AddThread records that a claim's card lives (or will live) in a channel.
	// Adding the same (claim, platform, channel) twice is a no-op.
	AddThread(ctx context.Context, t Thread) error
	// SetNotify records whether a person (an actor key) gets direct
	// notices; a person never asked gets them.
	SetNotify(ctx context.Context, actor string, on bool, at time.Time) error
	// SawHome records that a person (an actor key) opened their home view,
	// and whether they were an editor then.
	SawHome(ctx context.Context, actor string, editor bool, at time.Time) error
	// HomeEditors lists the actor keys of the editors who opened their
	// home view at or after since.
	HomeEditors(ctx context.Context, since time.Time) ([]string, error)
	// AddCapture records that claimID was filed from the chat message c.
	// ErrCaptured: that message is already some claim's capture.
	AddCapture(ctx context.Context, claimID int64, c Captured) error
	// AppendEvents appends audit events.
	AppendEvents(ctx context.Context, events ...Event) error
	// Enqueue writes outbox rows, all of one change (and so of one
	// requester), in the order they are to go out.
	Enqueue(ctx context.Context, msgs ...Outgoing) error
	// MarkHandled marks an inbound event handled and returns its inbox id.
	// An event with no ID yet was not recorded before handling: it is
	// recorded now, already handled. ErrHandled: it already was handled, or
	// (unrecorded) already recorded, by another replica or an earlier
	// attempt, so the caller must roll back.
	MarkHandled(ctx context.Context, ev Inbound, at time.Time) (int64, error)
}

// Inbound is one event a platform delivered: a command, a button click, a
// reaction. It is recorded in the inbox under (Platform, EventID) before it is
// handled, so a redelivered event has no second effect and a crash between
// receipt and handling loses nothing.
type Inbound struct {
	ID         int64
	Platform   string
	EventID    string
	Actor      Actor
	Conv       Conversation
	Text       string
	ReceivedAt time.Time
}

// Inbox records inbound events.
type Inbox interface {
	// Record stores ev unless (Platform, EventID) is already there. It
	// returns the row id and whether this call stored it.
	Record(ctx context.Context, ev *Inbound) (fresh bool, err error)
	// Unhandled returns recorded events not yet handled, received before
	// the given time, oldest first, so they can be handled after a crash.
	Unhandled(ctx context.Context, before time.Time, limit int) ([]Inbound, error)
	// UnhandledOn returns up to limit of platform's recorded events not yet
	// handled, however recent, with inbox ids above after, oldest first:
	// for a pool working off, in order, what it had no room for.
	UnhandledOn(ctx context.Context, platform string, after int64, limit int) ([]Inbound, error)
}

// Outbox is the dispatcher's view of the outbox table.
type Outbox interface {
	// Lease takes up to limit due rows for owner until now+lease: for each
	// (platform, channel) only the first of its undelivered rows in a fair
	// order, where requesters (Outgoing.Requester) take turns but each
	// requester's rows, and each thread's, keep the order they were written
	// in; a row behind an undelivered one waits. Rows leased by a dead owner
	// become due again when the lease ends.
	Lease(ctx context.Context, owner string, platforms []string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error)
	// Delivered marks a row delivered with the platform's message id. For a
	// KindCard row it also records remoteID as the claim's thread root.
	Delivered(ctx context.Context, id int64, owner, remoteID string, at time.Time) error
	// Retry releases a row to be tried again at next. countAttempt is false
	// when the platform refused before sending (pacing, a rate limit), which
	// also clears the row's MaybeSent.
	Retry(ctx context.Context, id int64, owner string, next time.Time, countAttempt bool, reason string) error
	// Failed gives up on a row for good.
	Failed(ctx context.Context, id int64, owner, reason string, at time.Time) error
	// ThreadRoot returns a claim's card id in a channel, "" while not posted.
	ThreadRoot(ctx context.Context, claimID int64, platform, channel string) (string, error)
	// Depth counts undelivered rows, for metrics.
	Depth(ctx context.Context) (int, error)
}

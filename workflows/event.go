package workflows

import "time"

// EventKind names what an audit event records.
type EventKind string

const (
	EvFiled         EventKind = "filed"
	EvEvidenceAdded EventKind = "evidence_added"
	EvStateChanged  EventKind = "state_changed"
	EvApproved      EventKind = "approved"
	EvRejected      EventKind = "rejected"
	EvReopened      EventKind = "reopened"
	EvAssigned      EventKind = "assigned"
	EvEdited        EventKind = "edited"
)

// Event is one append-only audit record: who changed what, when, from what to
// what, and why. Events are written in the same transaction as the change.
type Event struct {
	ID      int64
	ClaimID int64
	At      time.Time
	Actor   string // actor key
	Kind    EventKind
	Old     string
	New     string
	Note    string
}

// Clock tells the time; tests give the engine a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC, truncated to milliseconds as stored.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

package digest

import "time"

// OnTime is how long after its slot a digest still counts as on time; later
// than that it is marked late.
const OnTime = time.Minute

// MaxLookback bounds how far back missed slots are recorded after a long
// outage; older ones are simply forgotten.
const MaxLookback = 31 * 24 * time.Hour

// MaxRecorded bounds how many missed slots one plan records (the newest);
// an every-minute schedule down for a day need not write a row per minute.
const MaxRecorded = 200

// Status is what became of a run.
type Status string

const (
	// Posted: the digest was composed and its messages enqueued.
	StatusPosted Status = "posted"
	// Late: posted after a restart, within the grace window.
	StatusLate Status = "late"
	// Empty: nothing was unresolved and the schedule says skip.
	StatusEmpty Status = "empty"
	// Missed: the slot passed while the desk was down, beyond the grace.
	StatusMissed Status = "missed"
	// Superseded: a missed slot within the grace, but a later one is posted.
	StatusSuperseded Status = "superseded"
	// Scheduled: not a slot but the moment the desk first ran the schedule
	// (a desk started with it, or a reload added it). Slots before it are
	// never posted late: the desk was not down then, the schedule just did
	// not exist.
	StatusScheduled Status = "scheduled"
)

// Composed reports whether a run of this status composed a digest, and so
// counts as "the previous digest" when the next one marks what is new.
func (s Status) Composed() bool {
	return s == StatusPosted || s == StatusLate || s == StatusEmpty
}

// Due is one slot the runner must record: post it (Skip false, Late when
// it is past OnTime) or record it as skipped with a status.
type Due struct {
	Slot time.Time
	Late bool
	Skip Status // "" to post
}

// Plan decides what to do with the slots after last (the latest slot
// recorded for the schedule, zero if none) up to now: the newest slot is
// posted if it is within the grace window, late if it is more than OnTime
// old; every other slot is recorded as skipped, never posted, so a restart
// brings back one digest at most. Without a last slot, only the grace window
// is looked at, so a new schedule does not record a history it never had.
func (s *Schedule) Plan(last, now time.Time) []Due {
	from := last
	if from.IsZero() {
		from = now.Add(-s.Grace)
	}
	if limit := now.Add(-MaxLookback); from.Before(limit) {
		from = limit
	}
	slots := s.Slots(from, now)
	out := make([]Due, 0, len(slots))
	for i, slot := range slots {
		age := now.Sub(slot)
		switch {
		case age > s.Grace:
			out = append(out, Due{Slot: slot, Skip: StatusMissed})
		case i < len(slots)-1:
			out = append(out, Due{Slot: slot, Skip: StatusSuperseded})
		default:
			out = append(out, Due{Slot: slot, Late: age > OnTime})
		}
	}
	if len(out) > MaxRecorded {
		out = out[len(out)-MaxRecorded:]
	}
	return out
}

// Package digest posts scheduled digests of unresolved claims: one message
// (split where a platform needs it) that tells editors what is still disputed,
// stale or unassigned, worst first, with what is new since the last digest.
//
// It owns the pure parts: parsing a schedule (a cron spec with a named zone),
// computing its slots under a stated daylight-saving policy, deciding what to
// do with slots missed while the desk was down, composing a digest from the
// claims a Store returns, ordering it and rendering it as a neutral
// workflows.Message. Runner adds the transaction that makes a slot post
// exactly once across replicas, and Runner.Run drives it with robfig/cron.
//
// # Slots and daylight saving
//
// A schedule's slots are computed here, from the parsed cron.Schedule,
// rather than left to robfig/cron, whose own Next skips a slot that falls in
// a spring-forward gap and fires a fall-back slot twice. The policy:
//
//   - A wall-clock time that does not exist (the spring-forward gap) is
//     posted once, at the first instant after the gap: 01:30 on the morning
//     the clocks go from 01:00 to 02:00 runs at 02:00. Several gap times of
//     one schedule collapse into that one slot.
//   - A wall-clock time that happens twice (the fall-back hour) runs at its
//     first occurrence only. Slots are keyed by their UTC instant in the
//     runs table, so this rule, not the key, is what stops a second post.
//   - A schedule without a zone runs in UTC, never in the host's local zone.
//
// # Missed slots
//
// robfig/cron never runs a slot that passed while the process was down. On
// start, and on every tick, Runner looks at the slots since the last one it
// recorded for the schedule: the latest one is posted if it is less than the
// schedule's grace old (marked late when it is more than OnTime old), and
// every other one is recorded as skipped, so it is never posted later. A
// schedule that has never run looks back only as far as its grace.
//
// This package imports only the standard library, robfig/cron and
// workflows. It must never import storage/, bot/ or cmd/: storage implements
// Store, and cmd/factdesk wires the Runner in.
package digest

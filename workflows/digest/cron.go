package digest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Run starts one cron entry per schedule, catches up on slots missed while
// the desk was down, and blocks until ctx ends; then it stops the cron and
// waits (up to a minute) for runs in progress. SetSchedules makes it start
// over with the new schedules.
//
// Each schedule's job is wrapped in cron.Recover and cron.SkipIfStillRunning:
// a panic is logged with its stack instead of killing the process, and a
// slow run is never overlapped by the next tick of the same schedule. The
// catch-up at start goes through the same wrapped job, so it cannot overlap
// a tick either.
func (r *Runner) Run(ctx context.Context) error {
	log := r.logger()
	changes := r.changes()
	for catchUp := true; ; catchUp = false {
		c := r.start(ctx, catchUp)
		select {
		case <-ctx.Done():
		case <-changes:
		}
		stopped := c.Stop()
		if ctx.Err() == nil {
			// Rescheduled: runs in progress go on beside the new entries.
			continue
		}
		select {
		case <-stopped.Done():
		case <-time.After(time.Minute):
			log.Warn("digest runs still going after a minute; leaving them")
		}
		return nil
	}
}

// start starts a cron with one entry per schedule in force and, at start,
// catches up on slots missed since each schedule's last run (CatchUp).
// After a reload it does not: the desk was not down; a schedule just added
// is only recorded as first seen, so it posts no slot from before it
// existed.
func (r *Runner) start(ctx context.Context, catchUp bool) *cron.Cron {
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cronLogger{r.logger()}))
	schedules := r.current()
	for _, s := range schedules {
		c.Schedule(s, r.Job(ctx, s))
		if !catchUp {
			if err := r.firstSeen(ctx, s); err != nil {
				r.logger().Error("recording a new schedule", "schedule", s.Name, "err", err)
			}
		}
	}
	// Start before catching up: a slot falling between the two is then
	// fired by the cron, and the runs table makes the overlap harmless.
	c.Start()
	if catchUp {
		for _, s := range schedules {
			l := cronLogger{r.logger().With("schedule", s.Name)}
			go cron.NewChain(cron.Recover(l)).Then(cron.FuncJob(func() {
				if _, err := r.CatchUp(ctx, s); err != nil && ctx.Err() == nil {
					r.logger().Error("catching up on digests", "schedule", s.Name, "err", err)
				}
			})).Run()
		}
	}
	return c
}

// CatchUp is what start-up does for a schedule: it records a schedule the
// desk runs for the first time (StatusScheduled), then ticks it, recording
// the slots missed while the desk was down and posting the newest within
// the grace. A desk that did not exist at a slot never posts it late.
func (r *Runner) CatchUp(ctx context.Context, s *Schedule) ([]Result, error) {
	if err := r.firstSeen(ctx, s); err != nil {
		return nil, fmt.Errorf("schedule %q: recording it: %w", s.Name, err)
	}
	return r.Tick(ctx, s)
}

// firstSeen records when the desk first runs a schedule that has no run
// yet (StatusScheduled), so catching up and the first ticks look back no
// further than that.
func (r *Runner) firstSeen(ctx context.Context, s *Schedule) error {
	last, err := r.Store.LastDigestSlot(ctx, s.Name)
	if err != nil || !last.IsZero() {
		return err
	}
	// Just before now, and never on a whole minute, where slots fall (cron
	// specs have five fields): a slot due right now is still posted.
	now := r.Clock.Now()
	seen := now.Add(-time.Millisecond)
	if seen.Truncate(time.Minute).Equal(seen) {
		seen = seen.Add(-time.Millisecond)
	}
	run := Run{Schedule: s.Name, Slot: seen, Platform: s.Platform, Channel: s.Channel, At: now, Status: StatusScheduled}
	return r.Store.WithinDigest(ctx, func(tx Tx) error {
		_, err := tx.StartDigestRun(ctx, &run)
		return err
	})
}

// Job is the cron job of one schedule: a Tick, recovered and never run twice
// at once.
func (r *Runner) Job(ctx context.Context, s *Schedule) cron.Job {
	l := cronLogger{r.logger().With("schedule", s.Name)}
	return cron.NewChain(cron.Recover(l), cron.SkipIfStillRunning(l)).Then(cron.FuncJob(func() {
		if _, err := r.Tick(ctx, s); err != nil && ctx.Err() == nil {
			r.logger().Error("digest run failed", "schedule", s.Name, "err", err)
		}
	}))
}

// cronLogger adapts slog to robfig/cron's logger; its chatter (wake,
// schedule, run, skip) goes to debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

package digest

import (
	"context"
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
// catches up on slots missed since each schedule's last run. After a
// reload it does not: the desk was not down, and a schedule just added
// should not post a slot from before it existed.
func (r *Runner) start(ctx context.Context, catchUp bool) *cron.Cron {
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cronLogger{r.logger()}))
	var jobs []cron.Job
	for _, s := range r.current() {
		job := r.Job(ctx, s)
		c.Schedule(s, job)
		jobs = append(jobs, job)
	}
	// Start before catching up: a slot falling between the two is then
	// fired by the cron, and the runs table makes the overlap harmless.
	c.Start()
	for _, job := range jobs {
		if catchUp {
			go job.Run()
		}
	}
	return c
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

package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Run is one row of the runs table: a schedule's slot (or a digest someone
// asked for) and what became of it. (Schedule, Manual, Slot) is unique, so a
// slot is recorded, and posted, once whatever the number of replicas.
type Run struct {
	ID       int64
	Schedule string
	// Slot is the UTC instant the digest was due; for a manual run, when it
	// was asked for.
	Slot   time.Time
	Manual bool
	// Platform and Channel are where the digest went.
	Platform, Channel string
	Status            Status
	At                time.Time
	// Items and Messages count what was posted.
	Items, Messages int
}

// History tells what earlier digests listed.
type History interface {
	// PreviousDigestItems returns the claim ids listed by the latest
	// composed run (see Status.Composed) of the schedule to the same
	// platform and channel whose id is below beforeID (0: any), and false
	// when there is none.
	PreviousDigestItems(ctx context.Context, schedule, platform, channel string, beforeID int64) ([]int64, bool, error)
}

// Reader is the read side of the store a digest needs.
type Reader interface {
	History
	// DigestClaims returns the pending claims q selects, each once, with
	// what a digest shows: statement, assignee, state, creation and state
	// times, the figure's value (its qualifier and unit may be left out),
	// the threads whose card is posted, and for the disputed ones the
	// evidence Rules.Assess needs for Low, High and Conflict (sources with a
	// figure or contradicting, in id order). Claim order does not matter.
	DigestClaims(ctx context.Context, q Query) ([]workflows.Claim, error)
}

// Tx is a write transaction of the store. It reads no claims: those are
// read before it, so the write lock is held briefly.
type Tx interface {
	History
	// StartDigestRun inserts r and sets r.ID. It returns false, writing
	// nothing, when a run of the same (Schedule, Manual, Slot) exists: then
	// another replica has it, and the caller must write nothing more.
	StartDigestRun(ctx context.Context, r *Run) (bool, error)
	// FinishDigestRun records r's status and counts and the claims it
	// listed (dropping lists older runs of its schedule and channel no
	// longer need).
	FinishDigestRun(ctx context.Context, r *Run, claimIDs []int64) error
	// Enqueue writes outbox rows. See workflows.Tx.
	Enqueue(ctx context.Context, msgs ...workflows.Outgoing) error
	// MarkHandled marks the inbound event of a chat command handled (or
	// records it handled). ErrHandled: it already was. See workflows.Tx.
	MarkHandled(ctx context.Context, ev workflows.Inbound, at time.Time) (int64, error)
}

// Store is the database as digests see it.
type Store interface {
	Reader
	// WithinDigest runs fn in one write transaction and commits if fn
	// returns nil; it returns fn's error unchanged.
	WithinDigest(ctx context.Context, fn func(Tx) error) error
	// LastDigestSlot returns the latest slot recorded for a schedule's
	// scheduled (not manual) runs, or the zero time.
	LastDigestSlot(ctx context.Context, schedule string) (time.Time, error)
}

// Runner composes and posts digests: on schedule (Run, Tick), on request
// (Command, Post) and as a preview (Preview).
type Runner struct {
	Store     Store
	Schedules []*Schedule
	Clock     workflows.Clock
	Rules     workflows.Rules
	// Limits are each platform's message limits; a digest is split to fit.
	Limits map[string]workflows.Limits
	Links  Links
	// Permit refuses a request from someone who may not ask for a digest
	// (Engine.RequireEditor: editors only). Nil permits everyone.
	Permit func(ctx context.Context, req workflows.Request, what string) error
	Logger *slog.Logger
	// Notify wakes the dispatcher after a digest is enqueued; must not block.
	Notify func()
	// Names, when set, names the assignees a digest lists.
	Names workflows.Names

	// mu guards Schedules once Run has started; changed wakes Run after
	// SetSchedules.
	mu      sync.RWMutex
	changed chan struct{}
}

// current returns the schedules in force.
func (r *Runner) current() []*Schedule {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.Schedules
}

// SetSchedules replaces the schedules while the desk runs (a config
// reload): a running Run drops the old cron entries and starts the new
// ones, catching up as at start. A digest being posted finishes; the runs
// table keeps a slot from being posted twice across the change.
func (r *Runner) SetSchedules(schedules []*Schedule) {
	r.mu.Lock()
	r.Schedules = schedules
	if r.changed == nil {
		r.changed = make(chan struct{}, 1)
	}
	ch := r.changed
	r.mu.Unlock()
	select {
	case ch <- struct{}{}:
	default:
	}
}

// changes is the channel SetSchedules signals on.
func (r *Runner) changes() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed == nil {
		r.changed = make(chan struct{}, 1)
	}
	return r.changed
}

// Result says what one run did.
type Result struct {
	Run Run
	// Won is false when another replica (or an earlier tick) had recorded
	// the slot already, so this call did nothing.
	Won bool
}

var errTaken = errors.New("slot already recorded")

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// Schedule returns the schedule named name. ENOTFOUND names the ones there are.
func (r *Runner) Schedule(name string) (*Schedule, error) {
	var names []string
	for _, s := range r.current() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return nil, workflows.Errorf(workflows.ENOTFOUND, "no digest schedules are configured")
	}
	return nil, workflows.Errorf(workflows.ENOTFOUND, "no schedule %q; there are: %s", name, strings.Join(names, ", "))
}

// pick finds the schedule a request means: the named one; without a name,
// the only one, or the one posting to the conversation's channel, or the
// first; with no schedules at all, the defaults.
func (r *Runner) pick(name string, conv workflows.Conversation) (*Schedule, error) {
	if name != "" {
		return r.Schedule(name)
	}
	schedules := r.current()
	if len(schedules) == 0 {
		return Parse(Config{Name: "now", Cron: "0 0 * * *", Platform: "shell", Channel: "terminal"})
	}
	for _, s := range schedules {
		if s.Platform == conv.Platform && s.Channel == conv.Channel {
			return s, nil
		}
	}
	return schedules[0], nil
}

// Tick records every slot of s that is due by now and not yet recorded:
// posting the newest within the grace window, skipping the others (see
// Plan). It is what the cron job runs, and what start-up runs to catch up.
func (r *Runner) Tick(ctx context.Context, s *Schedule) ([]Result, error) {
	now := r.Clock.Now()
	last, err := r.Store.LastDigestSlot(ctx, s.Name)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: reading its last run: %w", s.Name, err)
	}
	var out []Result
	for _, due := range s.Plan(last, now) {
		res, err := r.runSlot(ctx, s, due, now)
		if err != nil {
			return out, fmt.Errorf("schedule %q, slot %s: %w", s.Name, due.Slot.Format(time.RFC3339), err)
		}
		out = append(out, res)
	}
	return out, nil
}

func (r *Runner) runSlot(ctx context.Context, s *Schedule, due Due, now time.Time) (Result, error) {
	run := Run{Schedule: s.Name, Slot: due.Slot, Platform: s.Platform, Channel: s.Channel, At: now, Status: due.Skip}
	log := r.logger().With("schedule", s.Name, "slot", due.Slot, "platform", s.Platform, "channel", s.Channel)
	if due.Skip != "" {
		err := r.Store.WithinDigest(ctx, func(tx Tx) error {
			won, err := tx.StartDigestRun(ctx, &run)
			if err == nil && !won {
				return errTaken
			}
			return err
		})
		if errors.Is(err, errTaken) {
			return Result{Run: run}, nil
		}
		if err == nil {
			log.Warn("digest slot skipped", "status", due.Skip)
		}
		return Result{Run: run, Won: err == nil}, err
	}
	in := Inputs{Schedule: s, Platform: s.Platform, Channel: s.Channel, Slot: due.Slot, Late: due.Late}
	res, err := r.post(ctx, run, in, nil)
	if err == nil && res.Won {
		log.Info("digest run", "status", res.Run.Status, "items", res.Run.Items, "messages", res.Run.Messages)
	}
	return res, err
}

// post records run and, when this call inserted it, composes the digest and
// enqueues its messages in the same transaction. The claims are read before
// it: on SQLite a write transaction holds the one write lock, and reading a
// large desk inside it would stall every command meanwhile. A claim that
// changes in between is shown as it was a moment before, as in any digest.
func (r *Runner) post(ctx context.Context, run Run, in Inputs, ev *workflows.Inbound) (Result, error) {
	claims, err := r.Store.DigestClaims(ctx, in.Schedule.Query(run.At))
	if err != nil {
		return Result{Run: run}, err
	}
	workflows.NameAssignees(ctx, r.Names, claims)
	var out []workflows.Outgoing
	start := run
	err = r.Store.WithinDigest(ctx, func(tx Tx) error {
		run = start // this may run more than once; see workflows.Store.Within
		if ev != nil {
			if _, err := tx.MarkHandled(ctx, *ev, run.At); err != nil {
				return err
			}
		}
		won, err := tx.StartDigestRun(ctx, &run)
		if err != nil {
			return err
		}
		if !won {
			return errTaken
		}
		d, err := r.compose(ctx, tx, in, claims, run.ID, run.At)
		if err != nil {
			return err
		}
		out = r.outgoing(d, run.Platform, run.Channel, run.At)
		run.Items, run.Messages = len(d.Entries), len(out)
		switch {
		case len(out) == 0:
			run.Status = StatusEmpty
		case run.Status == "" && in.Late:
			run.Status = StatusLate
		case run.Status == "":
			run.Status = StatusPosted
		}
		if len(out) > 0 {
			if err := tx.Enqueue(ctx, out...); err != nil {
				return err
			}
		}
		return tx.FinishDigestRun(ctx, &run, d.ClaimIDs())
	})
	if errors.Is(err, errTaken) {
		return Result{Run: run}, nil
	}
	if err != nil {
		return Result{Run: run}, err
	}
	if len(out) > 0 && r.Notify != nil {
		r.Notify()
	}
	return Result{Run: run, Won: true}, nil
}

// compose reads the previous digest through rd and composes claims.
func (r *Runner) compose(ctx context.Context, rd History, in Inputs, claims []workflows.Claim, runID int64, now time.Time) (Digest, error) {
	in.Now, in.Rules, in.Links = now, r.Rules, r.Links
	if in.Schedule.SlackURL != "" {
		in.Links.SlackURL = in.Schedule.SlackURL
	}
	prev, ok, err := rd.PreviousDigestItems(ctx, in.Schedule.Name, in.Platform, in.Channel, runID)
	if err != nil {
		return Digest{}, err
	}
	if ok {
		in.Previous = make(map[int64]bool, len(prev))
		for _, id := range prev {
			in.Previous[id] = true
		}
	}
	return Compose(claims, in), nil
}

// outgoing renders d as outbox rows to (platform, channel), split to the
// platform's limits; none when the digest is empty and skipped.
func (r *Runner) outgoing(d Digest, platform, channel string, now time.Time) []workflows.Outgoing {
	m, ok := d.Message()
	if !ok {
		return nil
	}
	return workflows.SplitOutgoing([]workflows.Outgoing{{
		Platform: platform, Channel: channel, Kind: workflows.KindPost, Message: m, CreatedAt: now,
	}}, r.Limits)
}

// Command is the chat command "digest [schedule]": an editor asks for a
// digest now. It is posted where they asked (the schedule's own channel
// when the request has no conversation, as from the command line), in the
// same transaction that marks the inbox event handled. EFORBIDDEN: not an
// editor; ENOTFOUND: no such schedule.
func (r *Runner) Command(ctx context.Context, req workflows.Request, name string) (Result, error) {
	if r.Permit != nil {
		if err := r.Permit(ctx, req, "ask for a digest"); err != nil {
			return Result{}, err
		}
	}
	s, err := r.pick(strings.TrimSpace(name), req.Conv)
	if err != nil {
		return Result{}, err
	}
	now := r.Clock.Now()
	platform, channel := s.Platform, s.Channel
	if req.Conv.Platform != "" && req.Conv.Channel != "" {
		platform, channel = req.Conv.Platform, req.Conv.Channel
	}
	run := Run{Schedule: s.Name, Slot: now, Manual: true, Platform: platform, Channel: channel, At: now}
	in := Inputs{Schedule: s, Platform: platform, Channel: channel, Slot: now, Manual: true}
	res, err := r.post(ctx, run, in, req.Event)
	if err == nil && !res.Won {
		err = workflows.Errorf(workflows.ECONFLICT, "a digest of %s was asked for at the same moment; it is on its way", s.Name)
	}
	if err == nil {
		r.logger().Info("digest asked for", "schedule", s.Name, "platform", platform, "channel", channel,
			"user", req.Actor.Key(), "items", res.Run.Items, "messages", res.Run.Messages)
	}
	return res, err
}

// Preview composes the digest a schedule would post now, split for its
// platform, and writes nothing: the command line's --dry-run.
func (r *Runner) Preview(ctx context.Context, name string) ([]workflows.Message, error) {
	s, err := r.pick(name, workflows.Conversation{})
	if err != nil {
		return nil, err
	}
	now := r.Clock.Now()
	in := Inputs{Schedule: s, Platform: s.Platform, Channel: s.Channel, Slot: now, Manual: true}
	claims, err := r.Store.DigestClaims(ctx, s.Query(now))
	if err != nil {
		return nil, err
	}
	workflows.NameAssignees(ctx, r.Names, claims)
	d, err := r.compose(ctx, r.Store, in, claims, 0, now)
	if err != nil {
		return nil, err
	}
	var msgs []workflows.Message
	for _, o := range r.outgoing(d, s.Platform, s.Channel, now) {
		msgs = append(msgs, o.Message)
	}
	return msgs, nil
}

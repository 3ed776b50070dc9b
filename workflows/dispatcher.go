package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Deliverer sends outbox rows to one platform. It is the only way anything
// reaches a chat: adapters implement it and never post around the outbox.
type Deliverer interface {
	// Deliver sends one message and returns the platform's id for it (Slack
	// ts, Matrix event id). A Deliverer must make a repeated Deliver of the
	// same row (same Outgoing.ID, after a crash or an ambiguous failure)
	// have no second visible effect where the platform allows it: Matrix
	// transaction ids, a Slack metadata look-up before re-posting.
	// Return *RetryLater to be called again later without counting an attempt
	// (rate limits, pacing), and Permanent(err) for a row that can never go.
	Deliver(ctx context.Context, d Delivery) (remoteID string, err error)
}

// Standby is a Deliverer that can leave its platform's rows to another
// replica for a while: the Matrix one while another replica holds the
// account's encryption keys. The dispatcher does not lease a platform's
// rows while its deliverer is on standby.
type Standby interface {
	Standby() bool
}

// Delivery is an outbox row with its thread resolved.
type Delivery struct {
	Outgoing
	// ThreadRoot is the message to reply under, "" for the channel itself.
	ThreadRoot string
	// CardID is, for KindCardUpdate, the card message to edit.
	CardID string
}

// RetryLater asks the dispatcher to try a row again after a wait that the
// platform imposed (429 Retry-After, per-channel pacing).
type RetryLater struct {
	After time.Duration
	Err   error
}

func (e *RetryLater) Error() string { return fmt.Sprintf("retry after %s: %v", e.After, e.Err) }
func (e *RetryLater) Unwrap() error { return e.Err }

type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// Permanent marks a delivery error that retrying cannot fix.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanentError)) }

// DispatchObserver receives delivery outcomes, for metrics.
type DispatchObserver interface {
	Delivered(platform string)
	DeliveryFailed(platform string, final bool)
}

// Dispatcher delivers outbox rows with retries and backoff. Several
// dispatchers (replicas) may share one outbox: rows are leased, so each is
// handed to one of them at a time, and a dead one's rows return after the lease.
type Dispatcher struct {
	Outbox     Outbox
	Deliverers map[string]Deliverer
	Clock      Clock
	Logger     *slog.Logger
	Observer   DispatchObserver
	// Owner names this dispatcher in leases; unique per process.
	Owner string
	// Lease is how long a row is reserved while it is being sent.
	Lease time.Duration
	// MaxAttempts is how many failed sends make a row failed for good.
	MaxAttempts int
	// Poll is how often the outbox is looked at when nobody kicks.
	Poll time.Duration
	// Workers bounds concurrent sends (each to a different channel).
	Workers int

	once sync.Once
	kick chan struct{}
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.kick = make(chan struct{}, 1)
		if d.Lease == 0 {
			d.Lease = 30 * time.Second
		}
		if d.MaxAttempts == 0 {
			d.MaxAttempts = 12
		}
		if d.Poll == 0 {
			d.Poll = time.Second
		}
		if d.Workers == 0 {
			d.Workers = 8
		}
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Kick wakes the dispatcher now; it never blocks.
func (d *Dispatcher) Kick() {
	d.init()
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then makes one last pass (bounded in time) so
// a clean stop sends what it can.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	ticker := time.NewTicker(d.Poll)
	defer ticker.Stop()
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.Logger.Error("outbox pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if _, err := d.Drain(last); err != nil {
				d.Logger.Warn("last outbox pass before stopping failed; the rows stay queued for the next start", "err", err)
			}
			cancel()
			return nil
		case <-d.kick:
		case <-ticker.C:
		}
	}
}

// Drain delivers until nothing is due right now (rows waiting on a backoff or
// a rate limit are left for later) and returns how many it delivered.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := d.DeliverDue(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (d *Dispatcher) platforms() []string {
	out := make([]string, 0, len(d.Deliverers))
	for p, del := range d.Deliverers {
		if s, ok := del.(Standby); ok && s.Standby() {
			continue
		}
		out = append(out, p)
	}
	return out
}

// DeliverDue makes one pass: it leases the due rows (the head of each
// channel) and sends them concurrently. It returns how many rows it handled
// (delivered, failed for good, or rescheduled).
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	d.init()
	rows, err := d.Outbox.Lease(ctx, d.Owner, d.platforms(), d.Clock.Now(), d.Lease, 64)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	sem := make(chan struct{}, d.Workers)
	var wg sync.WaitGroup
	for _, row := range rows {
		sem <- struct{}{}
		wg.Add(1)
		go func(row Outgoing) {
			defer func() { <-sem; wg.Done() }()
			d.deliverOne(ctx, row)
		}(row)
	}
	wg.Wait()
	return len(rows), nil
}

func (d *Dispatcher) deliverOne(ctx context.Context, row Outgoing) {
	log := d.Logger.With("outbox_id", row.ID, "platform", row.Platform, "channel", row.Channel, "kind", row.Kind, "claim_id", row.ClaimID)
	defer func() {
		if r := recover(); r != nil {
			log.Error("deliverer panicked", "panic", r)
			d.noted(log, "rescheduling after a panic", d.Outbox.Retry(context.WithoutCancel(ctx), row.ID, d.Owner, d.Clock.Now().Add(backoff(row.Attempts)), true, fmt.Sprint("panic: ", r)))
		}
	}()
	del, err := d.resolve(ctx, row)
	if err != nil {
		log.Error("resolving thread", "err", err)
		d.noted(log, "rescheduling", d.Outbox.Retry(ctx, row.ID, d.Owner, d.Clock.Now().Add(backoff(row.Attempts)), true, err.Error()))
		return
	}
	if row.Kind == KindCardUpdate && del.CardID == "" {
		// The card never made it (failed for good); there is nothing to edit.
		d.noted(log, "marking an edit of a card that was never posted as done", d.Outbox.Delivered(ctx, row.ID, d.Owner, "", d.Clock.Now()))
		return
	}
	remoteID, err := d.Deliverers[row.Platform].Deliver(ctx, del)
	now := d.Clock.Now()
	var later *RetryLater
	switch {
	case err == nil:
		if err := d.Outbox.Delivered(ctx, row.ID, d.Owner, remoteID, now); err != nil {
			log.Error("marking delivered", "err", err)
			return
		}
		if d.Observer != nil {
			d.Observer.Delivered(row.Platform)
		}
	case errors.As(err, &later):
		d.noted(log, "rescheduling after a rate limit", d.Outbox.Retry(ctx, row.ID, d.Owner, now.Add(later.After), false, later.Error()))
	case IsPermanent(err) || row.Attempts+1 >= d.MaxAttempts:
		log.Error("delivery failed for good", "err", err, "attempts", row.Attempts+1)
		d.noted(log, "marking failed", d.Outbox.Failed(ctx, row.ID, d.Owner, err.Error(), now))
		if d.Observer != nil {
			d.Observer.DeliveryFailed(row.Platform, true)
		}
	default:
		log.Warn("delivery failed; will retry", "err", err, "attempts", row.Attempts+1)
		d.noted(log, "rescheduling", d.Outbox.Retry(ctx, row.ID, d.Owner, now.Add(backoff(row.Attempts)), true, err.Error()))
		if d.Observer != nil {
			d.Observer.DeliveryFailed(row.Platform, false)
		}
	}
}

// noted logs an outbox write that failed, with the row's fields already on
// log. The row then stays leased until its lease runs out, and is tried
// again; a lost lease (another replica took the row) is what most such
// errors are.
func (d *Dispatcher) noted(log *slog.Logger, what string, err error) {
	if err != nil {
		log.Error("outbox write failed: "+what, "err", err)
	}
}

// resolve finds the thread root and card a row refers to.
func (d *Dispatcher) resolve(ctx context.Context, row Outgoing) (Delivery, error) {
	del := Delivery{Outgoing: row, ThreadRoot: row.Thread}
	if row.ClaimID == 0 || (row.Kind != KindCardUpdate && !row.InClaimThread) {
		return del, nil
	}
	root, err := d.Outbox.ThreadRoot(ctx, row.ClaimID, row.Platform, row.Channel)
	if err != nil {
		return del, err
	}
	if row.Kind == KindCardUpdate {
		del.CardID = root
	} else if del.ThreadRoot == "" {
		del.ThreadRoot = root
	}
	return del, nil
}

// backoff grows 1s, 2s, 4s… up to five minutes.
func backoff(attempts int) time.Duration {
	if attempts > 8 {
		attempts = 8
	}
	d := time.Second << attempts
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	return d
}

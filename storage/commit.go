package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Group commit.
//
// SQLite has one writer, and with synchronous=FULL every commit waits for
// the disk. When twenty reporters file at once during a breaking story,
// twenty transactions one after the other would each pay that wait; the
// writer below instead runs whatever changes are queued when it becomes free
// in one transaction, each change inside its own savepoint, and commits
// them together. A change that fails is rolled back to its savepoint alone,
// so the others are unaffected, and each caller learns only its own change's
// outcome. With one change waiting (the usual case when the desk is quiet)
// it is an ordinary transaction.
//
// Changes inside a batch run one after the other, so each sees the ones
// before it: optimistic concurrency works exactly as it does between
// separate transactions. PostgreSQL has group commit of its own and many
// writers; there Within is a plain transaction per call.

// maxBatch bounds how many changes share one commit, so one slow change
// cannot hold many callers for long.
const maxBatch = 64

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("the database is closed")

// groupWriter is the one goroutine that writes to a SQLite database.
type groupWriter struct {
	db       *DB
	requests chan *writeRequest // unbuffered: a request is either taken or refused, never stranded
	quit     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// writeRequest is one caller's change waiting for the writer.
type writeRequest struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error // buffered; receives exactly one outcome
}

// memberPanic carries a panic in a change back to its caller's goroutine.
type memberPanic struct{ value any }

func (p memberPanic) Error() string { return fmt.Sprint("panic in a write: ", p.value) }

func startGroupWriter(db *DB) *groupWriter {
	w := &groupWriter{db: db, requests: make(chan *writeRequest), quit: make(chan struct{}), stopped: make(chan struct{})}
	go w.loop()
	return w
}

// submit hands fn to the writer and waits for its outcome. Once the writer
// has taken it, the caller waits for the true outcome even if ctx ends: the
// change may already be committed.
func (w *groupWriter) submit(ctx context.Context, fn func(*Tx) error) error {
	r := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case w.requests <- r:
	case <-w.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-r.done
	if p, ok := err.(memberPanic); ok {
		panic(p.value)
	}
	return err
}

// stop lets the batch in progress finish and refuses later writes.
func (w *groupWriter) stop() {
	w.stopOnce.Do(func() { close(w.quit) })
	<-w.stopped
}

func (w *groupWriter) loop() {
	defer close(w.stopped)
	batch := make([]*writeRequest, 0, maxBatch)
	for {
		select {
		case r := <-w.requests:
			batch = append(batch[:0], r)
		case <-w.quit:
			return
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-w.requests:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		w.db.commitBatch(batch)
	}
}

// commitBatch runs the live requests of a batch in one transaction and
// answers each of them.
func (s *DB) commitBatch(batch []*writeRequest) {
	live := make([]*writeRequest, 0, len(batch))
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err // gave up while queued: nothing ran
			continue
		}
		live = append(live, r)
	}
	switch len(live) {
	case 0:
		return
	case 1:
		r := live[0]
		r.done <- s.writeAlone(r.ctx, r.fn)
		return
	}
	tx, err := s.db.BeginTxx(context.Background(), nil)
	if err != nil {
		for _, r := range live {
			r.done <- fmt.Errorf("beginning a transaction: %w", err)
		}
		return
	}
	t := &Tx{tx: tx, dialect: s.dialect, db: s}
	var applied []*writeRequest
	fail := func(err error, rest []*writeRequest) {
		tx.Rollback()
		for _, r := range append(applied, rest...) {
			r.done <- err
		}
	}
	for i, r := range live {
		if _, err := tx.Exec(`SAVEPOINT change`); err != nil {
			fail(fmt.Errorf("beginning a change: %w", err), live[i:])
			return
		}
		if err := runMember(t, r.fn); err != nil {
			// A failed statement leaves the transaction usable; an I/O
			// error or a full disk ends it, and then nothing here commits.
			if _, rbErr := tx.Exec(`ROLLBACK TO change`); rbErr != nil {
				r.done <- err
				fail(fmt.Errorf("committing: %w", rbErr), live[i+1:])
				return
			}
			r.done <- err
		} else {
			applied = append(applied, r)
		}
		if _, err := tx.Exec(`RELEASE change`); err != nil {
			fail(fmt.Errorf("committing: %w", err), live[i+1:])
			return
		}
	}
	if err := tx.Commit(); err != nil {
		for _, r := range applied {
			r.done <- fmt.Errorf("committing: %w", err)
		}
		return
	}
	for _, r := range applied {
		r.done <- nil
	}
}

// runMember runs one change, turning a panic into an error for its caller
// to re-raise, so one bad change does not take down the writer.
func runMember(t *Tx, fn func(*Tx) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = memberPanic{v}
		}
	}()
	return fn(t)
}

package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Group commit.
//
// SQLite has one writer, and with synchronous=FULL every commit waits for
// the disk. When twenty reporters file at once during a breaking story,
// twenty transactions one after the other would each pay that wait; the
// writer below instead runs whatever changes are queued when it becomes free
// in one transaction and commits them together. A change that fails is
// undone alone, so the others are unaffected, and each caller learns only
// its own change's outcome. With one change waiting (the usual case when
// the desk is quiet) it is an ordinary transaction.
//
// Changes inside a batch run one after the other, so each sees the ones
// before it: optimistic concurrency works exactly as it does between
// separate transactions. PostgreSQL has group commit of its own and many
// writers; there Within is a plain transaction per call.

// maxBatch bounds how many changes share one commit, so one slow change
// cannot hold many callers for long.
const maxBatch = 64

// checkpointEvery is how many commits the writer makes before it asks for
// a checkpoint. SQLite would otherwise checkpoint inside a commit once the
// write-ahead log passes 1,000 pages, stalling every queued change while
// it copies them into the database file; a passive checkpoint on another
// connection does that work beside the writer. A commit of a busy batch
// writes a few dozen pages, so the log stays near SQLite's own bound.
const checkpointEvery = 32

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("the database is closed")

// groupWriter is the one goroutine that writes to a SQLite database.
type groupWriter struct {
	db       *DB
	requests chan *writeRequest // unbuffered: a request is either taken or refused, never stranded
	quit     chan struct{}
	stopped  chan struct{} // closed when loop and the checkpointer have ended
	stopOnce sync.Once
	// conn is the connection every write goes through; only loop uses it.
	conn *sqlx.Conn
	// checkpoint wakes the checkpointer; commits counts toward the next.
	checkpoint chan struct{}
	commits    int
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
	w := &groupWriter{db: db, requests: make(chan *writeRequest), quit: make(chan struct{}), stopped: make(chan struct{}),
		checkpoint: make(chan struct{}, 1)}
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); w.loop() }()
	go func() { defer both.Done(); w.checkpointer() }()
	go func() { both.Wait(); close(w.stopped) }()
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
	defer func() {
		if w.conn != nil {
			w.conn.Close()
		}
	}()
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
		w.commit(batch)
		if w.commits++; w.commits >= checkpointEvery {
			w.commits = 0
			select {
			case w.checkpoint <- struct{}{}:
			default: // one is already asked for
			}
		}
	}
}

// checkpointer copies the write-ahead log into the database file when the
// writer asks, on a connection of its own. A passive checkpoint never
// waits for the writer or readers: it copies what it can, and the rest
// goes next time.
func (w *groupWriter) checkpointer() {
	for {
		select {
		case <-w.checkpoint:
			if _, err := w.db.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				// The log grows until the next checkpoint works; writes go on.
				continue
			}
		case <-w.quit:
			return
		}
	}
}

// begin starts a write transaction on the writer's own connection, taking
// a fresh one if that connection has gone bad.
func (w *groupWriter) begin() (*sqlx.Tx, error) {
	ctx := context.Background()
	if w.conn != nil {
		tx, err := w.conn.BeginTxx(ctx, nil)
		if err == nil {
			return tx, nil
		}
		w.conn.Close()
		w.conn = nil
	}
	conn, err := w.db.db.Connx(ctx)
	if err != nil {
		return nil, err
	}
	// Checkpoints are the checkpointer's job, not this connection's commits.
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Close()
		return nil, err
	}
	w.conn = conn
	return conn.BeginTxx(ctx, nil)
}

// commit runs the live requests of a batch in one transaction and answers
// each of them.
//
// Changes rarely fail inside the transaction (refusals are decided before
// it), so the batch first runs without savepoints, which would copy every
// page each change touches. When a change fails, the transaction is rolled
// back, that change is answered, and the others run again, now each in its
// own savepoint: they have not been answered, and a change may run more
// than once (see workflows.Store.Within).
func (w *groupWriter) commit(batch []*writeRequest) {
	live := alive(batch)
	if len(live) == 0 {
		return
	}
	live, failed, err := w.runTogether(live)
	if failed < 0 {
		return
	}
	rest := append(live[:failed:failed], live[failed+1:]...)
	if len(rest) > 0 {
		w.runApart(rest)
	}
	// Answered last: a change that lost a race to another in the batch (a
	// version conflict) reads the winner's result when it is told, so the
	// winner must be committed first.
	live[failed].done <- err
}

// alive answers the requests whose callers gave up while they were queued
// (nothing of theirs ran) and returns the others.
func alive(batch []*writeRequest) []*writeRequest {
	live := make([]*writeRequest, 0, len(batch))
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		live = append(live, r)
	}
	return live
}

// more takes the requests that are waiting now, up to n, without waiting
// for any.
func (w *groupWriter) more(n int) []*writeRequest {
	var got []*writeRequest
	for len(got) < n {
		select {
		case r := <-w.requests:
			got = append(got, r)
		default:
			return alive(got)
		}
	}
	return alive(got)
}

// runTogether runs the changes in one transaction without savepoints, and
// before committing also runs those that arrived meanwhile: callers that
// were answered by the last commit are back by the time this batch has run,
// and joining it saves them a commit of their own. It returns the changes
// it ran. If one fails it rolls back and returns its index and error,
// having answered no one; otherwise it commits, answers every change and
// returns -1.
func (w *groupWriter) runTogether(live []*writeRequest) ([]*writeRequest, int, error) {
	tx, err := w.begin()
	if err != nil {
		answerAll(live, fmt.Errorf("beginning a transaction: %w", err))
		return live, -1, nil
	}
	t := &Tx{tx: tx, dialect: w.db.dialect, db: w.db}
	for i := 0; i < len(live); i++ {
		if err := runMember(t, live[i].fn); err != nil {
			tx.Rollback()
			return live, i, err
		}
		if i == len(live)-1 && len(live) < maxBatch {
			live = append(live, w.more(maxBatch-len(live))...)
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(live, fmt.Errorf("committing: %w", err))
		return live, -1, nil
	}
	answerAll(live, nil)
	return live, -1, nil
}

// runApart runs the changes in one transaction, each in a savepoint, so a
// failing change is rolled back alone, and answers each of them.
func (w *groupWriter) runApart(live []*writeRequest) {
	tx, err := w.begin()
	if err != nil {
		answerAll(live, fmt.Errorf("beginning a transaction: %w", err))
		return
	}
	t := &Tx{tx: tx, dialect: w.db.dialect, db: w.db}
	var applied []*writeRequest
	// Changes that failed alone are told after the commit, like commit's
	// failed change, so they read what the others committed.
	type failure struct {
		r   *writeRequest
		err error
	}
	var failed []failure
	defer func() {
		for _, f := range failed {
			f.r.done <- f.err
		}
	}()
	fail := func(err error, rest []*writeRequest) {
		tx.Rollback()
		answerAll(append(applied, rest...), err)
	}
	for i, r := range live {
		if _, err := tx.Exec(`SAVEPOINT change`); err != nil {
			fail(fmt.Errorf("beginning a change: %w", err), live[i:])
			return
		}
		if err := runMember(t, r.fn); err != nil {
			// A failed statement leaves the transaction usable; an I/O
			// error or a full disk ends it, and then nothing here commits.
			failed = append(failed, failure{r, err})
			if _, rbErr := tx.Exec(`ROLLBACK TO change`); rbErr != nil {
				fail(fmt.Errorf("committing: %w", rbErr), live[i+1:])
				return
			}
		} else {
			applied = append(applied, r)
		}
		if _, err := tx.Exec(`RELEASE change`); err != nil {
			fail(fmt.Errorf("committing: %w", err), live[i+1:])
			return
		}
	}
	if err := tx.Commit(); err != nil {
		answerAll(applied, fmt.Errorf("committing: %w", err))
		return
	}
	answerAll(applied, nil)
}

func answerAll(rs []*writeRequest, err error) {
	for _, r := range rs {
		r.done <- err
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

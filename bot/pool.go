package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Default sizes of a Pool. Handling an event is mostly waiting on the
// database and the chat platform, so several workers per core keep both
// busy. On SQLite the changes waiting together commit together, so the
// more events are handled at once, the fewer commits they take. With 8
// workers, sixteen people sending slash commands at once (BenchmarkSlashCommand)
// outran the pool: their commands are recorded as fast as Slack sends them,
// nearly half overflowed the queue into the inbox, and they took half again
// as many commits as with 16. The queue holds a burst of a few minutes'
// commands of a busy newsroom.
const (
	DefaultWorkers     = 16
	DefaultQueue       = 256
	DefaultQueuePerKey = 16
)

// Pool runs acknowledged events on a fixed number of workers, fairly across
// the people who sent them: one person's events run one at a time and in
// the order they came, and people take turns, so a person whose command is
// slow (a huge paste) delays only their own next commands. A full queue
// refuses work instead of growing: the caller leaves such an event recorded
// and unhandled in the inbox.
//
// With a Drain set, a key the pool refused once is refused until its
// refused events are handled: its later events stay in the inbox behind
// the refused one instead of running before it, and once the key's queued
// work is done the pool itself works off the key's unhandled inbox events,
// oldest first, until none is left; only then does it take the key's events
// again. Without one, a refused event waits for Router.Recover.
//
// Workers start when there is work and stop when there is none, so a Pool
// needs no Close. The zero Pool is not usable; use NewPool.
type Pool struct {
	workers, queueCap, perKey int
	timeout                   time.Duration
	log                       *slog.Logger
	drain                     Drain

	mu      sync.Mutex
	idle    *sync.Cond           // broadcast when the last worker stops
	queues  map[string][]poolJob // waiting work per key
	ready   []string             // keys with waiting work and none running, in turn order
	running map[string]bool
	queued  int // event jobs in all queues (refill jobs are not counted)
	active  int // worker goroutines
	// spilled holds the keys refused since their last drain ended: each
	// has a refill job queued, running or about to be.
	spilled map[string]*spill
}

// Drain finds a key's events the pool refused: up to limit of the key's
// unhandled inbox events, oldest first, leaving out those tried says this
// drain has already run (one whose handling failed stays unhandled, and is
// left to the sweep rather than run for ever), each with the job that
// handles it. An error ends the drain; the sweep answers what is left.
type Drain func(ctx context.Context, key string, limit int, tried func(inboxID int64) bool) ([]Drained, error)

// Drained is one refused event a Drain found: its inbox id and its job.
type Drained struct {
	ID  int64
	Run func(ctx context.Context)
}

// DrainOf is the Drain of a platform whose pool is keyed by orderKey (a
// Slack person, a Matrix room): it finds the key's unhandled events through
// the port and handles each with Port.Handle, which logs its own failures;
// one left unanswered is not tried again by this drain, and waits for the
// sweep.
func DrainOf(port Port, platform string, orderKey func(workflows.Inbound) string) Drain {
	return func(ctx context.Context, key string, limit int, tried func(int64) bool) ([]Drained, error) {
		evs, err := port.UnhandledOf(ctx, platform, limit, func(ev workflows.Inbound) bool {
			return orderKey(ev) == key && !tried(ev.ID)
		})
		if err != nil {
			return nil, err
		}
		out := make([]Drained, len(evs))
		for i, ev := range evs {
			out[i] = Drained{ID: ev.ID, Run: func(ctx context.Context) { _ = port.Handle(ctx, ev) }}
		}
		return out, nil
	}
}

// poolJob is a queued event's job, or, when refill, the key's drain step.
type poolJob struct {
	fn     func(ctx context.Context)
	refill bool
}

// spill is a refused key's drain.
type spill struct {
	refused int            // events refused since the last refill began
	tried   map[int64]bool // inbox ids this drain has queued
}

// NewPool makes a pool of workers (DefaultWorkers when ≤ 0) whose queue
// holds at most queue jobs in all (DefaultQueue when ≤ 0) and at most perKey
// jobs of one key (DefaultQueuePerKey when ≤ 0). Each job gets a context
// that ends after timeout, counted from when it starts.
func NewPool(workers, queue, perKey int, timeout time.Duration, log *slog.Logger) *Pool {
	if workers <= 0 {
		workers = DefaultWorkers
	}
	if queue <= 0 {
		queue = DefaultQueue
	}
	if perKey <= 0 {
		perKey = DefaultQueuePerKey
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pool{workers: workers, queueCap: queue, perKey: perKey, timeout: timeout, log: log,
		queues: map[string][]poolJob{}, running: map[string]bool{}, spilled: map[string]*spill{}}
	p.idle = sync.NewCond(&p.mu)
	return p
}

// Wait blocks until the pool has no work: nothing queued or running,
// including what a drain found. A worker stops only when nothing is ready,
// and work that becomes ready starts one, so no workers means no work.
func (p *Pool) Wait() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.active > 0 {
		p.idle.Wait()
	}
}

// SetDrain makes the pool work off refused events itself with d (see
// Pool). Call it before the first Submit.
func (p *Pool) SetDrain(d Drain) { p.drain = d }

// Submit queues fn as key's (a person's) next job and reports whether it was
// taken; false means the queue, or key's share of it, is full, or (with a
// Drain) that key's refused events are still being worked off, and fn will
// never run. A panic in fn is logged with its stack.
func (p *Pool) Submit(key string, fn func(ctx context.Context)) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sp := p.spilled[key]; sp != nil {
		sp.refused++ // behind the key's refused events, which the drain finds
		return false
	}
	if p.queued >= p.queueCap || len(p.queues[key]) >= p.perKey {
		if p.drain != nil {
			p.spilled[key] = &spill{refused: 1, tried: map[int64]bool{}}
			// After the key's queued work: it is what came before.
			p.enqueue(key, poolJob{refill: true})
		}
		return false
	}
	p.enqueue(key, poolJob{fn: fn})
	return true
}

// enqueue puts j last in key's queue and starts a worker if one is wanted.
// A refill job is not counted against the queue's bound: there is at most
// one per key, and it holds no event.
func (p *Pool) enqueue(key string, j poolJob) {
	if len(p.queues[key]) == 0 && !p.running[key] {
		p.ready = append(p.ready, key)
	}
	p.queues[key] = append(p.queues[key], j)
	if !j.refill {
		p.queued++
	}
	if p.active < p.workers && len(p.ready) > 0 {
		p.active++
		go p.work()
	}
}

// work runs jobs until none is ready.
func (p *Pool) work() {
	for {
		p.mu.Lock()
		if len(p.ready) == 0 {
			p.active--
			if p.active == 0 {
				p.idle.Broadcast()
			}
			p.mu.Unlock()
			return
		}
		key := p.ready[0]
		p.ready = p.ready[1:]
		j := p.queues[key][0]
		p.queues[key] = p.queues[key][1:]
		if len(p.queues[key]) == 0 {
			delete(p.queues, key)
		}
		p.running[key] = true
		var sp *spill
		limit := 0
		if j.refill {
			sp = p.spilled[key]
			sp.refused = 0 // from here on, a refusal is one this refill may miss
			// As many of the key's events as its share of the queue, and
			// of the whole queue, has room for; at least one, so the drain
			// goes on when others fill the queue.
			limit = max(1, min(p.perKey, p.queueCap-p.queued))
		} else {
			p.queued--
		}
		p.mu.Unlock()

		var found []Drained
		var err error
		if j.refill {
			found, err = p.refill(key, limit, sp)
		} else {
			p.run(j.fn)
		}

		p.mu.Lock()
		if j.refill {
			p.afterRefill(key, sp, found, err)
		}
		delete(p.running, key)
		if len(p.queues[key]) > 0 {
			p.ready = append(p.ready, key) // back of the line: others go first
		}
		p.mu.Unlock()
	}
}

// refill asks the Drain for key's next refused events.
func (p *Pool) refill(key string, limit int, sp *spill) (found []Drained, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
			p.log.Error("draining refused events panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	// sp.tried is only touched by key's jobs, which run one at a time.
	return p.drain(ctx, key, limit, func(id int64) bool { return sp.tried[id] })
}

// afterRefill queues what a refill found, then the next refill; or, when
// it found nothing and nothing of key was refused since it began, takes
// key's events again. p.mu is held.
func (p *Pool) afterRefill(key string, sp *spill, found []Drained, err error) {
	switch {
	case err != nil:
		// The sweep answers what is left, a minute late.
		p.log.Warn("could not find refused events; they wait in the inbox for the sweep", "key", key, "err", err)
		delete(p.spilled, key)
	case len(found) > 0 || sp.refused > 0:
		for _, d := range found {
			sp.tried[d.ID] = true
			p.enqueue(key, poolJob{fn: d.Run})
		}
		p.enqueue(key, poolJob{refill: true})
	default:
		// Every event refused before this refill began was recorded before
		// it read the inbox, and none came since: none is left behind.
		delete(p.spilled, key)
	}
}

func (p *Pool) run(fn func(ctx context.Context)) {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("event handler panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	fn(ctx)
}

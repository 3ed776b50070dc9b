package bot

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Default sizes of a Pool. Handling an event is mostly waiting on the
// database and the chat platform, so several workers per core keep both
// busy. On SQLite the changes waiting together commit together, so the
// more events are handled at once, the fewer commits they take. With 8
// workers, sixteen people sending slash commands at once (BenchmarkSlashCommand)
// outran the pool: their commands are recorded as fast as Slack sends them,
// nearly half spilled into the inbox for the sweep, and they took half again
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
// and unhandled in the inbox, where Router.Recover finds it later.
//
// Workers start when there is work and stop when there is none, so a Pool
// needs no Close. The zero Pool is not usable; use NewPool.
type Pool struct {
	workers, queueCap, perKey int
	timeout                   time.Duration
	log                       *slog.Logger

	mu      sync.Mutex
	queues  map[string][]func(ctx context.Context) // waiting work per key
	ready   []string                               // keys with waiting work and none running, in turn order
	running map[string]bool
	queued  int // len of all queues
	active  int // worker goroutines
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
	return &Pool{workers: workers, queueCap: queue, perKey: perKey, timeout: timeout, log: log,
		queues: map[string][]func(context.Context){}, running: map[string]bool{}}
}

// Submit queues fn as key's (a person's) next job and reports whether it was
// taken; false means the queue, or key's share of it, is full, and fn will
// never run. A panic in fn is logged with its stack.
func (p *Pool) Submit(key string, fn func(ctx context.Context)) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.queued >= p.queueCap || len(p.queues[key]) >= p.perKey {
		return false
	}
	if len(p.queues[key]) == 0 && !p.running[key] {
		p.ready = append(p.ready, key)
	}
	p.queues[key] = append(p.queues[key], fn)
	p.queued++
	if p.active < p.workers && len(p.ready) > 0 {
		p.active++
		go p.work()
	}
	return true
}

// work runs jobs until none is ready.
func (p *Pool) work() {
	for {
		p.mu.Lock()
		if len(p.ready) == 0 {
			p.active--
			p.mu.Unlock()
			return
		}
		key := p.ready[0]
		p.ready = p.ready[1:]
		fn := p.queues[key][0]
		p.queues[key] = p.queues[key][1:]
		if len(p.queues[key]) == 0 {
			delete(p.queues, key)
		}
		p.queued--
		p.running[key] = true
		p.mu.Unlock()

		p.run(fn)

		p.mu.Lock()
		delete(p.running, key)
		if len(p.queues[key]) > 0 {
			p.ready = append(p.ready, key) // back of the line: others go first
		}
		p.mu.Unlock()
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

package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestPoolFairAndBounded: one person's stuck job and queued burst do not
// hold up another person's job; a person's jobs run one at a time in order;
// the queue refuses what is beyond its bounds.
//
// The pool promises the order in which workers take jobs, not when a taken
// job's goroutine gets to run: with two workers free, the second job taken
// can start first. So the order is checked where only one worker is free,
// and there the order jobs start in is the order they were taken.
func TestPoolFairAndBounded(t *testing.T) {
	p := NewPool(2, 5, 3, time.Minute, nil)
	started := make(chan string, 16)
	job := func(name string, gate chan struct{}) func(context.Context) {
		return func(ctx context.Context) {
			started <- name
			if gate != nil {
				<-gate
			}
		}
	}
	wait := func(want string) {
		t.Helper()
		select {
		case got := <-started:
			if got != want {
				t.Fatalf("started %s, want %s", got, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s never started", want)
		}
	}
	nothingElse := func(while string) {
		t.Helper()
		select {
		case n := <-started:
			t.Fatalf("%s started while %s", n, while)
		default:
		}
	}
	// Ana's huge paste holds a worker; her next three wait behind it.
	ana1Done := make(chan struct{})
	if !p.Submit("ana", job("ana1", ana1Done)) {
		t.Fatal("first job refused")
	}
	wait("ana1")
	for _, n := range []string{"ana2", "ana3", "ana4"} {
		if !p.Submit("ana", job(n, nil)) {
			t.Fatalf("%s refused", n)
		}
	}
	if p.Submit("ana", job("ana5", nil)) {
		t.Error("a fourth queued job of one person was taken (per-person bound 3)")
	}
	// Ben's command runs at once on the other worker, ahead of Ana's queue.
	if !p.Submit("ben", job("ben1", nil)) {
		t.Fatal("ben's job refused")
	}
	wait("ben1")
	nothingElse("ana1 is running")
	// The whole queue holds 5: Ana's 3 and two more.
	cy1Done := make(chan struct{})
	if !p.Submit("cy", job("cy1", cy1Done)) {
		t.Fatal("cy's job refused")
	}
	wait("cy1") // the second worker is free again after ben1
	if !p.Submit("cy", job("cy2", nil)) {
		t.Fatal("cy's second job refused")
	}
	if !p.Submit("dee", job("dee1", nil)) {
		t.Fatal("dee's job refused")
	}
	if p.Submit("eve", job("eve1", nil)) {
		t.Error("a job beyond the queue's 5 was taken")
	}
	// ana1 ends while cy1 still holds the other worker, so one worker takes
	// the rest one by one. dee1 was queued after all of Ana's, yet goes
	// before her next: people take turns. Then Ana's, in her order; cy2
	// waits for cy1, cy's job before it.
	close(ana1Done)
	for _, n := range []string{"dee1", "ana2", "ana3", "ana4"} {
		wait(n)
	}
	nothingElse("cy1 is running")
	close(cy1Done)
	wait("cy2")
}

// TestPoolPanics: a panicking job is logged and the pool goes on.
func TestPoolPanics(t *testing.T) {
	p := NewPool(1, 4, 4, time.Minute, nil)
	done := make(chan struct{})
	p.Submit("ana", func(context.Context) { panic("boom") })
	p.Submit("ana", func(context.Context) { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the job after a panic never ran")
	}
}

// fakeInbox stands in for the inbox in pool tests: events are recorded
// before they are submitted, as the adapters do, and a drain finds the
// unhandled ones of a key, oldest first.
type fakeInbox struct {
	mu      sync.Mutex
	evs     []*fakeEvent
	handled chan string // names, as they are handled
	stalled chan string // names of gated events, as their handling starts
	// afterRead, when set, is called (outside the lock) after a drain has
	// read the inbox, with how many events it found.
	afterRead func(found int)
}

type fakeEvent struct {
	id        int64
	key, name string
	done      bool
	gate      chan struct{} // when set, handling waits for it
}

func newFakeInbox() *fakeInbox {
	return &fakeInbox{handled: make(chan string, 256), stalled: make(chan string, 16)}
}

// submit records an event and submits its handling, as an adapter does.
func (f *fakeInbox) submit(p *Pool, key, name string, gate chan struct{}) bool {
	f.mu.Lock()
	id := int64(len(f.evs) + 1)
	f.evs = append(f.evs, &fakeEvent{id: id, key: key, name: name, gate: gate})
	f.mu.Unlock()
	return p.Submit(key, func(context.Context) { f.handle(id) })
}

// handle marks the event handled once, as the inbox mark does.
func (f *fakeInbox) handle(id int64) {
	f.mu.Lock()
	ev := f.evs[id-1]
	gate := ev.gate
	f.mu.Unlock()
	if gate != nil {
		f.stalled <- ev.name
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !ev.done {
		ev.done = true
		f.handled <- ev.name
	}
}

func (f *fakeInbox) drain(_ context.Context, key string, limit int, tried func(int64) bool) ([]Drained, error) {
	f.mu.Lock()
	var out []Drained
	for _, ev := range f.evs {
		if ev.key == key && !ev.done && !tried(ev.id) && len(out) < limit {
			out = append(out, Drained{ID: ev.id, Run: func(context.Context) { f.handle(ev.id) }})
		}
	}
	after := f.afterRead
	f.mu.Unlock()
	if after != nil {
		after(len(out))
	}
	return out, nil
}

func (f *fakeInbox) expect(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-f.handled:
			if got != w {
				t.Fatalf("handled %s, want %s", got, w)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s never handled", w)
		}
	}
}

// TestPoolDrainsRefusedInOrder: a person who sends more than their share
// while their first command is stalled has every command handled, in the
// order sent: those beyond the share are refused, and so are their later
// ones even when there is room, and the pool works them off from the
// inbox once their queued ones are done, with no sweep. Another person is
// not held up meanwhile.
func TestPoolDrainsRefusedInOrder(t *testing.T) {
	p := NewPool(2, 64, 3, time.Minute, nil)
	f := newFakeInbox()
	p.SetDrain(f.drain)
	stall := make(chan struct{})
	if !f.submit(p, "ana", "ana1", stall) {
		t.Fatal("ana1 refused")
	}
	// Running, so no longer in her share of the queue.
	if got := <-f.stalled; got != "ana1" {
		t.Fatalf("%s stalled", got)
	}
	var want []string
	for i := 1; i <= 3+5; i++ {
		name := fmt.Sprintf("ana%d", i+1)
		want = append(want, name)
		if took := f.submit(p, "ana", name, nil); took != (i <= 3) {
			t.Fatalf("%s taken: %v, want %v (her share is 3)", name, took, i <= 3)
		}
	}
	// Ben is not held up by Ana's stall or her refused commands.
	f.submit(p, "ben", "ben1", nil)
	f.expect(t, "ben1")
	close(stall)
	f.expect(t, append([]string{"ana1"}, want...)...)
	p.Wait()
	// Once drained, Ana's commands are taken again.
	if !f.submit(p, "ana", "ana10", nil) {
		t.Fatal("ana10 refused after the drain ended")
	}
	f.expect(t, "ana10")
}

// TestPoolDrainKeepsLateRefusal: a command refused while the drain reads
// the inbox and finds it empty (too late to be seen) is not stranded: the
// pool reads again before it takes the person's commands again.
func TestPoolDrainKeepsLateRefusal(t *testing.T) {
	p := NewPool(1, 64, 1, time.Minute, nil)
	f := newFakeInbox()
	p.SetDrain(f.drain)
	stall := make(chan struct{})
	f.submit(p, "ana", "ana1", stall)
	<-f.stalled
	f.submit(p, "ana", "ana2", nil)
	if f.submit(p, "ana", "ana3", nil) {
		t.Fatal("ana3 taken beyond her share of 1")
	}
	// The first read that finds nothing left lets a command come in,
	// recorded and refused, before the drain decides it is done.
	var once sync.Once
	f.afterRead = func(found int) {
		if found == 0 {
			once.Do(func() {
				if f.submit(p, "ana", "ana4", nil) {
					t.Error("ana4 taken while her refused commands were being worked off")
				}
			})
		}
	}
	close(stall)
	f.expect(t, "ana1", "ana2", "ana3", "ana4")
	p.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range f.evs {
		if !ev.done {
			t.Errorf("%s left unhandled", ev.name)
		}
	}
}

// TestPoolDrainFullQueue: a person refused because the whole queue is full
// (nothing of theirs queued) has the command handled once there is room.
func TestPoolDrainFullQueue(t *testing.T) {
	p := NewPool(1, 1, 4, time.Minute, nil)
	f := newFakeInbox()
	p.SetDrain(f.drain)
	stall := make(chan struct{})
	f.submit(p, "ana", "ana1", stall)
	<-f.stalled
	f.submit(p, "ana", "ana2", nil) // the queue's one place
	if f.submit(p, "ben", "ben1", nil) {
		t.Fatal("ben1 taken beyond the queue's 1")
	}
	close(stall)
	f.expect(t, "ana1")
	got := []string{<-f.handled, <-f.handled}
	slices.Sort(got)
	if !slices.Equal(got, []string{"ana2", "ben1"}) {
		t.Errorf("handled %v after ana1, want ana2 and ben1", got)
	}
}

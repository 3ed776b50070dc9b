package bot

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestPoolFairAndBounded: one person's stuck job and queued burst do not
// hold up another person's job; a person's jobs run one at a time in order;
// the queue refuses what is beyond its bounds.
func TestPoolFairAndBounded(t *testing.T) {
	p := NewPool(2, 5, 3, time.Minute, nil)
	release := make(chan struct{})
	started := make(chan string, 16)
	var mu sync.Mutex
	var order []string
	job := func(name string, block bool) func(context.Context) {
		return func(ctx context.Context) {
			started <- name
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			if block {
				<-release
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
		case <-time.After(5 * time.Second):
			t.Fatalf("%s never started", want)
		}
	}
	// Ana's huge paste holds a worker; her next three wait behind it.
	if !p.Submit("ana", job("ana1", true)) {
		t.Fatal("first job refused")
	}
	wait("ana1")
	for _, n := range []string{"ana2", "ana3", "ana4"} {
		if !p.Submit("ana", job(n, true)) {
			t.Fatalf("%s refused", n)
		}
	}
	if p.Submit("ana", job("ana5", false)) {
		t.Error("a fourth queued job of one person was taken (per-person bound 3)")
	}
	// Ben's command runs at once on the other worker, ahead of Ana's queue.
	if !p.Submit("ben", job("ben1", false)) {
		t.Fatal("ben's job refused")
	}
	wait("ben1")
	select {
	case n := <-started:
		t.Fatalf("%s started while ana1 is running", n)
	default:
	}
	// The whole queue holds 5: Ana's 3 and two more.
	p.Submit("cy", job("cy1", true))
	wait("cy1") // the second worker is free again after ben1
	p.Submit("cy", job("cy2", false))
	p.Submit("dee", job("dee1", false))
	if p.Submit("eve", job("eve1", false)) {
		t.Error("a job beyond the queue's 5 was taken")
	}
	close(release)
	for range 5 { // ana2..4, cy2, dee1
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			t.Fatal("queued jobs never ran")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var ana []string
	for _, n := range order {
		if len(n) == 4 && n[:3] == "ana" {
			ana = append(ana, n)
		}
	}
	if want := []string{"ana1", "ana2", "ana3", "ana4"}; len(ana) != 4 || ana[1] != want[1] || ana[2] != want[2] || ana[3] != want[3] {
		t.Errorf("ana's jobs ran as %v, want %v", ana, want)
	}
	// dee1 was queued after all of Ana's, yet runs before her last two:
	// people take turns.
	pos := map[string]int{}
	for i, n := range order {
		pos[n] = i
	}
	if pos["dee1"] > pos["ana3"] {
		t.Errorf("dee1 ran after ana3 (%v): one person's queue went before another's turn", order)
	}
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

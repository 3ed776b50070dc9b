package bot

import (
	"context"
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

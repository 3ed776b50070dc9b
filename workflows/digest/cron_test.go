package digest

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/workflows"
)

// stubStore lets a test decide what LastDigestSlot does: the first thing a
// tick asks the store.
type stubStore struct {
	Store
	last func() (time.Time, error)
}

func (s stubStore) LastDigestSlot(context.Context, string) (time.Time, error) { return s.last() }

// syncBuffer is a log sink safe for the job's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestJobRecoversPanics(t *testing.T) {
	var logs syncBuffer
	r := &Runner{
		Store:  stubStore{last: func() (time.Time, error) { panic("database on fire") }},
		Clock:  fakeclock.New(now),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	s := mustParse(t, Config{Cron: "0 9 * * *"})
	r.Job(context.Background(), s).Run() // must not panic
	if !strings.Contains(logs.String(), "database on fire") || !strings.Contains(logs.String(), "schedule=morning") {
		t.Errorf("panic not logged with the schedule:\n%s", logs.String())
	}
	// The job still works after a panic.
	r.Store = stubStore{last: func() (time.Time, error) { return now, nil }}
	r.Job(context.Background(), s).Run()
}

func TestJobNeverOverlapsItself(t *testing.T) {
	entered := make(chan struct{}, 2)
	release := make(chan struct{})
	r := &Runner{
		Store: stubStore{last: func() (time.Time, error) {
			entered <- struct{}{}
			<-release
			return now, nil
		}},
		Clock: fakeclock.New(now),
	}
	job := r.Job(context.Background(), mustParse(t, Config{Cron: "0 9 * * *"}))
	firstDone := make(chan struct{})
	go func() { job.Run(); close(firstDone) }()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("first run never started")
	}
	secondDone := make(chan struct{})
	go func() { job.Run(); close(secondDone) }()
	select {
	case <-secondDone: // skipped while the first is still running
	case <-entered:
		t.Fatal("second run overlapped the first")
	case <-time.After(5 * time.Second):
		t.Fatal("second run blocked instead of skipping")
	}
	close(release)
	select {
	case <-firstDone:
	case <-time.After(5 * time.Second):
		t.Fatal("first run never finished")
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	r := &Runner{
		// Nothing is due: the last slot is now.
		Store:     stubStore{last: func() (time.Time, error) { return time.Now(), nil }},
		Clock:     workflows.SystemClock{},
		Schedules: []*Schedule{mustParse(t, Config{Cron: "CRON_TZ=Europe/London 0 9 * * 1-5"})},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/factdesk/factdesk/bot"
)

// Readiness is what /readyz reports: each part of a running desk and
// whether it is ready. /healthz only says the process answers; /readyz says
// whether the desk can do its work, so a supervisor or load balancer can
// tell "starting" or "Slack is away" from "dead".
type Readiness struct {
	mu    sync.Mutex
	parts []readyPart
}

type readyPart struct {
	name  string
	check func(ctx context.Context) (ready bool, detail string)
}

// PartStatus is one part in /readyz's answer.
type PartStatus struct {
	Name   string `json:"name"`
	Ready  bool   `json:"ready"`
	Detail string `json:"detail"`
}

// Add registers a part; check is called on every /readyz request and must
// answer quickly (it gets a context with a short deadline).
func (r *Readiness) Add(name string, check func(ctx context.Context) (bool, string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parts = append(r.parts, readyPart{name, check})
}

// Report checks every part, in the order they were added.
func (r *Readiness) Report(ctx context.Context) (bool, []PartStatus) {
	r.mu.Lock()
	parts := append([]readyPart(nil), r.parts...)
	r.mu.Unlock()
	all := true
	out := make([]PartStatus, 0, len(parts))
	for _, p := range parts {
		ok, detail := p.check(ctx)
		all = all && ok
		out = append(out, PartStatus{Name: p.name, Ready: ok, Detail: detail})
	}
	return all, out
}

// ServeHTTP answers /readyz: 200 when every part is ready, else 503, with
// {"ready": bool, "parts": [{"name", "ready", "detail"}…]} either way.
func (r *Readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
	defer cancel()
	ok, parts := r.Report(ctx)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(struct {
		Ready bool         `json:"ready"`
		Parts []PartStatus `json:"parts"`
	}{ok, parts})
}

// partState is a part's state as set by the goroutine that owns the part.
type partState struct {
	mu     sync.Mutex
	ready  bool
	detail string
}

func newPartState(detail string) *partState { return &partState{detail: detail} }

func (f *partState) set(ready bool, detail string) {
	f.mu.Lock()
	f.ready, f.detail = ready, detail
	f.mu.Unlock()
}

func (f *partState) get() (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ready, f.detail
}

// addCoreParts registers the parts every desk has: the database answers
// and has every migration this version knows.
func (d *Desk) addCoreParts() {
	d.Health.Add("database", func(ctx context.Context) (bool, string) {
		if err := d.DB.SQL().PingContext(ctx); err != nil {
			return false, "not answering: " + err.Error()
		}
		return true, d.DB.Dialect() + " answers"
	})
	d.Health.Add("migrations", func(ctx context.Context) (bool, string) {
		n, err := d.DB.PendingMigrations(ctx)
		switch {
		case err != nil:
			return false, "cannot read schema_migrations: " + err.Error()
		case n > 0:
			return false, fmt.Sprintf("%d not applied; run factdesk migrate", n)
		}
		return true, "all applied"
	})
}

// Backoff bounds the waits between attempts to reach a platform at start.
type Backoff struct {
	Min, Max time.Duration
}

// defaultBackoff waits 1 s, 2 s, 4 s… and at most a minute: an operator
// fixing a network problem sees the desk connect within a minute of it.
var defaultBackoff = Backoff{Min: time.Second, Max: time.Minute}

// keepConnecting calls connect until it succeeds, waiting between attempts
// with capped exponential backoff (and a little jitter, so replicas do not
// knock together), while the rest of the desk runs. state tells /readyz
// what is happening. A credential the platform rejects ends it at once with
// an error naming the config key to fix; so does ctx ending.
func (d *Desk) keepConnecting(ctx context.Context, platform string, state *partState, connect func(context.Context) error) error {
	b := d.Backoff
	if b.Min <= 0 {
		b = defaultBackoff
	}
	wait := b.Min
	for attempt := 1; ; attempt++ {
		err := connect(ctx)
		if err == nil {
			state.set(true, "connected")
			d.Logger.Info("connected", "platform", platform, "attempts", attempt)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if rej, ok := errors.AsType[*bot.RejectedCredential](err); ok {
			state.set(false, "credential rejected")
			return rejectedError(rej)
		}
		state.set(false, fmt.Sprintf("unreachable after %d attempts, trying again in %s: %v", attempt, wait.Round(time.Millisecond), err))
		d.Logger.Warn("platform unreachable; trying again", "platform", platform, "attempt", attempt, "retry_in", wait, "err", err)
		t := time.NewTimer(wait + rand.N(wait/5+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, b.Max)
	}
}

// credentialEnv names, for each config key the environment may override,
// that variable, so a stop message names both places to fix.
func credentialEnv() map[string]string {
	m := map[string]string{}
	for _, o := range envOverrides() {
		m[o.key] = o.name
	}
	return m
}

// credentialError is a rejected credential as the desk reports it when it
// stops; main exits with exitConfig for it, so a supervisor does not
// restart a desk that can only fail again.
type credentialError struct{ *bot.RejectedCredential }

func (e credentialError) Error() string {
	where := "fix " + e.Key + " in the config file"
	if env := credentialEnv()[e.Key]; env != "" {
		where += " (or the environment variable " + env + ")"
	}
	return fmt.Sprintf("%s: %s and start the desk again", e.RejectedCredential.Error(), where)
}

func (e credentialError) Unwrap() error { return e.RejectedCredential }

func rejectedError(rej *bot.RejectedCredential) error { return credentialError{rej} }

// exitConfig is the exit status for a desk stopped by its configuration
// (sysexits.h EX_CONFIG); the systemd unit does not restart on it.
const exitConfig = 78

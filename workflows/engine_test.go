package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/workflows"
)

// editors is a Roles for tests: the named shell users are editors.
type editors map[string]bool

func (e editors) IsEditor(_ context.Context, a workflows.Actor, _ string) (bool, error) {
	return e[a.ID], nil
}

type harness struct {
	t      *testing.T
	db     *storage.DB
	clock  *fakeclock.Clock
	engine *workflows.Engine
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db := dbtest.FromEnv(t) // FACTDESK_TEST_DB=postgres: on PostgreSQL
	clock := fakeclock.New(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	return &harness{t: t, db: db, clock: clock, engine: &workflows.Engine{
		Store: db, Roles: editors{"eve": true, "ed": true}, Rules: workflows.DefaultRules(), Clock: clock,
	}}
}

func req(user string) workflows.Request {
	return workflows.Request{
		Actor: workflows.Actor{Platform: "shell", ID: user, Name: user},
		Conv:  workflows.Conversation{Platform: "shell", Channel: "newsroom"},
	}
}

func (h *harness) file(user, statement string) *workflows.Claim {
	h.t.Helper()
	c, err := h.engine.File(context.Background(), req(user), workflows.FileInput{Statement: statement})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) evidence(user string, id int64, source string, st workflows.Stance, fig float64) *workflows.Claim {
	h.t.Helper()
	in := workflows.EvidenceInput{Source: source, Stance: st}
	if fig != 0 {
		in.Figure = &workflows.Figure{Value: fig, Qualifier: workflows.Exact}
	}
	c, err := h.engine.AddEvidence(context.Background(), req(user), id, in)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code, contains string) {
	t.Helper()
	if workflows.ErrorCode(err) != code || !strings.Contains(err.Error(), contains) {
		t.Fatalf("err = %v (%s), want %s containing %q", err, workflows.ErrorCode(err), code, contains)
	}
}

func TestEngineStory(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	c := h.file("rita", "140 civilians killed in the March 17 Mosul airstrike, per the UN human rights office")
	if c.ID != 1 || c.State != workflows.Unverified || c.Figure == nil || c.Figure.Value != 140 {
		t.Fatalf("filed %+v", c)
	}
	h.clock.Advance(time.Minute)
	h.evidence("rita", 1, "UN human rights office", workflows.Supports, 140)
	c = h.evidence("rita", 1, "Reuters", workflows.Supports, 140)
	if c.State != workflows.Corroborated {
		t.Fatalf("after two sources: %s", c.State)
	}
	// Approving a corroborated claim needs no note, but not by its filer.
	_, err := h.engine.Approve(ctx, req("rita"), 1, 0, "")
	wantCode(t, err, workflows.EFORBIDDEN, "only editors")
	c = h.evidence("rita", 1, "Iraqi army", workflows.Supports, 3864)
	if c.State != workflows.Disputed {
		t.Fatalf("after a conflicting figure: %s", c.State)
	}
	_, err = h.engine.Approve(ctx, req("eve"), 1, 0, "")
	wantCode(t, err, workflows.EINVALID, "resolution note")
	eveClaim := h.file("eve", "At least 300 civilians killed in west Mosul since February")
	_, err = h.engine.Approve(ctx, req("eve"), eveClaim.ID, 0, "because")
	wantCode(t, err, workflows.EFORBIDDEN, "another editor")
	_, err = h.engine.Reject(ctx, req("ed"), 1, 0, "")
	wantCode(t, err, workflows.EINVALID, "reason")
	c, err = h.engine.Approve(ctx, req("ed"), 1, 0, "publish 140, attributed to the UN; note the army's higher figure")
	if err != nil || c.Decision != workflows.Approved || c.DecidedBy != "shell:ed" {
		t.Fatalf("approve: %+v %v", c, err)
	}
	_, err = h.engine.Approve(ctx, req("ed"), 1, 0, "again")
	wantCode(t, err, workflows.EINVALID, "from here you can reopen")

	events, err := h.db.Events(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, string(e.Kind)+"/"+workflows.DisplayKey(e.Actor))
	}
	want := "filed/rita evidence_added/rita evidence_added/rita state_changed/factdesk evidence_added/rita state_changed/factdesk approved/ed"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("audit trail:\n got %s\nwant %s", got, want)
	}
}

func TestApprovedClaimReopensWhenDisputed(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "140 civilians killed in Mosul")
	h.evidence("rita", 1, "UN", workflows.Supports, 140)
	h.evidence("rita", 1, "Reuters", workflows.Supports, 140)
	if _, err := h.engine.Approve(ctx, req("eve"), 1, 0, ""); err != nil {
		t.Fatal(err)
	}
	c := h.evidence("rita", 1, "Iraqi army", workflows.Contradicts, 3864)
	if c.Decision != workflows.Pending || c.State != workflows.Disputed {
		t.Fatalf("got %s/%s, want pending/disputed", c.Decision, c.State)
	}
	events, _ := h.db.Events(ctx, 1)
	last := events[len(events)-1]
	if last.Kind != workflows.EvReopened || last.Actor != workflows.System.Key() {
		t.Errorf("last event %+v, want a reopen by the desk", last)
	}
}

func TestRefusedCommandsChangeNothing(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "Two bridges destroyed")
	_, err := h.engine.File(ctx, req("rita"), workflows.FileInput{Statement: strings.Repeat("x", 2001)})
	wantCode(t, err, workflows.EINVALID, "limit is 2000")
	_, err = h.engine.AddEvidence(ctx, req("rita"), 1, workflows.EvidenceInput{Source: "UN", Stance: workflows.Supports, URL: "ftp://x"})
	wantCode(t, err, workflows.EINVALID, "not an http(s) link")
	_, err = h.engine.AddEvidence(ctx, req("rita"), 1, workflows.EvidenceInput{Source: "UN", Stance: workflows.Supports,
		URL: "https://example.org/a b"})
	wantCode(t, err, workflows.EINVALID, "a link has no spaces")
	_, err = h.engine.Approve(ctx, req("eve"), 1, 99, "")
	wantCode(t, err, workflows.EINVALID, "there is no version 99")
	_, err = h.engine.AddEvidence(ctx, req("rita"), 99, workflows.EvidenceInput{Source: "UN", Stance: workflows.Supports})
	wantCode(t, err, workflows.ENOTFOUND, "no claim #99")
	_, err = h.engine.Edit(ctx, req("mallory"), 1, 0, "Three bridges destroyed")
	wantCode(t, err, workflows.EFORBIDDEN, "only the reporter")
	c, _ := h.db.Claim(ctx, 1)
	if c.Version != 1 || len(c.Evidence) != 0 || c.Statement != "Two bridges destroyed" {
		t.Errorf("a refused command changed the claim: %+v", c)
	}
	claims, _ := h.db.ListClaims(ctx, workflows.ClaimFilter{})
	if len(claims) != 1 {
		t.Errorf("%d claims, want 1", len(claims))
	}
}

// TestConcurrentApprovals: two editors approve the same card at once;
// exactly one wins and the other is told what happened.
func TestConcurrentApprovals(t *testing.T) {
	for _, viaButton := range []bool{true, false} {
		t.Run(fmt.Sprintf("button=%v", viaButton), func(t *testing.T) {
			h := newHarness(t)
			h.file("rita", "140 civilians killed in Mosul")
			h.evidence("rita", 1, "UN", workflows.Supports, 140)
			c := h.evidence("rita", 1, "Reuters", workflows.Supports, 140)
			seen := 0
			if viaButton {
				seen = c.Version
			}
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, who := range []string{"eve", "ed"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = h.engine.Approve(context.Background(), req(who), 1, seen, "")
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case viaButton:
					wantCode(t, err, workflows.ECONFLICT, "claim #1 changed while you were looking; now approved")
				default:
					if !strings.Contains(err.Error(), "approved") {
						t.Errorf("loser told %q", err)
					}
				}
			}
			if won != 1 {
				t.Fatalf("%d approvals won, want exactly 1: %v", won, errs)
			}
			events, _ := h.db.Events(context.Background(), 1)
			n := 0
			for _, e := range events {
				if e.Kind == workflows.EvApproved {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d approval events, want 1", n)
			}
		})
	}
}

// recorder is a Deliverer that records what it is given and can fail.
type recorder struct {
	mu   sync.Mutex
	got  []workflows.Delivery
	fail func(workflows.Delivery) error
}

func (r *recorder) Deliver(_ context.Context, d workflows.Delivery) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(d); err != nil {
			return "", err
		}
	}
	r.got = append(r.got, d)
	return fmt.Sprintf("msg-%d", d.ID), nil
}

func TestDispatcherDeliversInOrderIntoThreads(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "140 civilians killed")
	h.evidence("rita", 1, "UN", workflows.Supports, 140)
	rec := &recorder{}
	calls := 0
	rec.fail = func(d workflows.Delivery) error {
		calls++
		if calls == 1 {
			return errors.New("connection reset") // the card fails once
		}
		return nil
	}
	d := &workflows.Dispatcher{Outbox: h.db, Deliverers: map[string]workflows.Deliverer{"shell": rec}, Clock: h.clock, Owner: "a"}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 0 {
		t.Fatalf("rows behind a failed card were delivered: %+v", rec.got)
	}
	h.clock.Advance(2 * time.Second) // past the first backoff
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, g := range rec.got {
		kinds = append(kinds, string(g.Kind))
		if g.Kind == workflows.KindNotice && g.ThreadRoot != fmt.Sprintf("msg-%d", rec.got[0].ID) {
			t.Errorf("notice not in the card's thread: root %q", g.ThreadRoot)
		}
		if g.Kind == workflows.KindCardUpdate && g.CardID != "msg-1" {
			t.Errorf("card update edits %q, want msg-1", g.CardID)
		}
	}
	if got, want := strings.Join(kinds, " "), "card reply card_update notice reply"; got != want {
		t.Errorf("delivered %s, want %s", got, want)
	}
	if n, _ := h.db.Depth(ctx); n != 0 {
		t.Errorf("outbox depth %d after draining", n)
	}
}

func TestDispatcherLeaseExpiry(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "140 civilians killed")
	// A replica leases the head row and dies without delivering it.
	rows, err := h.db.Lease(ctx, "dead", []string{"shell"}, h.clock.Now(), 30*time.Second, 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("lease: %v %v", rows, err)
	}
	rec := &recorder{}
	d := &workflows.Dispatcher{Outbox: h.db, Deliverers: map[string]workflows.Deliverer{"shell": rec}, Clock: h.clock, Owner: "alive"}
	if n, _ := d.Drain(ctx); n != 0 {
		t.Fatalf("delivered %d rows while another replica held the lease", n)
	}
	h.clock.Advance(31 * time.Second)
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 2 {
		t.Fatalf("after the lease: %d deliveries, want 2", len(rec.got))
	}
	// The dead replica waking up cannot mark what it no longer holds.
	if err := h.db.Delivered(ctx, rows[0].ID, "dead", "x", h.clock.Now()); workflows.ErrorCode(err) != workflows.ECONFLICT {
		t.Errorf("stale owner marked a row: %v", err)
	}
}

func TestDispatcherRateLimitAndPermanentFailure(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "140 civilians killed")
	rec := &recorder{}
	limited := true
	rec.fail = func(d workflows.Delivery) error {
		if d.Kind == workflows.KindCard && limited {
			limited = false
			return &workflows.RetryLater{After: 10 * time.Second, Err: errors.New("429")}
		}
		if d.Kind == workflows.KindReply {
			return workflows.Permanent(errors.New("channel_not_found"))
		}
		return nil
	}
	d := &workflows.Dispatcher{Outbox: h.db, Deliverers: map[string]workflows.Deliverer{"shell": rec}, Clock: h.clock, Owner: "a"}
	d.Drain(ctx)
	h.clock.Advance(9 * time.Second)
	d.Drain(ctx)
	if len(rec.got) != 0 {
		t.Fatal("delivered before Retry-After")
	}
	h.clock.Advance(time.Second)
	d.Drain(ctx)
	if len(rec.got) != 1 || rec.got[0].Attempts != 0 {
		t.Fatalf("after Retry-After: %+v (a rate limit must not count as an attempt)", rec.got)
	}
	if n, _ := h.db.Depth(ctx); n != 0 {
		t.Errorf("a permanently failing row is still pending (%d)", n)
	}
}

// TestFileWithEvidence: a claim filed with its first source (an ingested
// article) commits once: one card, no update of it, and the source on record.
func TestFileWithEvidence(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	fig := &workflows.Figure{Value: 300, Qualifier: workflows.AtLeast}
	c, err := h.engine.File(ctx, req("rita"), workflows.FileInput{Statement: "At least 300 civilians killed in Mosul",
		Evidence: []workflows.EvidenceInput{{Source: "UN", Stance: workflows.Supports, Figure: fig, Document: "un.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := h.db.Claim(ctx, c.ID)
	if len(got.Evidence) != 1 || got.Evidence[0].Document != "un.txt" || got.Version != 1 {
		t.Fatalf("claim %+v", got)
	}
	var kinds []string
	h.db.SQL().Select(&kinds, `SELECT kind FROM outbox ORDER BY id`)
	if strings.Join(kinds, " ") != "card reply" {
		t.Errorf("outbox %v, want one card and the reply", kinds)
	}
	if _, err := h.engine.File(ctx, req("rita"), workflows.FileInput{Statement: "Two bridges destroyed",
		Evidence: []workflows.EvidenceInput{{Source: "UN", Stance: workflows.Supports, URL: "ftp://x"}}}); workflows.ErrorCode(err) != workflows.EINVALID {
		t.Errorf("bad evidence filed with a claim: %v", err)
	}
}

// rerunStore runs every change twice, first in a transaction it rolls back
// and then for real, as the SQLite group writer does when another change in
// the same batch fails.
type rerunStore struct{ *storage.DB }

var errRunAgain = errors.New("run again")

func (s rerunStore) Within(ctx context.Context, fn func(tx workflows.Tx) error) error {
	err := s.DB.Within(ctx, func(tx workflows.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errRunAgain
	})
	if !errors.Is(err, errRunAgain) {
		return err
	}
	return s.DB.Within(ctx, fn)
}

// A change run twice leaves what a change run once does: the same claims,
// audit trail and messages, nothing doubled.
func TestChangesMayRunTwice(t *testing.T) {
	story := func(h *harness) (outbox, events []string) {
		ctx := context.Background()
		c, err := h.engine.File(ctx, req("rita"), workflows.FileInput{Statement: "At least 300 civilians killed in Mosul",
			Evidence: []workflows.EvidenceInput{{Source: "UN", Stance: workflows.Supports}}})
		if err != nil {
			t.Fatal(err)
		}
		h.evidence("rita", c.ID, "Iraqi army", workflows.Contradicts, 3864)
		if _, err := h.engine.Approve(ctx, req("eve"), c.ID, 0, "publish the UN's figure, attributed"); err != nil {
			t.Fatal(err)
		}
		if err := h.db.SQL().Select(&outbox, `SELECT kind || ' ' || body FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if err := h.db.SQL().Select(&events, `SELECT kind || ' ' || old || ' ' || new || ' ' || note FROM events ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		return outbox, events
	}
	once := newHarness(t)
	twice := newHarness(t)
	twice.engine.Store = rerunStore{twice.db}
	wantOut, wantEvents := story(once)
	gotOut, gotEvents := story(twice)
	if len(wantOut) == 0 || strings.Join(gotOut, "\n") != strings.Join(wantOut, "\n") {
		t.Errorf("outbox after changes ran twice:\n%s\nwant:\n%s", strings.Join(gotOut, "\n"), strings.Join(wantOut, "\n"))
	}
	if strings.Join(gotEvents, "\n") != strings.Join(wantEvents, "\n") {
		t.Errorf("audit after changes ran twice:\n%s\nwant:\n%s", strings.Join(gotEvents, "\n"), strings.Join(wantEvents, "\n"))
	}
}

// names is a Names for tests.
type names map[string]string

func (n names) Name(_ context.Context, key string) string { return n[key] }

// With Names set, cards, notices, history and lists name people; a person
// it does not know is shown by id.
func TestMessagesNamePeople(t *testing.T) {
	h := newHarness(t)
	h.engine.Names = workflows.NamesByPlatform{"shell": names{
		"shell:rita": "Rita Reporter", "shell:carla": "Carla Checker", "shell:eve": "Eve Editor"}}
	ctx := context.Background()
	c := h.file("rita", "140 civilians killed in Mosul")
	carla := workflows.Actor{Platform: "shell", ID: "carla"}
	if _, err := h.engine.Assign(ctx, req("rita"), c.ID, carla); err != nil {
		t.Fatal(err)
	}
	if _, err := h.engine.Approve(ctx, req("eve"), c.ID, 0, "publish with attribution"); err != nil {
		t.Fatal(err)
	}
	h.file("zed", "12 bridges closed")
	if err := h.engine.History(ctx, req("rita"), c.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.List(ctx, req("rita"), workflows.ClaimFilter{}, 1, "list"); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	if err := h.db.SQL().Select(&bodies, `SELECT body FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(bodies, "\n")
	for _, want := range []string{
		"filed by Rita Reporter",                     // the card's footer
		"Rita Reporter assigned #1 to Carla Checker", // the notice
		`"Assigned","value":"Carla Checker"`,         // the card's field
		"approved by Eve Editor",                     // the decision
		"Rita Reporter · filed",                      // history
		"Rita Reporter · assigned: Carla Checker",    // history of the assignment
		"· assigned Carla Checker",                   // the list line
		"filed by zed",                               // nobody knows zed
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no message says %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "shell:carla") || strings.Contains(all, "to carla") {
		t.Errorf("a message names carla by id:\n%s", all)
	}
}

// offline is a deliverer whose platform has not connected yet.
type offline struct {
	*recorder
	up bool
}

func (o *offline) Standby() bool { return !o.up }

func TestDispatcherWaitsForAPlatformToConnect(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.file("rita", "140 civilians killed")
	del := &offline{recorder: &recorder{}}
	d := &workflows.Dispatcher{Outbox: h.db, Deliverers: map[string]workflows.Deliverer{"shell": del}, Clock: h.clock, Owner: "a"}
	if n, err := d.Drain(ctx); err != nil || n != 0 || len(del.got) != 0 {
		t.Fatalf("while offline: handled %d, delivered %d, %v", n, len(del.got), err)
	}
	del.up = true
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(del.got) == 0 || del.got[0].Attempts != 0 {
		t.Fatalf("once connected: %+v", del.got)
	}
}

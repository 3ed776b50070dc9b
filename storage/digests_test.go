package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

// openDigestDB opens (and migrates) a SQLite file; several handles on one
// file stand for several replicas on one database.
func openDigestDB(t testing.TB, path string) *storage.DB {
	t.Helper()
	if !strings.Contains(path, "://") {
		path = "sqlite://" + path
	}
	return dbtest.Open(t, path)
}

// fileClaim inserts a claim as the engine would have left it.
func fileClaim(t testing.TB, db *storage.DB, c workflows.Claim, ev []workflows.Evidence, threads []workflows.Thread) int64 {
	t.Helper()
	ctx := context.Background()
	if c.FiledBy == "" {
		c.FiledBy = "slack:rita"
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.StateSince
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = c.StateSince
	}
	c.Version = 1
	err := db.Within(ctx, func(tx workflows.Tx) error {
		if err := tx.CreateClaim(ctx, &c); err != nil {
			return err
		}
		for _, e := range ev {
			e.ClaimID, e.AddedBy, e.AddedAt = c.ID, "slack:rita", c.CreatedAt
			if err := tx.AddEvidence(ctx, &e); err != nil {
				return err
			}
		}
		for _, th := range threads {
			th.ClaimID = c.ID
			if err := tx.AddThread(ctx, th); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

type digestRow struct {
	Kind    string `db:"kind"`
	Channel string `db:"channel"`
	Body    string `db:"body"`
}

func posts(t *testing.T, db *storage.DB) []digestRow {
	t.Helper()
	var rows []digestRow
	if err := db.SQL().Select(&rows, `SELECT kind, channel, body FROM outbox WHERE kind = 'post' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

type runRow struct {
	Schedule string `db:"schedule"`
	Manual   int    `db:"manual"`
	SlotMS   int64  `db:"slot_ms"`
	Status   string `db:"status"`
	Items    int    `db:"items"`
	Messages int    `db:"messages"`
}

func runs(t *testing.T, db *storage.DB) []runRow {
	t.Helper()
	var rows []runRow
	if err := db.SQL().Select(&rows, `SELECT schedule, manual, slot_ms, status, items, messages FROM digest_runs ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

var monday9 = time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC) // 09:00 GMT in London

func morning(t testing.TB, c digest.Config) *digest.Schedule {
	t.Helper()
	if c.Name == "" {
		c.Name = "morning"
	}
	if c.Cron == "" {
		c.Cron = "CRON_TZ=Europe/London 0 9 * * 1-5"
	}
	if c.Platform == "" {
		c.Platform, c.Channel = "slack", "C0DESK"
	}
	s, err := digest.Parse(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newRunner(db *storage.DB, clock workflows.Clock, s ...*digest.Schedule) *digest.Runner {
	return &digest.Runner{Store: db, Schedules: s, Clock: clock, Rules: workflows.DefaultRules(),
		Limits: map[string]workflows.Limits{"slack": {MaxItems: 40, MaxChars: 12000, MaxItemChars: 2900}}}
}

func seedMorning(t *testing.T, db *storage.DB) (disputed, stale, unassigned, decided int64) {
	f := func(v float64) *workflows.Figure { return &workflows.Figure{Value: v, Qualifier: workflows.Exact} }
	disputed = fileClaim(t, db, workflows.Claim{Statement: "300 civilians killed in Mosul", Figure: f(300), Assignee: "slack:ana",
		State: workflows.Disputed, Decision: workflows.Pending, StateSince: monday9.Add(-50 * time.Hour)},
		[]workflows.Evidence{{Source: "UN", Stance: workflows.Supports, Figure: f(300)},
			{Source: "Iraqi army", Stance: workflows.Supports, Figure: f(3864)}},
		[]workflows.Thread{{Platform: "slack", Channel: "C0DESK", RootID: "1773650000.000100"}})
	stale = fileClaim(t, db, workflows.Claim{Statement: "Power restored in Raqqa", Assignee: "slack:ben",
		State: workflows.Unverified, Decision: workflows.Pending, StateSince: monday9.Add(-30 * time.Hour)}, nil, nil)
	unassigned = fileClaim(t, db, workflows.Claim{Statement: "Convoy reached Deir ez-Zor",
		State: workflows.Corroborated, Decision: workflows.Pending, StateSince: monday9.Add(-2 * time.Hour)}, nil, nil)
	decided = fileClaim(t, db, workflows.Claim{Statement: "Already approved", State: workflows.Disputed,
		Decision: workflows.Approved, StateSince: monday9.Add(-90 * time.Hour)}, nil, nil)
	fileClaim(t, db, workflows.Claim{Statement: "Fresh and assigned", Assignee: "slack:ana",
		State: workflows.Unverified, Decision: workflows.Pending, StateSince: monday9.Add(-time.Hour)}, nil, nil)
	return
}

func TestDigestClaimsQuery(t *testing.T) { eachBackend(t, testDigestClaimsQuery) }

func testDigestClaimsQuery(t *testing.T, backend string) {
	db := openDigestDB(t, storagetest.URL(t, backend))
	disputed, stale, unassigned, _ := seedMorning(t, db)
	claims, err := db.DigestClaims(context.Background(), digest.Query{Disputed: true, Unassigned: true, StaleBefore: monday9.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]workflows.Claim{}
	for _, c := range claims {
		if _, dup := got[c.ID]; dup {
			t.Errorf("claim %d returned twice", c.ID)
		}
		got[c.ID] = c
	}
	if len(got) != 3 || got[disputed].ID == 0 || got[stale].ID == 0 || got[unassigned].ID == 0 {
		t.Fatalf("got claims %v, want %d, %d, %d", got, disputed, stale, unassigned)
	}
	d := got[disputed]
	if len(d.Evidence) != 2 || d.Evidence[1].Figure == nil || d.Evidence[1].Figure.Value != 3864 || d.Figure == nil {
		t.Errorf("disputed claim's figures not loaded: %+v", d)
	}
	if len(d.Threads) != 1 || d.Threads[0].RootID != "1773650000.000100" {
		t.Errorf("threads %+v", d.Threads)
	}
	if !got[stale].StateSince.Equal(monday9.Add(-30 * time.Hour)) {
		t.Errorf("state since %s", got[stale].StateSince)
	}
}

// TestRacingReplicasPostOnce: two replicas on one SQLite file fire the same
// slot at the same moment; exactly one composes and posts it.
func TestRacingReplicasPostOnce(t *testing.T) { eachBackend(t, testRacingReplicasPostOnce) }

func testRacingReplicasPostOnce(t *testing.T, backend string) {
	path := storagetest.URL(t, backend)
	a, b := openDigestDB(t, path), openDigestDB(t, path)
	seedMorning(t, a)
	clock := fakeclock.New(monday9.Add(200 * time.Millisecond))
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		s := morning(t, digest.Config{})
		replicas := []*digest.Runner{newRunner(a, clock, s), newRunner(b, clock, s)}
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([][]digest.Result, len(replicas))
		errs := make([]error, len(replicas))
		for i, r := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], errs[i] = r.Tick(ctx, s)
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for i := range replicas {
			if errs[i] != nil {
				t.Fatalf("replica %d: %v", i, errs[i])
			}
			for _, res := range results[i] {
				if res.Won {
					won++
				}
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d replicas posted the slot, want 1", round, won)
		}
		clock.Advance(24 * time.Hour) // the next weekday's slot (Mon…Fri)
	}
	if got := len(posts(t, a)); got != 5 {
		t.Errorf("%d digest messages for 5 slots, want 5", got)
	}
	for _, r := range runs(t, a) {
		// Three unresolved on Monday; the fresh claim turns stale on Tuesday.
		if r.Status != "posted" || r.Items < 3 || r.Messages != 1 {
			t.Errorf("run %+v", r)
		}
	}
}

func TestDigestRunsMarkNewAndLate(t *testing.T) { eachBackend(t, testDigestRunsMarkNewAndLate) }

func testDigestRunsMarkNewAndLate(t *testing.T, backend string) {
	db := openDigestDB(t, storagetest.URL(t, backend))
	disputed, _, _, _ := seedMorning(t, db)
	ctx := context.Background()
	clock := fakeclock.New(monday9)
	s := morning(t, digest.Config{})
	r := newRunner(db, clock, s)

	res, err := r.Tick(ctx, s)
	if err != nil || len(res) != 1 || !res[0].Won || res[0].Run.Status != digest.StatusPosted {
		t.Fatalf("first tick: %+v, %v", res, err)
	}
	first := posts(t, db)[0].Body
	if strings.Contains(first, "new since") || strings.Contains(first, "new · ") {
		t.Errorf("first digest marks news without a previous one: %s", first)
	}
	if !strings.Contains(first, "300 (UN) … 3,864 (Iraqi army), ×12.9") ||
		!strings.Contains(first, "https://slack.com/archives/C0DESK/p1773650000000100") {
		t.Errorf("first digest lacks figures or link: %s", first)
	}

	// A new dispute arrives; the desk is down over Tuesday's slot and
	// back at 11:30, within the grace: Tuesday's digest is posted late.
	fresh := fileClaim(t, db, workflows.Claim{Statement: "Dam breached at Mosul", Assignee: "slack:ana",
		State: workflows.Disputed, Decision: workflows.Pending, StateSince: monday9.Add(3 * time.Hour)},
		[]workflows.Evidence{{Source: "Reuters", Stance: workflows.Contradicts}}, nil)
	clock.Set(monday9.Add(26*time.Hour + 30*time.Minute))
	res, err = r.Tick(ctx, s)
	if err != nil || len(res) != 1 || res[0].Run.Status != digest.StatusLate {
		t.Fatalf("catch-up: %+v, %v", res, err)
	}
	second := posts(t, db)[1].Body
	if !strings.Contains(second, "Late: this digest was due Tue 17 Mar 09:00 GMT") {
		t.Errorf("late digest not marked late: %s", second)
	}
	// New: the fresh dispute, and the claim that turned stale overnight.
	if !strings.Contains(second, "2 new since the last digest") || !strings.Contains(second, "new · "+workflows.Ref(fresh)) ||
		strings.Contains(second, "new · "+workflows.Ref(disputed)) {
		t.Errorf("news not marked: %s", second)
	}
	// Ticking again changes nothing: the slot is recorded.
	if res, err := r.Tick(ctx, s); err != nil || len(res) != 0 {
		t.Errorf("second tick: %+v, %v", res, err)
	}

	// Down from Tuesday until Thursday 16:00: Wednesday and Thursday are
	// beyond the grace and recorded as missed; nothing is posted.
	clock.Set(monday9.Add(3*24*time.Hour + 7*time.Hour))
	res, err = r.Tick(ctx, s)
	if err != nil || len(res) != 2 || res[0].Run.Status != digest.StatusMissed || res[1].Run.Status != digest.StatusMissed {
		t.Fatalf("long outage: %+v, %v", res, err)
	}
	if got := len(posts(t, db)); got != 2 {
		t.Errorf("%d posts after the outage, want 2", got)
	}
}

func TestDigestWhenEmptySkipAndAllClear(t *testing.T) {
	eachBackend(t, testDigestWhenEmptySkipAndAllClear)
}

func testDigestWhenEmptySkipAndAllClear(t *testing.T, backend string) {
	ctx := context.Background()
	for _, whenEmpty := range []string{digest.WhenEmptySkip, digest.WhenEmptyAllClear} {
		t.Run(whenEmpty, func(t *testing.T) {
			db := openDigestDB(t, storagetest.URL(t, backend))
			s := morning(t, digest.Config{WhenEmpty: whenEmpty})
			r := newRunner(db, fakeclock.New(monday9), s)
			res, err := r.Tick(ctx, s)
			if err != nil || len(res) != 1 || !res[0].Won {
				t.Fatalf("%+v, %v", res, err)
			}
			got := posts(t, db)
			switch whenEmpty {
			case digest.WhenEmptySkip:
				if len(got) != 0 || res[0].Run.Status != digest.StatusEmpty {
					t.Errorf("skip: posted %v, status %s", got, res[0].Run.Status)
				}
			case digest.WhenEmptyAllClear:
				if len(got) != 1 || !strings.Contains(got[0].Body, "All clear") || res[0].Run.Status != digest.StatusPosted {
					t.Errorf("all clear: posted %v, status %s", got, res[0].Run.Status)
				}
			}
		})
	}
}

type editors map[string]bool

func (e editors) IsEditor(_ context.Context, a workflows.Actor, _ string) (bool, error) {
	return e[a.ID], nil
}

func TestDigestCommand(t *testing.T) { eachBackend(t, testDigestCommand) }

func testDigestCommand(t *testing.T, backend string) {
	db := openDigestDB(t, storagetest.URL(t, backend))
	seedMorning(t, db)
	ctx := context.Background()
	clock := fakeclock.New(monday9.Add(2 * time.Hour))
	s := morning(t, digest.Config{})
	evening := morning(t, digest.Config{Name: "evening", Cron: "CRON_TZ=Europe/London 0 18 * * *", Platform: "matrix",
		Channel: "!desk:example.org", Include: []digest.Kind{digest.Disputed}})
	r := newRunner(db, clock, s, evening)
	r.Permit = (&workflows.Engine{Roles: editors{"eve": true}}).RequireEditor

	reporter := workflows.Request{Actor: workflows.Actor{Platform: "slack", ID: "rita"}, Conv: workflows.Conversation{Platform: "slack", Channel: "C0NEWS"}}
	if _, err := r.Command(ctx, reporter, ""); workflows.ErrorCode(err) != workflows.EFORBIDDEN {
		t.Errorf("reporter asking: %v, want forbidden", err)
	}
	if _, err := r.Command(ctx, workflows.Request{Actor: workflows.Actor{Platform: "slack", ID: "eve"}}, "noon"); workflows.ErrorCode(err) != workflows.ENOTFOUND ||
		!strings.Contains(err.Error(), "morning, evening") {
		t.Errorf("unknown schedule: %v", err)
	}

	// An editor in a Slack channel asks for the evening digest: it is
	// posted where she asked, with the evening schedule's sections.
	inbound := &workflows.Inbound{Platform: "slack", EventID: "Ev1", Actor: workflows.Actor{Platform: "slack", ID: "eve"},
		Conv: workflows.Conversation{Platform: "slack", Channel: "C0NEWS"}, Text: "digest evening", ReceivedAt: clock.Now()}
	if _, err := db.Record(ctx, inbound); err != nil {
		t.Fatal(err)
	}
	req := workflows.Request{Actor: inbound.Actor, Conv: inbound.Conv, Event: inbound}
	res, err := r.Command(ctx, req, "evening")
	if err != nil || !res.Won || res.Run.Items != 1 {
		t.Fatalf("editor asking: %+v, %v", res, err)
	}
	got := posts(t, db)
	if len(got) != 1 || got[0].Channel != "C0NEWS" || !strings.Contains(got[0].Body, "Digest · evening") {
		t.Errorf("posted %+v", got)
	}
	if left, err := db.Unhandled(ctx, clock.Now().Add(time.Hour), 10); err != nil || len(left) != 0 {
		t.Errorf("inbox event not marked handled: %v, %v", left, err)
	}

	// From the command line (no conversation): the schedule's own channel.
	clock.Advance(time.Second)
	if _, err := r.Command(ctx, workflows.Request{Actor: workflows.System}, "morning"); err != nil {
		t.Fatal(err)
	}
	if got := posts(t, db); len(got) != 2 || got[1].Channel != "C0DESK" {
		t.Errorf("command line digest went to %+v", got)
	}

	// A dry run writes nothing.
	before := len(runs(t, db))
	msgs, err := r.Preview(ctx, "morning")
	if err != nil || len(msgs) != 1 || !strings.Contains(digest.Text(msgs), "3 unresolved") {
		t.Errorf("preview: %v, %v", msgs, err)
	}
	if after := len(runs(t, db)); after != before {
		t.Errorf("preview recorded a run")
	}
	// Manual runs do not count as the schedule's last slot.
	if last, err := db.LastDigestSlot(ctx, "morning"); err != nil || !last.IsZero() {
		t.Errorf("last slot %s, %v; manual runs must not count", last, err)
	}
}

// digestNames is a workflows.Names for tests.
type digestNames map[string]string

func (n digestNames) Name(_ context.Context, key string) string { return n[key] }

// With Names set, a digest lists assignees by name; one it cannot name is
// listed by id.
func TestDigestNamesAssignees(t *testing.T) {
	db := openDigestDB(t, storagetest.URL(t, "sqlite"))
	seedMorning(t, db)
	r := newRunner(db, fakeclock.New(monday9), morning(t, digest.Config{}))
	r.Names = digestNames{"slack:ana": "Ana Ruiz"}
	msgs, err := r.Preview(context.Background(), "morning")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, m := range msgs {
		text.WriteString(m.Text)
		for _, it := range m.Items {
			text.WriteString("\n" + it)
		}
	}
	if !strings.Contains(text.String(), "assigned Ana Ruiz") || !strings.Contains(text.String(), "assigned ben") ||
		strings.Contains(text.String(), "assigned ana") {
		t.Errorf("digest does not name Ana and list ben by id:\n%s", text.String())
	}
}

func TestNewScheduleIsNeverLate(t *testing.T) { eachBackend(t, testNewScheduleIsNeverLate) }

// testNewScheduleIsNeverLate: a desk that first runs a schedule at 11:00
// does not post the 09:00 slot late ("the desk was down then"): it did not
// exist. Its next slot is posted on time, and a slot it really missed
// later, while down, is posted late at the next start.
func testNewScheduleIsNeverLate(t *testing.T, backend string) {
	db := openDigestDB(t, storagetest.URL(t, backend))
	seedMorning(t, db)
	ctx := context.Background()
	clock := fakeclock.New(monday9.Add(2 * time.Hour))
	s := morning(t, digest.Config{})
	r := newRunner(db, clock, s)

	res, err := r.CatchUp(ctx, s)
	if err != nil || len(res) != 0 || len(posts(t, db)) != 0 {
		t.Fatalf("first start at 11:00: %+v, %v, %d posts; want nothing posted", res, err, len(posts(t, db)))
	}
	clock.Set(monday9.Add(24*time.Hour + 30*time.Second))
	if res, err := r.Tick(ctx, s); err != nil || len(res) != 1 || res[0].Run.Status != digest.StatusPosted {
		t.Fatalf("Tuesday's slot: %+v, %v", res, err)
	}
	// Down over Wednesday's slot, back at 10:00: posted late.
	clock.Set(monday9.Add(48*time.Hour + time.Hour))
	if res, err := r.CatchUp(ctx, s); err != nil || len(res) != 1 || res[0].Run.Status != digest.StatusLate {
		t.Fatalf("Wednesday's slot after an outage: %+v, %v", res, err)
	}
}

func TestDigestShowsHedges(t *testing.T) { eachBackend(t, testDigestShowsHedges) }

// testDigestShowsHedges: a digest line gives each source's figure as it
// was hedged, and a range whole, read from the database.
func testDigestShowsHedges(t *testing.T, backend string) {
	db := openDigestDB(t, storagetest.URL(t, backend))
	hedged := func(v, top float64, q workflows.Qualifier) *workflows.Figure {
		return &workflows.Figure{Value: v, Max: top, Qualifier: q}
	}
	fileClaim(t, db, workflows.Claim{Statement: "Civilians killed in the strike", Figure: hedged(300, 0, workflows.AtLeast),
		State: workflows.Disputed, Decision: workflows.Pending, StateSince: monday9.Add(-2 * time.Hour)},
		[]workflows.Evidence{{Source: "UN", Stance: workflows.Supports, Figure: hedged(300, 0, workflows.AtLeast)},
			{Source: "Iraqi army", Stance: workflows.Supports, Figure: hedged(3864, 0, workflows.UpTo)},
			{Source: "Monitors", Stance: workflows.Supports, Figure: hedged(500, 700, workflows.Exact)}}, nil)
	s := morning(t, digest.Config{})
	if _, err := newRunner(db, fakeclock.New(monday9), s).Tick(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	body := posts(t, db)[0].Body
	if !strings.Contains(body, "at least 300 (UN) … as many as 3,864 (Iraqi army)") {
		t.Errorf("the digest line does not give the hedges:\n%s", body)
	}
}

package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

// seedScale fills a database with n claims the way a busy desk's would look
// after a long war: a tenth disputed and undecided (three sourced figures and
// a Slack card each), one in a hundred unverified and waiting (half of them
// stale), one in two hundred corroborated and unassigned, and the rest
// decided, with a source and a card each. Rows go in with multi-row INSERTs
// of literal values in one transaction, which is what keeps a million
// claims to seconds.
func seedScale(tb testing.TB, db *storage.DB, n int, now time.Time) (disputed int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTxx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	const batch = 1000
	var claims, evidence, threads strings.Builder
	flush := func(b *strings.Builder, head string) {
		if b.Len() == 0 {
			return
		}
		if _, err := tx.ExecContext(ctx, head+strings.TrimSuffix(b.String(), ",")); err != nil {
			tb.Fatal(err)
		}
		b.Reset()
	}
	const (
		claimHead = `INSERT INTO claims (id, statement, statement_folded, figure_value, figure_qualifier, figure_unit, filed_by, assignee,
			state, decision, decided_by, decided_ms, created_ms, updated_ms, state_since_ms, version) VALUES `
		evidenceHead = `INSERT INTO evidence (claim_id, source, origin, stance, figure_value, figure_qualifier, added_by, added_ms) VALUES `
		threadHead   = `INSERT INTO claim_threads (claim_id, platform, channel, root_id) VALUES `
	)
	nowMS := now.UnixMilli()
	hour := int64(time.Hour / time.Millisecond)
	for i := 1; i <= n; i++ {
		id := strconv.Itoa(i)
		age := int64(i%500+1) * hour / 4
		state, decision, assignee, decidedMS := "corroborated", "approved", "'slack:ana'", nowMS-age/2
		switch {
		case i%10 == 0:
			state, decision, decidedMS = "disputed", "pending", 0
			if i%20 == 0 {
				assignee = "''"
			}
			disputed++
		case i%100 == 1:
			state, decision, decidedMS = "unverified", "pending", 0
			if i%200 == 1 {
				age += 48 * hour
			}
		case i%200 == 3:
			decision, assignee, decidedMS = "pending", "''", 0
		case i%3 == 0:
			state, decision = "disputed", "rejected"
		}
		// The statement and, as storage folds it for search, in lower case.
		fmt.Fprintf(&claims, "(%s,'Claim %s: officials said %s people were killed in the strike on the market','claim %s: officials said %s people were killed in the strike on the market',%d,'exact','people killed','slack:rita',%s,'%s','%s','%s',%d,%d,%d,%d,1),",
			id, id, id, id, id, 100+i%900, assignee, state, decision, map[bool]string{true: "", false: "slack:eve"}[decidedMS == 0], decidedMS,
			nowMS-age-hour, nowMS-age, nowMS-age)
		if state == "disputed" && decision == "pending" {
			for k, src := range []string{"UN", "Ministry of Health", "Red Crescent"} {
				fmt.Fprintf(&evidence, "(%s,'%s','%s','supports',%d,'exact','slack:rita',%d),", id, src, strings.ToLower(src), (100+i%900)*(k*5+1), nowMS-age)
			}
		} else {
			fmt.Fprintf(&evidence, "(%s,'Reuters','reuters','supports',%d,'exact','slack:rita',%d),", id, 100+i%900, nowMS-age)
		}
		fmt.Fprintf(&threads, "(%s,'slack','C0DESK','%d.%06d'),", id, 1700000000+i, i%1000000)
		if i%batch == 0 {
			flush(&claims, claimHead)
			flush(&evidence, evidenceHead)
			flush(&threads, threadHead)
		}
	}
	flush(&claims, claimHead)
	flush(&evidence, evidenceHead)
	flush(&threads, threadHead)
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	// A desk's database has long been checkpointed; reading a fresh bulk
	// load through a WAL of a million rows' pages would measure the seed.
	if db.Dialect() == "sqlite" {
		if _, err := db.SQL().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			tb.Fatal(err)
		}
	}
	return disputed
}

// benchLimits are bot/slack's Limits, which storage must not import.
var benchLimits = map[string]workflows.Limits{"slack": {MaxItems: 40, MaxChars: 6000, MaxItemChars: 1500}}

// BenchmarkDigest composes (reads, orders, renders and splits, writing
// nothing) a digest over 100k claims with 10k disputed, and over 1M with
// 100k disputed (the million skipped under -short), and prints
//
//	digest_100k_ms: N
//	digest_1m_ms: N
//	digest_scale_ratio: R
//
// so `go test -run '^$' -bench . ./...` output can be grepped for
// `^[a-z0-9_]+: ` into name: value lines. Each iteration composes one
// digest of each size, one after the other, so both meet the machine in
// the same state, and the figures are the medians: a page-fault storm or a
// collection in one run says little about the desk.
func BenchmarkDigest(b *testing.B) {
	now := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	s, err := digest.Parse(digest.Config{Name: "morning", Cron: "CRON_TZ=Europe/London 0 9 * * 1-5", Platform: "slack", Channel: "C0DESK"})
	if err != nil {
		b.Fatal(err)
	}
	type desk struct {
		name     string
		runner   *digest.Runner
		disputed int
		took     []time.Duration
	}
	var desks []*desk
	for _, size := range []struct {
		name   string
		claims int
	}{{"100k", 100_000}, {"1m", 1_000_000}} {
		if size.claims > 100_000 && testing.Short() {
			continue // seeding a million claims takes a while
		}
		db := openDigestDB(b, filepath.Join(b.TempDir(), size.name+".db"))
		start := time.Now()
		disputed := seedScale(b, db, size.claims, now)
		b.Logf("seeded %d claims (%d disputed) in %s", size.claims, disputed, time.Since(start).Round(time.Millisecond))
		desks = append(desks, &desk{name: size.name, disputed: disputed, runner: &digest.Runner{Store: db,
			Schedules: []*digest.Schedule{s}, Clock: fakeclock.New(now), Rules: workflows.DefaultRules(), Limits: benchLimits}})
	}
	b.ResetTimer()
	for b.Loop() {
		for _, d := range desks {
			begin := time.Now()
			msgs, err := d.runner.Preview(context.Background(), "morning")
			d.took = append(d.took, time.Since(begin))
			if err != nil {
				b.Fatal(err)
			}
			items := 0
			for _, m := range msgs {
				items += len(m.Items)
			}
			if items < d.disputed {
				b.Fatalf("%s: digest lists %d claims, fewer than the %d disputed", d.name, items, d.disputed)
			}
		}
	}
	median := map[string]float64{}
	for _, d := range desks {
		slices.Sort(d.took)
		median[d.name] = float64(d.took[len(d.took)/2]) / float64(time.Millisecond)
		b.ReportMetric(median[d.name], d.name+"-ms/digest")
	}
	if v, ok := median["100k"]; ok {
		fmt.Printf("digest_100k_ms: %.1f\n", v)
		if w, ok := median["1m"]; ok {
			fmt.Printf("digest_1m_ms: %.1f\n", w)
			fmt.Printf("digest_scale_ratio: %.2f\n", w/v)
		}
	}
}

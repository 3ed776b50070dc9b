package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot/shell"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
)

// benchDesk is a desk on a fresh SQLite file with the shell platform, as
// `factdesk shell` wires it.
func benchDesk(b *testing.B) *Desk {
	b.Helper()
	cfg := defaultConfig()
	cfg.DB = "sqlite://" + filepath.Join(b.TempDir(), "bench.db")
	m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard})
	d, err := m.openDesk(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// shellEvent is the i-th line a reporter types at the terminal desk.
func shellEvent(reporter string, i int) workflows.Inbound {
	return workflows.Inbound{
		Platform: shell.Platform, EventID: fmt.Sprintf("bench-%s-%d", reporter, i),
		Actor: workflows.Actor{Platform: shell.Platform, ID: reporter, Name: reporter},
		Conv:  workflows.Conversation{Platform: shell.Platform, Channel: shell.Channel, Threadless: true},
		Text:  fmt.Sprintf("claim At least %d civilians killed in the strike on the market, per the health ministry", 100+i%900),
	}
}

// benchReporters file at once in BenchmarkClaimRate: a newsroom during a
// breaking story, when throughput matters.
const benchReporters = 16

// fileClaims has reporters file n claims between them through the
// terminal adapter's code path (parse → engine → SQLite → outbox rows, the
// line recorded in the inbox by the same change) and checks they all exist.
func fileClaims(b *testing.B, d *Desk, reporters, n int) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	for r := range reporters {
		name := fmt.Sprintf("reporter%d", r)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				if err := d.Router.Handle(ctx, shellEvent(name, i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func countClaims(b *testing.B, d *Desk) int {
	var n int
	if err := d.DB.SQL().Get(&n, `SELECT COUNT(*) FROM claims`); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkClaimRate measures claim filings per second end to end, with
// benchReporters filing at once (claim_rate) and with one (claim_rate_serial),
// and raw single-row INSERT transactions per second on the same database
// settings (raw_insert_rate). claim_rate_ratio is claim_rate over
// raw_insert_rate: how much of the database's one-commit-per-row rate the
// desk keeps while doing a claim's real work (inbox, claim, thread, audit
// event, outbox rows). The raw rate is taken from one writer, its best:
// SQLite has one writer at a time, and several raw writers only queue on
// its lock.
func BenchmarkClaimRate(b *testing.B) {
	rates := map[string]float64{}
	for _, bc := range []struct {
		name      string
		reporters int
	}{{"claim", benchReporters}, {"claim_serial", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			d := benchDesk(b)
			b.ReportAllocs()
			b.ResetTimer()
			fileClaims(b, d, bc.reporters, b.N)
			b.StopTimer()
			if n := countClaims(b, d); n != b.N {
				b.Fatalf("%d claims for %d commands", n, b.N)
			}
			rates[bc.name] = float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rates[bc.name], "claims/s")
		})
	}
	b.Run("raw_insert", func(b *testing.B) {
		ctx := context.Background()
		db, err := storage.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "raw.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SQL().Exec(`CREATE TABLE raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		for i := 0; b.Loop(); i++ {
			tx, err := db.SQL().BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(`INSERT INTO raw (body) VALUES (?)`, fmt.Sprintf("row %d", i)); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		rates["raw"] = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates["raw"], "tx/s")
	})
	if rates["claim"] > 0 && rates["claim_serial"] > 0 && rates["raw"] > 0 {
		fmt.Printf("claim_rate: %.0f\nclaim_rate_serial: %.0f\nraw_insert_rate: %.0f\nclaim_rate_ratio: %.2f\nclaim_rate_serial_ratio: %.2f\n",
			rates["claim"], rates["claim_serial"], rates["raw"], rates["claim"]/rates["raw"], rates["claim_serial"]/rates["raw"])
	}
}

// BenchmarkClaimLatency sends `claim` commands at a steady 500 a second and
// measures each from when it was due to when its change had committed, so
// a stall delays the commands behind it too (no coordinated omission). It
// prints claim_p50_ms and claim_p99_ms. One iteration is the whole paced
// run: make bench runs it with -benchtime=1x.
func BenchmarkClaimLatency(b *testing.B) {
	const rate, count = 500, 2500
	d := benchDesk(b)
	ctx := context.Background()
	var lat []time.Duration
	for n := 0; n < b.N; n++ {
		lat = lat[:0]
		interval := time.Second / rate
		start := time.Now()
		for i := 0; i < count; i++ {
			due := start.Add(time.Duration(i) * interval)
			// Pacing, not waiting for work: the next command is not due yet.
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
			if err := d.Router.Handle(ctx, shellEvent("rita", len(lat)+i*7919)); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(due))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	fmt.Printf("claim_p50_ms: %.2f\nclaim_p99_ms: %.2f\n", p(0.5), p(0.99))
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
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
	m := &Main{Stdout: io.Discard, Stderr: io.Discard}
	d, err := m.openDesk(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

func shellEvent(i int) workflows.Inbound {
	return workflows.Inbound{
		Platform: shell.Platform, EventID: fmt.Sprintf("bench-%d", i),
		Actor: workflows.Actor{Platform: shell.Platform, ID: "rita", Name: "rita"},
		Conv:  workflows.Conversation{Platform: shell.Platform, Channel: shell.Channel, Threadless: true},
		Text:  fmt.Sprintf("claim At least %d civilians killed in the strike on the market, per the health ministry", 100+i%900),
	}
}

// BenchmarkClaimRate files claims through the terminal adapter's code path
// (inbox record → parse → engine → SQLite → outbox rows) and, on the same
// database settings, runs raw single-row INSERT transactions; it prints
// claim_rate_ratio, the share of the raw write rate the desk keeps.
func BenchmarkClaimRate(b *testing.B) {
	rates := map[string]float64{}
	b.Run("claim", func(b *testing.B) {
		d := benchDesk(b)
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := d.Router.Handle(ctx, shellEvent(i)); err != nil {
				b.Fatal(err)
			}
		}
		var n int
		d.DB.SQL().Get(&n, `SELECT COUNT(*) FROM claims`)
		if n != b.N {
			b.Fatalf("%d claims for %d commands", n, b.N)
		}
		rates["claim"] = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates["claim"], "claims/s")
	})
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
	if rates["claim"] > 0 && rates["raw"] > 0 {
		fmt.Printf("claim_rate: %.0f\nraw_insert_rate: %.0f\nclaim_rate_ratio: %.2f\n", rates["claim"], rates["raw"], rates["claim"]/rates["raw"])
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
			if _, err := d.Router.Receive(ctx, shellEvent(len(lat)+i*7919)); err != nil {
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

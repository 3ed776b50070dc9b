package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/dbtest"
)

// exportBenchClaims is the size of the export benchmark's desk;
// FACTDESK_BENCH_EXPORT_CLAIMS overrides it for a quick try.
func exportBenchClaims() int {
	if n, err := strconv.Atoi(os.Getenv("FACTDESK_BENCH_EXPORT_CLAIMS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// seedExportDesk fills a SQLite desk with n claims straight through SQL
// (recursive CTEs, one statement per table), which keeps a million claims
// to seconds on two cores: every claim has a linked, archived source and
// every other claim a second source; half are approved.
func seedExportDesk(tb testing.TB, dbURL string, n int) {
	tb.Helper()
	ctx := context.Background()
	db := dbtest.Open(tb, dbURL)
	defer db.Close() // before the export reads the file
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	seq := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, n)
	for _, q := range []string{
		// statement_folded is what storage writes for these ASCII statements,
		// so opening the desk to export has no claims to fold first.
		seq + `INSERT INTO claims (id, statement, statement_folded, figure_value, figure_qualifier, figure_unit, metric, place, filed_by,
			assignee, state, decision, decided_by, decided_ms, decision_note, created_ms, updated_ms, state_since_ms, version)
			SELECT i, 'Claim ' || i || ': officials said ' || (100 + i % 900) || ' people were killed in the strike on the market, "witnesses" say',
			'claim ' || i || ': officials said ' || (100 + i % 900) || ' people were killed in the strike on the market, "witnesses" say',
			100 + i % 900, 'exact', 'people killed', 'killed', 'Mosul', 'slack:U01RITA',
			CASE WHEN i % 4 = 0 THEN '' ELSE 'slack:U02ANA' END,
			CASE i % 3 WHEN 0 THEN 'corroborated' WHEN 1 THEN 'unverified' ELSE 'disputed' END,
			CASE WHEN i % 2 = 0 THEN 'approved' ELSE 'pending' END,
			CASE WHEN i % 2 = 0 THEN 'slack:U03EVE' ELSE '' END,
			CASE WHEN i % 2 = 0 THEN ` + strconv.FormatInt(base, 10) + ` + i * 1000 + 500 ELSE 0 END,
			CASE WHEN i % 2 = 0 THEN 'publish, attributed to the UN' ELSE '' END,
			` + strconv.FormatInt(base, 10) + ` + i * 1000, ` + strconv.FormatInt(base, 10) + ` + i * 1000 + 500,
			` + strconv.FormatInt(base, 10) + ` + i * 1000, 2 FROM n`,
		seq + `INSERT INTO evidence (claim_id, source, origin, url, stance, figure_value, figure_qualifier, added_by, added_ms)
			SELECT i, 'UN human rights office', 'ohchr', 'https://un.example.org/reports/' || i, 'supports', 100 + i % 900,
			'exact', 'slack:U02ANA', ` + strconv.FormatInt(base, 10) + ` + i * 1000 FROM n`,
		seq + `INSERT INTO evidence (claim_id, source, origin, via, stance, figure_value, figure_qualifier, added_by, added_ms)
			SELECT i, 'Ministry of Health', 'ministry of health', 'Reuters', 'contradicts', 120 + i % 900, 'at_least',
			'slack:U02ANA', ` + strconv.FormatInt(base, 10) + ` + i * 1000 FROM n WHERE i % 2 = 0`,
		`INSERT INTO evidence_archive (evidence_id, claim_id, url, state, attempts, final_url, status, content_type, sha256,
			title, fetched_ms, created_ms)
			SELECT id, claim_id, url, 'archived', 1, url, 200, 'text/html', lower(hex(randomblob(32))), 'Report', added_ms + 60000, added_ms
			FROM evidence WHERE url <> ''`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkExport times `factdesk export --format csv` of a million-claim
// desk in a process of its own (this test binary standing in for factdesk).
// It prints export_1m_claims_s (wall clock), export_1m_claims_cpu_s (user
// and system time: what it costs on a shared machine), export_rss_mb (the
// process's peak anonymous resident memory: Go's heap, SQLite's caches,
// everything the export holds) and export_rss_with_db_map_mb (the kernel's
// peak RSS, which also counts the pages of the database file SQLite has
// memory-mapped (mmap_size, 1 GiB): file-backed page cache the kernel can
// drop, growing with the file read rather than with what the export holds).
func BenchmarkExport(b *testing.B) {
	n := exportBenchClaims()
	dir := b.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "desk.db")
	cfg := filepath.Join(dir, "factdesk.yaml")
	if err := os.WriteFile(cfg, []byte("db: "+dbURL+"\nlog:\n  level: warn\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	setup := time.Now()
	seedExportDesk(b, dbURL, n)
	b.Logf("seeded %d claims in %s", n, time.Since(setup).Round(time.Millisecond))
	b.ResetTimer()
	var secs, cpu, rssMB, anonMB float64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "export", "--config", cfg, "--format", "csv")
		cmd.Env = append(os.Environ(), "FACTDESK_TEST_CHILD=1")
		cmd.Stdout = io.Discard
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		anon := sampleAnonRSS(cmd.Process.Pid)
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		secs = time.Since(start).Seconds()
		anonMB = float64(<-anon) / 1024
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			b.Fatal("no rusage")
		}
		rssMB = float64(ru.Maxrss) / 1024 // Linux reports kilobytes
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	b.StopTimer()
	b.ReportMetric(secs, "s/export")
	b.ReportMetric(anonMB, "MB-peak-anon-rss")
	b.ReportMetric(rssMB, "MB-peak-rss")
	// The CPU time says what the export costs when the machine is shared.
	name := "1m"
	if n != 1_000_000 {
		name = strconv.Itoa(n)
	}
	fmt.Printf("export_%s_claims_s: %.2f\nexport_%s_claims_cpu_s: %.2f\nexport_rss_mb: %.1f\nexport_rss_with_db_map_mb: %.1f\n",
		name, secs, name, cpu, anonMB, rssMB)
}

// sampleAnonRSS polls a process's RssAnon (kB) until it exits and sends the
// peak seen.
func sampleAnonRSS(pid int) <-chan int64 {
	peak := make(chan int64, 1)
	go func() {
		var max int64
		path := fmt.Sprintf("/proc/%d/status", pid)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for range tick.C {
			data, err := os.ReadFile(path)
			if err != nil {
				break // gone
			}
			for _, line := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
					if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil && kb > max {
						max = kb
					}
				}
			}
			if strings.Contains(string(data), "State:\tZ") {
				break
			}
		}
		peak <- max
	}()
	return peak
}

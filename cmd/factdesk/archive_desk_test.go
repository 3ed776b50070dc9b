package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

// pageServer is a small web site on loopback whose pages a test changes.
type pageServer struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]servedPage
	hits  map[string]int
}

type servedPage struct {
	status   int
	ctype    string
	body     string
	location string
}

func newPageServer(t *testing.T) *pageServer {
	s := &pageServer{pages: map[string]servedPage{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		p, ok := s.pages[r.URL.Path]
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p.location != "" {
			http.Redirect(w, r, p.location, p.status)
			return
		}
		w.Header().Set("Content-Type", p.ctype)
		w.WriteHeader(p.status)
		io.WriteString(w, p.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *pageServer) set(path string, p servedPage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.status == 0 {
		p.status = http.StatusOK
	}
	if p.ctype == "" {
		p.ctype = "text/html; charset=utf-8"
	}
	s.pages[path] = p
}

func (s *pageServer) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func article(title, text string) string {
	return "<html><head><title>" + title + "</title></head><body><article><h1>" + title + "</h1><p>" + text + "</p></article></body></html>"
}

// archiveConfig writes a desk config (on dbURL, or a fresh SQLite file when
// it is "") whose safe fetcher may read the test server (and nothing else
// inside), with extra keys appended.
func archiveConfig(t *testing.T, srv *pageServer, dbURL, extra string) string {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	cfg, _ := deskConfig(t, dbURL, fmt.Sprintf("editors:\n  shell: [eve, ed]\nfetch:\n  allow: [127.0.0.1/32]\n  ports: [%s]\n%s", u.Port(), extra))
	return cfg
}

// testDesk opens a desk as `run` would, on its clock, without starting
// anything: the test drives the archive worker with Drain.
func testDesk(t *testing.T, cfgPath string, clock workflows.Clock) *Desk {
	t.Helper()
	cfg, err := LoadConfig(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Clock: clock})
	d, err := m.openDesk(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

var rita = workflows.Request{Actor: workflows.Actor{Platform: "shell", ID: "rita", Name: "rita"}}

func fileWithLinks(t *testing.T, d *Desk, links ...string) *workflows.Claim {
	t.Helper()
	ctx := context.Background()
	c, err := d.Engine.File(ctx, rita, workflows.FileInput{Statement: "140 civilians killed in Mosul"})
	if err != nil {
		t.Fatal(err)
	}
	for i, link := range links {
		in := workflows.EvidenceInput{Source: fmt.Sprintf("source %d", i+1), Stance: workflows.Supports, URL: link}
		if _, err := d.Engine.AddEvidence(ctx, rita, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	c, err = d.DB.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func drain(t *testing.T, d *Desk) int {
	t.Helper()
	n, err := d.Archiver.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func snapshotOf(t *testing.T, d *Desk, evidenceID int64) *workflows.Snapshot {
	t.Helper()
	s, err := d.DB.Snapshot(context.Background(), evidenceID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestArchiveFollowsRedirectAndKeepsTheSnapshot: a link that redirects is
// archived at its final address with its hash, title and text, and the card
// (show) says so.
func TestArchiveFollowsRedirectAndKeepsTheSnapshot(t *testing.T) {
	srv := newPageServer(t)
	body := article("UN report on Mosul", "The office counted 140 civilians killed.")
	srv.set("/old", servedPage{status: http.StatusMovedPermanently, location: "/reports/mosul"})
	srv.set("/reports/mosul", servedPage{body: body})
	cfg := archiveConfig(t, srv, "", "")
	d := testDesk(t, cfg, nil)
	c := fileWithLinks(t, d, srv.URL+"/old")
	if a := c.Evidence[0].Archive; a == nil || a.State != workflows.ArchivePending {
		t.Fatalf("before the worker runs the snapshot is %+v, want pending", a)
	}
	if n := drain(t, d); n != 1 {
		t.Fatalf("drain finished %d jobs, want 1", n)
	}
	s := snapshotOf(t, d, c.Evidence[0].ID)
	if s.State != workflows.Archived || s.FinalURL != srv.URL+"/reports/mosul" || s.Status != 200 ||
		s.ContentType != "text/html" || s.Title != "UN report on Mosul" || !strings.Contains(s.Text, "140 civilians killed") {
		t.Errorf("snapshot = %+v", s)
	}
	if want := sha256Hex(body); s.SHA256 != want {
		t.Errorf("sha256 %s, want %s (the body's)", s.SHA256, want)
	}
	if drain(t, d) != 0 || srv.hitsOf("/reports/mosul") != 1 {
		t.Errorf("the page was fetched %d times, want once", srv.hitsOf("/reports/mosul"))
	}
	d.Close()
	out := runMain(t, "show 1\narchive 1\n", "shell", "--config", cfg, "--user", "rita")
	if !regexp.MustCompile(`archived \d\d:\d\d UTC · sha256 ` + s.SHA256[:8] + `…`).MatchString(out) {
		t.Errorf("show lacks the archive line:\n%s", out)
	}
	if !strings.Contains(out, "The office counted 140 civilians killed.") || !strings.Contains(out, "→ "+srv.URL+"/reports/mosul") {
		t.Errorf("archive does not print the stored text:\n%s", out)
	}
}

// TestArchive404FailsAtOnceAndSaysWhy: a missing page is not retried, and
// the card says why.
func TestArchive404FailsAtOnceAndSaysWhy(t *testing.T) {
	srv := newPageServer(t)
	cfg := archiveConfig(t, srv, "", "")
	d := testDesk(t, cfg, nil)
	c := fileWithLinks(t, d, srv.URL+"/gone")
	drain(t, d)
	s := snapshotOf(t, d, c.Evidence[0].ID)
	if s.State != workflows.ArchiveFailed || s.Error != "the page answered 404 Not Found" || s.Attempts != 1 {
		t.Errorf("snapshot = %+v, want failed after one attempt with the 404", s)
	}
	d.Close()
	out := runMain(t, "show 1\narchive 1\n", "shell", "--config", cfg, "--user", "rita")
	if !strings.Contains(out, "archive failed: the page answered 404 Not Found") || !strings.Contains(out, "No text is stored") {
		t.Errorf("show/archive do not say why:\n%s", out)
	}
}

// TestArchiveRetriesWithBackoff: a 503 is tried again after the backoff,
// not before; a port the safe fetcher refuses fails at once.
func TestArchiveRetriesWithBackoff(t *testing.T) {
	srv := newPageServer(t)
	srv.set("/busy", servedPage{status: http.StatusServiceUnavailable, body: "later"})
	clock := fakeclock.New(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
	d := testDesk(t, archiveConfig(t, srv, "", ""), clock)
	c := fileWithLinks(t, d, srv.URL+"/busy", "http://127.0.0.1:1/intranet")
	drain(t, d)
	busy, internal := snapshotOf(t, d, c.Evidence[0].ID), snapshotOf(t, d, c.Evidence[1].ID)
	if busy.State != workflows.ArchivePending || busy.Attempts != 1 || !strings.Contains(busy.Error, "503") {
		t.Errorf("after a 503: %+v, want pending with the reason", busy)
	}
	if internal.State != workflows.ArchiveFailed || internal.Error == "" {
		t.Errorf("a refused port: %+v, want failed at once", internal)
	}
	clock.Advance(archive.Backoff[0] - time.Second)
	if drain(t, d) != 0 {
		t.Error("retried before the backoff")
	}
	srv.set("/busy", servedPage{body: article("Back", "Up again.")})
	clock.Advance(time.Second)
	if drain(t, d) != 1 {
		t.Fatal("not retried after the backoff")
	}
	if s := snapshotOf(t, d, c.Evidence[0].ID); s.State != workflows.Archived || s.Attempts != 2 {
		t.Errorf("after the retry: %+v", s)
	}
}

// TestArchiveSurvivesACrashBetweenCommitAndFetch: evidence committed by a
// desk that died before fetching is archived by the next one; a job leased
// by a dead process is taken over when its lease ends.
func TestArchiveSurvivesACrashBetweenCommitAndFetch(t *testing.T) {
	for _, backend := range storagetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			srv := newPageServer(t)
			srv.set("/a", servedPage{body: article("A", "first page")})
			srv.set("/b", servedPage{body: article("B", "second page")})
			clock := fakeclock.New(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
			cfg := archiveConfig(t, srv, storagetest.URL(t, backend), "")
			first := testDesk(t, cfg, clock)
			c := fileWithLinks(t, first, srv.URL+"/a", srv.URL+"/b")
			// The first desk leases one job and dies with it; the other it
			// never touched.
			if jobs, err := first.DB.LeaseArchiveJobs(context.Background(), "dead-host/1/x", clock.Now(), 2*time.Minute, 1); err != nil || len(jobs) != 1 {
				t.Fatalf("lease: %v, %v", jobs, err)
			}
			first.Close()

			second := testDesk(t, cfg, clock)
			if n := drain(t, second); n != 1 {
				t.Fatalf("the next desk archived %d jobs at once, want the 1 nobody held", n)
			}
			clock.Advance(2*time.Minute + time.Second)
			if n := drain(t, second); n != 1 {
				t.Fatalf("after the dead lease ended the next desk archived %d, want 1", n)
			}
			for _, e := range c.Evidence {
				if s := snapshotOf(t, second, e.ID); s.State != workflows.Archived {
					t.Errorf("evidence %d: %+v", e.ID, s)
				}
			}
			if n, _ := second.DB.PendingArchiveJobs(context.Background()); n != 0 {
				t.Errorf("%d jobs still pending", n)
			}
		})
	}
}

// TestSameLinkTwiceIsFetchedOnce: the same link added to two claims within
// the hour shares one fetch; both pieces of evidence show the snapshot.
func TestSameLinkTwiceIsFetchedOnce(t *testing.T) {
	srv := newPageServer(t)
	srv.set("/report", servedPage{body: article("Report", "counted")})
	d := testDesk(t, archiveConfig(t, srv, "", ""), nil)
	a := fileWithLinks(t, d, srv.URL+"/report")
	b := fileWithLinks(t, d, srv.URL+"/report")
	drain(t, d)
	sa, sb := snapshotOf(t, d, a.Evidence[0].ID), snapshotOf(t, d, b.Evidence[0].ID)
	if sa.State != workflows.Archived || sb.State != workflows.Archived || sa.SHA256 != sb.SHA256 || sb.Text != sa.Text {
		t.Errorf("snapshots differ: %+v\n%+v", sa, sb)
	}
	if n := srv.hitsOf("/report"); n != 1 {
		t.Errorf("the page was fetched %d times, want once", n)
	}
}

// TestRecheckSaysChangedOrVanished drives recheck in the terminal chat.
func TestRecheckSaysChangedOrVanished(t *testing.T) {
	srv := newPageServer(t)
	srv.set("/p", servedPage{body: article("Toll", "The ministry says 140 were killed.")})
	cfg := archiveConfig(t, srv, "", "")
	d := testDesk(t, cfg, nil)
	fileWithLinks(t, d, srv.URL+"/p")
	drain(t, d)
	d.Close()
	recheck := func() string {
		t.Helper()
		return runMain(t, "recheck 1\n", "shell", "--config", cfg, "--user", "rita")
	}
	if out := recheck(); !strings.Contains(out, "evidence 1 · source 1: unchanged since archived") {
		t.Errorf("same page:\n%s", out)
	}
	// New markup, same words: unchanged, and it says why the hash moved.
	srv.set("/p", servedPage{body: strings.Replace(article("Toll", "The ministry says 140 were killed."), "<body>", "<body><script>ads()</script>", 1)})
	if out := recheck(); !strings.Contains(out, "unchanged since archived") || !strings.Contains(out, "markup changed") {
		t.Errorf("markup-only change:\n%s", out)
	}
	srv.set("/p", servedPage{body: article("Toll", "The ministry now says 90 were killed.")})
	if out := recheck(); !strings.Contains(out, "CHANGED since archived") || !strings.Contains(out, "readable text changed") {
		t.Errorf("changed page:\n%s", out)
	}
	srv.mu.Lock()
	delete(srv.pages, "/p")
	srv.mu.Unlock()
	if out := recheck(); !strings.Contains(out, "VANISHED since archived") || !strings.Contains(out, "404 Not Found") {
		t.Errorf("vanished page:\n%s", out)
	}
	db, err := storage.Open(context.Background(), dbOf(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var outcomes []string
	if err := db.SQL().Select(&outcomes, `SELECT outcome FROM archive_rechecks ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(outcomes, ","), "unchanged,unchanged,changed,vanished"; got != want {
		t.Errorf("recorded rechecks %s, want %s", got, want)
	}
	// Bad input changes nothing and says what to type.
	if out := runMain(t, "recheck 1 9\narchive 1 x\nrecheck 99\n", "shell", "--config", cfg, "--user", "rita"); !strings.Contains(out, "#1 has no evidence 9 with a link") ||
		!strings.Contains(out, `"x" is not an evidence number`) || !strings.Contains(out, "no claim #99") {
		t.Errorf("bad input:\n%s", out)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// dbOf reads the db URL of a config file.
func dbOf(t *testing.T, cfgPath string) string {
	t.Helper()
	cfg, err := LoadConfig(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DB
}

// TestRunArchivesAfterTheCommit: in `factdesk run`, evidence typed in the
// chat is archived by the worker the commit wakes, and the card is
// refreshed to say so.
func TestRunArchivesAfterTheCommit(t *testing.T) {
	srv := newPageServer(t)
	srv.set("/un", servedPage{body: article("UN", "140 killed")})
	cfg := archiveConfig(t, srv, "", "")
	stdin, feed := io.Pipe()
	defer feed.Close()
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	startDesk(t, ctx, offline(&Main{Stdin: stdin, Stdout: &out, Getenv: func(string) string { return "" }}), cfg)
	fmt.Fprintln(feed, "claim 140 civilians killed in Mosul")
	fmt.Fprintf(feed, "evidence 1 supports source=UN figure=140 url=%s/un\n", srv.URL)
	// Wait for the worker (a polling helper with a deadline), then ask
	// for the card.
	db, err := storage.Open(ctx, dbOf(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var state string
		err := db.SQL().Get(&state, `SELECT state FROM evidence_archive`)
		if err == nil && state == "archived" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not archived in 30 s (state %q, %v)", state, err)
		}
		select {
		case <-out.grewPast(out.Len()):
		case <-time.After(20 * time.Millisecond):
		}
	}
	fmt.Fprintln(feed, "show 1")
	wait := time.After(30 * time.Second)
	for !regexp.MustCompile(`archived \d\d:\d\d UTC · sha256 [0-9a-f]{8}…`).MatchString(out.String()) {
		select {
		case <-out.grewPast(out.Len()):
		case <-wait:
			t.Fatalf("show does not say the link is archived:\n%s", out.String())
		}
	}
	// The worker refreshed the card: an update went to its thread.
	for {
		var updates int
		err := db.SQL().Get(&updates, `SELECT COUNT(*) FROM outbox WHERE kind = 'card_update'`)
		if err == nil && updates == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d card updates (%v), want one for the evidence and one for the archive", updates, err)
		}
		<-time.After(20 * time.Millisecond)
	}
	if n := srv.hitsOf("/un"); n != 1 {
		t.Errorf("the page was fetched %d times", n)
	}
}

// TestSavePageNowStandIn: with save_page_now on, the snapshot also holds
// the Internet Archive's copy, asked for with the account's keys; when the
// archive refuses, the desk's own snapshot is kept and the refusal noted.
func TestSavePageNowStandIn(t *testing.T) {
	srv := newPageServer(t)
	srv.set("/p", servedPage{body: article("P", "text")})
	srv.set("/q", servedPage{body: article("Q", "text")})
	var mu sync.Mutex
	var asked []string
	spn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "LOW k3y:s3cret" {
			http.Error(w, "{}", http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/save":
			r.ParseForm()
			mu.Lock()
			asked = append(asked, r.PostForm.Get("url"))
			mu.Unlock()
			if strings.HasSuffix(r.PostForm.Get("url"), "/q") {
				w.Write([]byte(`{"message":"This host has been already captured 50 times today.","status":"error","status_ext":"error:too-many-daily-captures"}`))
				return
			}
			w.Write([]byte(`{"url":"` + r.PostForm.Get("url") + `","job_id":"spn2-1"}`))
		case r.URL.Path == "/save/status/spn2-1":
			w.Write([]byte(`{"status":"success","job_id":"spn2-1","original_url":"` + srv.URL + `/p","timestamp":"20260320120300"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer spn.Close()
	env := func(k string) string {
		return map[string]string{"FACTDESK_SPN_ACCESS_KEY": "k3y", "FACTDESK_SPN_SECRET_KEY": "s3cret"}[k]
	}
	cfgPath := archiveConfig(t, srv, "", "archive:\n  save_page_now:\n    enabled: true\n    endpoint: "+spn.URL+"\n")
	cfg, err := LoadConfig(cfgPath, env)
	if err != nil {
		t.Fatal(err)
	}
	m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: env})
	d, err := m.openDesk(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c := fileWithLinks(t, d, srv.URL+"/p", srv.URL+"/q")
	drain(t, d)
	p, q := snapshotOf(t, d, c.Evidence[0].ID), snapshotOf(t, d, c.Evidence[1].ID)
	if want := spn.URL + "/web/20260320120300/" + srv.URL + "/p"; p.State != workflows.Archived || p.ArchiveURL != want {
		t.Errorf("snapshot %+v, want archived with archive URL %s", p, want)
	}
	if q.State != workflows.Archived || q.ArchiveURL != "" || !strings.Contains(q.Error, "50 times today") {
		t.Errorf("refused by the archive: %+v, want archived here with the refusal noted", q)
	}
	if len(asked) != 2 {
		t.Errorf("the archive was asked %d times, want 2", len(asked))
	}
	// Without keys the config is refused, naming them.
	if _, err := LoadConfig(cfgPath, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "access_key") {
		t.Errorf("save_page_now without keys: %v", err)
	}
}

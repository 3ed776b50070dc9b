package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/factdesk/factdesk/internal/testenv"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
)

// Targets on each visible gold set, as for the extractor itself.
const (
	ingestMinRecall      = 0.95
	ingestMinPrecision   = 0.95
	ingestMinAttribution = 0.90
)

// ingestDesk writes a config for a fresh SQLite desk and returns its path
// and the database URL.
func ingestDesk(t *testing.T, extra ...string) (string, string) {
	t.Helper()
	return deskConfig(t, "", "editors:\n  shell: [eve]\n"+strings.Join(extra, ""))
}

func ingestMain(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := offline(&Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("factdesk %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

var (
	extractScore = regexp.MustCompile(`(?m)^recall ([0-9.]+) precision ([0-9.]+) attribution ([0-9.]+)$`)
	groupsScore  = regexp.MustCompile(`(?m)^groups (\d+)  must_group (\d+)/(\d+)  wrong_groups (\d+)/(\d+)$`)
)

// TestIngestCorpusScores runs extract, ingest and discrepancies on each
// visible set of shared articles (each into a desk of its own) and scores
// them with the shared scorer: every must_group formed, no must_not_group.
func TestIngestCorpusScores(t *testing.T) {
	shared := testenv.SharedDir(t)
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Unavailable(t, "python3 is needed to run the shared scorer")
	}
	for _, set := range []struct{ dir, gold string }{{"corpus", "gold-visible.json"}, {"corpus-more", "gold-more.json"}} {
		t.Run(set.dir, func(t *testing.T) {
			articles, err := filepath.Glob(filepath.Join(shared, set.dir, "*.txt"))
			if err != nil || len(articles) == 0 {
				testenv.Unavailable(t, "shared/"+set.dir+" has no articles")
			}
			gold := filepath.Join(shared, "eval", set.gold)
			score := filepath.Join(shared, "eval", "score.py")
			tmp := t.TempDir()
			cfg, _ := ingestDesk(t)

			extracted := ingestMain(t, "", append([]string{"extract", "--format", "json"}, articles...)...)
			ingestMain(t, "", append([]string{"ingest", "--config", cfg, "--user", "rita"}, articles...)...)
			groups := ingestMain(t, "", "discrepancies", "--config", cfg, "--format", "json")

			run := func(mode, data string) string {
				path := filepath.Join(tmp, mode+".jsonl")
				if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := exec.Command(python, score, mode, gold, path).CombinedOutput()
				if err != nil {
					t.Fatalf("score.py %s: %v\n%s", mode, err, out)
				}
				t.Logf("score.py %s:\n%s", mode, out)
				return string(out)
			}

			m := extractScore.FindStringSubmatch(run("extract", extracted))
			if m == nil {
				t.Fatal("score.py extract printed no headline")
			}
			recall, _ := strconv.ParseFloat(m[1], 64)
			precision, _ := strconv.ParseFloat(m[2], 64)
			attribution, _ := strconv.ParseFloat(m[3], 64)
			if recall < ingestMinRecall || precision < ingestMinPrecision || attribution < ingestMinAttribution {
				t.Errorf("recall %.3f precision %.3f attribution %.3f; want at least %.2f, %.2f, %.2f",
					recall, precision, attribution, ingestMinRecall, ingestMinPrecision, ingestMinAttribution)
			}

			g := groupsScore.FindStringSubmatch(run("groups", groups))
			if g == nil {
				t.Fatal("score.py groups printed no headline")
			}
			if g[2] != g[3] {
				t.Errorf("must_group %s/%s: a pair of conflicting figures was not grouped", g[2], g[3])
			}
			if g[4] != "0" {
				t.Errorf("wrong_groups %s/%s: figures that must stay apart were grouped", g[4], g[5])
			}
		})
	}
}

const pastedArticle = `At least 120 civilians were killed in Tikrit since January, according to the provincial council. ` +
	`Separately, 45 people were injured in Samarra, hospital staff said.`

// TestChatIngestAndKeep pastes an article, gets a numbered list, keeps two
// figures and finds them filed as claims.
func TestChatIngestAndKeep(t *testing.T) {
	cfg, dbURL := ingestDesk(t)
	out := ingestMain(t, "ingest "+pastedArticle+"\nkeep 1 2\nkeep 1\n", "shell", "--config", cfg, "--user", "rita")
	for _, want := range []string{"1. at least 120 civilians killed in Tikrit since January (provincial council)", "2. 45 people injured in Samarra",
		"Say keep 1 2 (or keep all)", "new claim #1", "new claim #2", "already kept as #1"} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	claims, err := db.ListClaims(context.Background(), workflows.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(claims) != 2 {
		t.Fatalf("got %d claims, want 2", len(claims))
	}
	c, err := db.Claim(context.Background(), claims[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Metric != "killed" || c.Place != "Tikrit" || c.Figure == nil || c.Figure.Value != 120 || len(c.Evidence) != 1 {
		t.Errorf("claim %+v, want killed in Tikrit, figure 120, one evidence", c)
	}
	if e := c.Evidence[0]; !strings.Contains(e.Source, "provincial council") || e.Via != "pasted text" {
		t.Errorf("evidence source %q via %q, want the provincial council via pasted text", e.Source, e.Via)
	}
}

const articlePage = `<!doctype html><html><head><title>Tikrit toll rises</title>
<script>var views = 5000; window.track(300);</script><style>.x{width:900px}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <span>Top 10 stories</span> <span>42 comments</span></nav>
<article><h1>Tikrit toll rises</h1>
<p>At least 120 civilians were killed in Tikrit since January, according to the provincial council.</p>
<p>A hospital director said 45 people were injured in Samarra.</p></article>
<footer>© 2026 Example News. 1,200 employees worldwide.</footer></body></html>`

// TestIngestURL fetches a page with navigation, scripts and an article and
// finds only the article's figures, from the command line and from chat.
func TestIngestURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage)
	}))
	defer srv.Close()
	url := srv.URL + "/world/tikrit"
	// The desk refuses loopback addresses; the tests' config allows the
	// test server's (see README, Security).
	cfg, dbURL := ingestDesk(t, allowTestServer(t, srv))

	out := ingestMain(t, "", "extract", "--config", cfg, "--format", "json", url)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"figure":120`) || !strings.Contains(lines[1], `"figure":45`) {
		t.Fatalf("extract printed:\n%s\nwant the two article figures only", out)
	}
	if !strings.Contains(lines[0], `"file":"`+url+`"`) || !strings.Contains(lines[0], `"source":"provincial council"`) {
		t.Errorf("first figure row %s lacks the URL as file or the source", lines[0])
	}

	// The same page ingested and kept twice files its figures once.
	chat := ingestMain(t, "ingest <"+url+">\nkeep all\ningest <"+url+">\nkeep all\n", "shell", "--config", cfg, "--user", "rita")
	for _, want := range []string{"2 figures in 127.0.0.1", "new claim #2",
		"1. already filed from this article as #1", "2. already filed from this article as #2"} {
		if !strings.Contains(chat, want) {
			t.Errorf("chat ingest of a URL, twice, lacks %q:\n%s", want, chat)
		}
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if all, err := db.ListClaims(context.Background(), workflows.ClaimFilter{}); err != nil || len(all) != 2 {
		t.Fatalf("%d claims after ingesting one page twice (%v), want 2", len(all), err)
	}
	c, err := db.Claim(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := c.Evidence[0]; e.URL != url || e.Document != url {
		t.Errorf("evidence url %q document %q, want %q", e.URL, e.Document, url)
	}
}

// TestIngestDisputes files two articles stating different tolls for the same
// topic and finds the discrepancy.
func TestIngestDisputes(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "council.txt")
	b := filepath.Join(dir, "ministry.txt")
	os.WriteFile(a, []byte("At least 120 civilians were killed in Tikrit since January, the provincial council said.\n"), 0o600)
	os.WriteFile(b, []byte("As many as 410 civilians were killed in western Tikrit since January, a ministry spokesman said. "+
		"Some 90 people were injured in Tikrit, he said.\n"), 0o600)
	cfg, _ := ingestDesk(t)
	out := ingestMain(t, "", "ingest", "--config", cfg, a, b)
	if !strings.Contains(out, "matched #1: killed · civilians · Tikrit · since January — now disputed") {
		t.Errorf("ingest output:\n%s", out)
	}
	groups := ingestMain(t, "", "discrepancies", "--config", cfg, "--format", "json")
	lines := strings.Split(strings.TrimSpace(groups), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"document":"`+a+`","figure":120`) || !strings.Contains(lines[0], `"document":"`+b+`","figure":410`) {
		t.Errorf("discrepancies:\n%s", groups)
	}

	// A disputed claim an editor approved is still listed, marked approved;
	// evidence added by hand names no document and prints none.
	ingestMain(t, "claim 5 people killed in Homs\nevidence 3 supports source=UN figure=5\nevidence 3 supports source=AP figure=50\n"+
		"as eve\napprove 3 publish 5, attributed to the UN\n", "shell", "--config", cfg, "--user", "rita")
	text := ingestMain(t, "", "discrepancies", "--config", cfg)
	for _, want := range []string{"#1 “", "#3 (approved) 5 people killed in Homs", "  - UN: 5\n", "  - AP: 50\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("discrepancies lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "()") {
		t.Errorf("discrepancies prints an empty document:\n%s", text)
	}
}

// allowTestServer is the fetch section that lets a desk read srv, an
// httptest server on 127.0.0.1: that address and the server's port.
func allowTestServer(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("fetch:\n  allow: [127.0.0.1/32]\n  ports: [%s]\n", port)
}

// TestIngestRefusesInsideAddresses asks, through the chat command, for
// pages inside the network: a listening loopback port, a closed one, the
// metadata address and other spellings. Each gets the one sentence, nothing
// is dialled, and nothing of the page reaches the chat.
func TestIngestRefusesInsideAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "token=SECRET At least 120 civilians were killed in Tikrit, the council said.")
	}))
	defer srv.Close()
	_, open, _ := net.SplitHostPort(srv.Listener.Addr().String())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, closed, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()

	inside := []string{
		"http://127.0.0.1:" + open + "/secret",
		"http://127.0.0.1:" + closed + "/secret",
		"<http://127.0.0.1:" + open + "/secret|a harmless link>",
		"http://localhost:" + open + "/secret",
		"http://[::ffff:127.0.0.1]:" + open + "/secret",
		"http://0.0.0.0:" + open + "/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[64:ff9b::a9fe:a9fe]/",
		"http://10.0.0.1:8080/",
	}
	cfg, dbURL := ingestDesk(t)
	var input strings.Builder
	for _, u := range inside {
		input.WriteString("ingest " + u + "\n")
	}
	input.WriteString("ingest ftp://example.org/report.txt\ningest http://rita:secret@example.org/\n")
	// Links of other schemes, and malformed http ones, are refused as ftp is,
	// not read as pasted text.
	notHTTP := []string{"javascript:alert(1)", "http:/127.0.0.1:" + open + "/secret", "mailto:x@y", "file:///etc/passwd"}
	for _, u := range notHTTP {
		input.WriteString("ingest " + u + "\n")
	}
	out := ingestMain(t, input.String(), "shell", "--config", cfg, "--user", "rita")
	if got, want := strings.Count(out, "only http(s) links can be read"), 1+len(notHTTP); got != want {
		t.Errorf("%d answers that only http(s) links can be read, want %d:\n%s", got, want, out)
	}

	refused := "I could not read that page: that address is inside a private network, which the desk does not fetch."
	if got := strings.Count(out, refused); got != len(inside) {
		t.Errorf("%d answers %q, want %d (one per inside address):\n%s", got, refused, len(inside), out)
	}
	for _, want := range []string{"I could not read that page: only http(s) links can be read.",
		"I could not read that page: links with a user name or password in them are not fetched."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, leak := range []string{"SECRET", "figures in", "connection refused", "dial", "lookup"} {
		if strings.Contains(out, leak) {
			t.Errorf("output contains %q:\n%s", leak, out)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the inside server was asked %d times", n)
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.LatestPending(context.Background(), "shell", "", "shell:rita"); workflows.ErrorCode(err) != workflows.ENOTFOUND {
		t.Errorf("a refused ingest left a pending list (%v)", err)
	}
}

// TestIngestSlowPage answers a page that never finishes with the timeout,
// in words, once fetch.timeout has passed.
func TestIngestSlowPage(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><p>At least 120 civilians"))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cfg, _ := ingestDesk(t, allowTestServer(t, srv), "  timeout: 300ms\n")
	out := ingestMain(t, "ingest "+srv.URL+"/slow\n", "shell", "--config", cfg, "--user", "rita")
	if want := "I could not read that page: the page did not answer within 0.3 s."; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}

// TestIngestRedirectInside follows an allowed intranet page's redirect to
// another loopback address, which is not allowed: refused like any inside
// address, and the target never asked.
func TestIngestRedirectInside(t *testing.T) {
	var inside atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != srv.Listener.Addr().String() {
			inside.Add(1)
			fmt.Fprint(w, "token=SECRET")
			return
		}
		_, port, _ := net.SplitHostPort(r.Host)
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/secret", http.StatusFound)
	}))
	defer srv.Close()
	cfg, _ := ingestDesk(t, allowTestServer(t, srv))
	out := ingestMain(t, "ingest "+srv.URL+"/hop\n", "shell", "--config", cfg, "--user", "rita")
	if want := "I could not read that page: that address is inside a private network, which the desk does not fetch."; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	if inside.Load() != 0 || strings.Contains(out, "SECRET") {
		t.Errorf("the redirect's inside target was read:\n%s", out)
	}
}

// TestIngestHugeNumber: a figure written as hundreds of digits is no
// figure: ingest answers, files nothing and does not fail.
func TestIngestHugeNumber(t *testing.T) {
	cfg, _ := ingestDesk(t)
	path := filepath.Join(t.TempDir(), "huge.txt")
	text := "A toll of " + strings.Repeat("9", 400) + " civilians were killed in Mosul, the army said.\n\nAt least 12 civilians were killed in Tikrit, the council said.\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out := ingestMain(t, "", "ingest", "--config", cfg, "--user", "rita", path)
	if !strings.Contains(out, ": 1 figure\n") || !strings.Contains(out, "at least 12") || strings.Contains(out, "999") {
		t.Errorf("ingest of a huge number:\n%s", out)
	}
}

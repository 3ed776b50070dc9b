package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factdesk/factdesk/configs"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
)

// TestMain lets the test binary stand in for the factdesk binary: crash
// tests start it as a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("FACTDESK_TEST_CHILD") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeConfig writes a config for a test desk and returns its path and db URL.
func writeConfig(t *testing.T, extra string) (string, string) {
	t.Helper()
	return deskConfig(t, "", "editors:\n  shell: [eve, ed]\n"+extra)
}

func runMain(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	m := offline(&Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("factdesk %v: %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String()
}

// TestWholeStory drives the real program through the story the desk exists
// for, as a script would through the terminal chat.
func TestWholeStory(t *testing.T) {
	cfg, dbURL := writeConfig(t, "")
	script := strings.Join([]string{
		"claim 140 civilians killed in the March 17 Mosul airstrike, per the UN human rights office",
		`evidence 1 supports source="UN human rights office" figure=140 url=https://example.org/un`,
		`evidence 1 supports source="Reuters" figure=140 via="Associated Press"`,
		`evidence 1 supports source="Iraqi army" figure="as many as 3,864"`,
		"approve 1 looks fine",
		"as eve",
		"claim At least 300 civilians killed in west Mosul since mid-February",
		"approve 2 filed it myself",
		"as ed",
		"approve 1",
		"approve 1 Publish 140, attributed to the UN; say the Iraqi army gives a far higher toll",
		"history 1",
		"shw 1",
	}, "\n")
	out := runMain(t, script, "shell", "--config", cfg, "--user", "rita")
	for _, want := range []string{
		"#1 filed: unverified · figure 140 civilians killed",
		"Now corroborated",
		"Now disputed: 140 (UN human rights office) vs 3,864 (Iraqi army)",
		"! only editors can approve claims",
		"#2 filed: unverified",
		"! you filed #2, so another editor must approve it",
		"! #1 is disputed",
		"ed approved #1: Publish 140",
		"shell:eve",
		"did you mean show?",
	} {
		if want == "shell:eve" {
			continue
		}
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// history shows every step with actor and time.
	steps := []string{"rita · filed", "rita · evidence added", "factdesk · state changed: unverified → corroborated",
		"factdesk · state changed: corroborated → disputed", "ed · approved: pending → approved"}
	for _, s := range steps {
		if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · ` + regexp.QuoteMeta(s)).MatchString(out) {
			t.Errorf("history lacks a timed step %q\n%s", s, out)
		}
	}
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Claim(context.Background(), 1)
	if err != nil || c.Decision != workflows.Approved || c.State != workflows.Disputed || c.DecidedBy != "shell:ed" {
		t.Fatalf("claim 1 = %+v, %v", c, err)
	}
	if n, _ := db.Depth(context.Background()); n != 0 {
		t.Errorf("%d outbox rows undelivered", n)
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	var cfg Config = defaultConfig()
	if err := ParseConfig(configs.Example, &cfg); err != nil {
		t.Fatalf("configs/factdesk.example.yaml: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("configs/factdesk.example.yaml: %v", err)
	}
	// Every key of the example is documented in the README.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range exampleKeys(t) {
		if !strings.Contains(string(readme), "`"+key+"`") {
			t.Errorf("README does not document config key `%s`", key)
		}
	}
}

// exampleKeys lists the dotted keys the example config sets.
func exampleKeys(t *testing.T) []string {
	var keys []string
	var stack []string
	indents := []int{}
	for _, line := range strings.Split(string(configs.Example), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "-") {
			continue
		}
		key, _, ok := strings.Cut(trimmed, ":")
		if !ok || strings.ContainsAny(key, " \"") {
			continue
		}
		indent := len(line) - len(trimmed)
		for len(indents) > 0 && indents[len(indents)-1] >= indent {
			indents, stack = indents[:len(indents)-1], stack[:len(stack)-1]
		}
		indents, stack = append(indents, indent), append(stack, key)
		keys = append(keys, strings.Join(stack, "."))
	}
	return keys
}

func TestUnknownConfigKeyIsNamed(t *testing.T) {
	cfg := defaultConfig()
	err := ParseConfig([]byte("db: sqlite://x.db\nrules:\n  corroboration_source: 3\n"), &cfg)
	if err == nil || !strings.Contains(err.Error(), `"corroboration_source"`) {
		t.Fatalf("err = %v, want it to name the key", err)
	}
}

// TestCrashLosesNothing kills the desk with SIGKILL during a burst of
// commands. After a restart every command that got a reply is in the
// database, no recorded command is left unanswered (a terminal line is
// recorded by the change that answers it), and every outbox row is
// delivered exactly once (the transcript is the terminal's record).
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	cfg, dbURL := writeConfig(t, "")
	transcript := filepath.Join(dir, "transcript.log")
	start := func(stdin io.Reader) (*exec.Cmd, io.ReadCloser) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "FACTDESK_TEST_CHILD=1")
		cmd.Args = append(cmd.Args[:1], "shell", "--config", cfg, "--user", "rita", "--transcript", transcript)
		cmd.Stdin = stdin
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, out
	}
	pr, pw := io.Pipe()
	child, out := start(pr)
	const burst = 400
	go func() {
		for i := 1; i <= burst; i++ {
			if _, err := fmt.Fprintf(pw, "claim burst item %d: %d homes destroyed\n", i, i); err != nil {
				return
			}
		}
	}()
	replied := map[string]bool{}
	filed := regexp.MustCompile(`^#(\d+) filed`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := filed.FindStringSubmatch(sc.Text()); m != nil {
			replied[m[1]] = true
			if len(replied) == 150 {
				break // mid-burst
			}
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	pw.CloseWithError(io.ErrClosedPipe) // the writer goroutine and exec's stdin copy end
	child.Wait()
	// Restart with no new input: it answers what was left and exits.
	child2, out2 := start(strings.NewReader(""))
	io.Copy(io.Discard, out2)
	if err := child2.Wait(); err != nil {
		t.Fatalf("restart: %v", err)
	}

	ctx := context.Background()
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id := range replied {
		var n int64
		fmt.Sscan(id, &n)
		if _, err := db.Claim(ctx, n); err != nil {
			t.Errorf("claim #%s got a reply but is not in the database: %v", id, err)
		}
	}
	var unhandled, pending, delivered int
	db.SQL().Get(&unhandled, `SELECT COUNT(*) FROM inbox WHERE handled_ms IS NULL`)
	db.SQL().Get(&pending, `SELECT COUNT(*) FROM outbox WHERE state <> 'delivered'`)
	db.SQL().Get(&delivered, `SELECT COUNT(*) FROM outbox WHERE state = 'delivered'`)
	if unhandled != 0 || pending != 0 {
		t.Errorf("after restart: %d inbox events unhandled, %d outbox rows undelivered", unhandled, pending)
	}
	data, err := os.ReadFile(transcript)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "@outbox "); ok {
			id, _, _ := strings.Cut(rest, " ")
			seen[id]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("outbox row %s delivered %d times", id, n)
		}
	}
	if len(seen) != delivered {
		t.Errorf("transcript has %d rows, database says %d delivered", len(seen), delivered)
	}
	t.Logf("%d replies before the kill, %d rows delivered in all", len(replied), delivered)
}

// TestRunServesHealthAndMetrics starts `factdesk run` with the terminal as
// its chat, checks /healthz and /metrics, and stops it with its context, as
// SIGINT does.
func TestRunServesHealthAndMetrics(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	stdin, feed := io.Pipe()
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d := runDesk(t, ctx, offline(&Main{Stdin: stdin, Stdout: &out, Getenv: func(string) string { return "" }}), cfg)
	addr := d.addr
	fmt.Fprintln(feed, "claim 12 homes destroyed in Raqqa")
	fmt.Fprintln(feed, "frobnicate")
	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(body)
	}
	if body := get("/healthz"); strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %q", body)
	}
	// The two commands are counted once handled; wait for both.
	deadline := time.After(30 * time.Second)
	for {
		seen := out.Len() // output seen before this look at the counters
		metrics := get("/metrics")
		if strings.Contains(metrics, `factdesk_commands_total{command="claim",outcome="ok"} 1`) &&
			strings.Contains(metrics, `factdesk_commands_total{command="unknown",outcome="refused"} 1`) {
			if !strings.Contains(metrics, "factdesk_outbox_depth") || !strings.Contains(metrics, "factdesk_outbox_delivered_total") {
				t.Errorf("/metrics lacks outbox figures:\n%s", metrics)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatalf("commands never counted:\n%s", metrics)
		case <-out.grewPast(seen):
		}
	}
	if err := d.stop(); err != nil {
		t.Fatalf("run ended with %v", err)
	}
	feed.Close()
	if !strings.Contains(out.String(), "#1 filed") {
		t.Errorf("terminal output lacks the reply:\n%s", out.String())
	}
}

// syncBuffer is an output buffer that says when it grows.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.notify != nil {
		close(b.notify)
		b.notify = nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Len is how much has been written.
func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// grewPast returns a channel closed once more than n bytes are written:
// at once if that already happened.
func (b *syncBuffer) grewPast(n int) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > n {
		done := make(chan struct{})
		close(done)
		return done
	}
	if b.notify == nil {
		b.notify = make(chan struct{})
	}
	return b.notify
}

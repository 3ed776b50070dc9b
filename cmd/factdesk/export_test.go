package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testExportToken = "s3cret-export-token-0123456789"

// fileSomeClaims files two claims through the terminal, one approved.
func fileSomeClaims(t *testing.T, cfg string) {
	t.Helper()
	runMain(t, strings.Join([]string{
		`claim 140 civilians killed in Mosul, "per the UN", 2026`,
		`evidence 1 supports source="UN human rights office" figure=140 url=https://example.org/un`,
		`evidence 1 supports source="Reuters" figure=140`,
		"claim =1+2 homes destroyed in Raqqa",
		"as eve",
		"approve 1",
	}, "\n"), "shell", "--config", cfg, "--user", "rita")
}

func TestExportCommandCSVReadsBack(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	fileSomeClaims(t, cfg)
	rows, err := csv.NewReader(strings.NewReader(runMain(t, "", "export", "--config", cfg, "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v", err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 claims: %v", len(rows), rows)
	}
	if got, want := rows[1][1], `140 civilians killed in Mosul, "per the UN", 2026`; got != want {
		t.Errorf("statement = %q, want %q", got, want)
	}
	if got, want := rows[2][1], "'=1+2 homes destroyed in Raqqa"; got != want {
		t.Errorf("formula statement = %q, want %q", got, want)
	}
	if got := rows[1][13]; got != "approved" {
		t.Errorf("decision = %q", got)
	}

	// --state and --out: the file holds only what the filter keeps.
	out := filepath.Join(t.TempDir(), "approved.jsonl")
	if got := runMain(t, "", "export", "--config", cfg, "--format", "jsonl", "--state", "approved", "--out", out); got != "" {
		t.Errorf("--out also wrote to stdout: %q", got)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var c struct {
		ID       int64 `json:"id"`
		Evidence []struct {
			URL string `json:"url"`
		} `json:"evidence"`
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &c) != nil || c.ID != 1 || len(c.Evidence) != 2 {
		t.Errorf("approved jsonl = %q", data)
	}

	audit := runMain(t, "", "export", "--config", cfg, "--format", "audit", "--since", "2000-01-01")
	if n := strings.Count(audit, "\n"); n < 6 {
		t.Errorf("audit has %d events, want every step:\n%s", n, audit)
	}

	for _, bad := range [][]string{{"--format", "xml"}, {"--state", "maybe"}, {"--since", "last week"}, {"--format", "audit", "--state", "approved"}, {"--format", "claimreview", "--state", "rejected"}} {
		m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
		if err := m.Run(context.Background(), append([]string{"export", "--config", cfg}, bad...)); err == nil {
			t.Errorf("export %v succeeded", bad)
		}
	}
}

// startRun starts `factdesk run`, with a terminal nobody types on as its
// chat, and returns its HTTP address.
func startRun(t *testing.T, cfg string, getenv func(string) string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	addr, _ := startDesk(t, ctx, offline(&Main{Stdin: silentTerminal(t), Getenv: getenv}), cfg)
	return addr
}

func get(t *testing.T, url, token string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestHTTPExportsNeedTheToken(t *testing.T) {
	cfg, _ := writeConfig(t, "export:\n  newsroom: Example Desk\n  review_url: https://news.example.org/checks/{id}\n")
	fileSomeClaims(t, cfg)
	base := "http://" + startRun(t, cfg, envOf(map[string]string{"FACTDESK_EXPORT_TOKEN": testExportToken}))
	for _, path := range []string{"/export/claims.csv", "/export/claims.jsonl", "/export/claimreview.json"} {
		for _, token := range []string{"", "wrong", testExportToken[:len(testExportToken)-1], testExportToken + "x"} {
			if code, body, h := get(t, base+path, token); code != http.StatusUnauthorized || strings.Contains(body, "Mosul") ||
				!strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("GET %s with token %q: %d %q, want 401 with a Bearer challenge", path, token, code, body)
			}
		}
		code, body, h := get(t, base+path, testExportToken)
		if code != http.StatusOK || !strings.Contains(body, "Mosul") {
			t.Errorf("GET %s with the token: %d %q", path, code, body)
		}
		if path == "/export/claims.csv" && !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Errorf("CSV served as %q", h.Get("Content-Type"))
		}
		if path == "/export/claimreview.json" {
			var reviews []map[string]any
			if err := json.Unmarshal([]byte(body), &reviews); err != nil || len(reviews) != 1 || reviews[0]["url"] != "https://news.example.org/checks/1" {
				t.Errorf("claimreview = %v (%v)", reviews, err)
			}
		}
	}
	if code, _, _ := get(t, base+"/export/claims.csv?state=bogus", testExportToken); code != http.StatusBadRequest {
		t.Errorf("a bad filter gave %d, want 400", code)
	}
}

func TestHTTPExportsDoNotExistWithoutAToken(t *testing.T) {
	cfg, _ := writeConfig(t, "")
	base := "http://" + startRun(t, cfg, func(string) string { return "" })
	for _, token := range []string{"", testExportToken} {
		if code, _, _ := get(t, base+"/export/claims.csv", token); code != http.StatusNotFound {
			t.Errorf("GET /export/claims.csv without a configured token: %d, want 404", code)
		}
	}
}

func TestShortExportTokenIsRefused(t *testing.T) {
	cfg, _ := writeConfig(t, "export:\n  token: short\n")
	m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
	if err := m.Run(context.Background(), []string{"export", "--config", cfg}); err == nil || !strings.Contains(err.Error(), "export.token") {
		t.Errorf("a 5-character token gave %v", err)
	}
}

// TestExportOutlivesTheWriteTimeout: an export streaming longer than the
// server's write timeout is not cut off while the client reads.
func TestExportOutlivesTheWriteTimeout(t *testing.T) {
	const timeout = 150 * time.Millisecond
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := &slidingDeadline{w: w, rc: http.NewResponseController(w), step: timeout}
		tick := time.NewTicker(timeout / 3)
		defer tick.Stop()
		for i := 0; i < 10; i++ { // about three write timeouts in all
			<-tick.C
			fmt.Fprintf(out, "row %d\n", i)
			http.NewResponseController(w).Flush()
		}
	}))
	srv.Config.WriteTimeout = timeout
	srv.Start()
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || !strings.HasSuffix(string(body), "row 9\n") {
		t.Errorf("read %q, %v: the stream was cut", body, err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/internal/testenv"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
)

// readyz is /readyz's answer.
type readyz struct {
	status int
	Ready  bool         `json:"ready"`
	Parts  []PartStatus `json:"parts"`
}

func (r readyz) part(name string) PartStatus {
	for _, p := range r.Parts {
		if p.Name == name {
			return p
		}
	}
	return PartStatus{Name: name, Detail: "missing"}
}

func getReadyz(t *testing.T, addr string) readyz {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r readyz
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("/readyz is not JSON: %v", err)
	}
	r.status = resp.StatusCode
	return r
}

// waitReadyz polls /readyz until ok says its answer is the one awaited.
func waitReadyz(t *testing.T, ctx context.Context, addr string, ok func(readyz) bool) readyz {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		r := getReadyz(t, addr)
		if ok(r) {
			return r
		}
		select {
		case <-ctx.Done():
			t.Fatalf("/readyz never changed as awaited; last answer %d %+v", r.status, r.Parts)
		case <-tick.C:
		}
	}
}

// TestSlackDownAtStartThenUp: Slack's Web API answers auth.test with 5xx
// and dropped connections at start. The desk serves anyway, /readyz says
// Slack is not ready (503) while the database and dispatcher are, a message
// queued for Slack meanwhile is not tried (its attempts stay unspent); once
// Slack answers the desk becomes ready and delivers the message, once.
func TestSlackDownAtStartThenUp(t *testing.T) {
	fake := slackfake.New(t)
	down := make([]slackfake.Fault, 0, 4000)
	for i := 0; i < cap(down)/2; i++ {
		down = append(down, slackfake.ServerError(), slackfake.CloseConnection())
	}
	fake.FailNext("auth.test", down...)
	cfgPath, dbURL := slackDeskConfig(t, "", fake, "s3", "log:\n  format: json\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr, logs := startDesk(t, ctx, offline(&Main{Getenv: slackEnv(fake)}), cfgPath)

	// Down: the desk is alive, not ready, and says which part waits.
	r := waitReadyz(t, ctx, addr, func(r readyz) bool {
		return r.part("dispatcher").Ready && strings.Contains(r.part("slack").Detail, "unreachable")
	})
	if r.status != http.StatusServiceUnavailable || r.Ready || r.part("slack").Ready {
		t.Fatalf("/readyz while Slack is down: %d %+v", r.status, r.Parts)
	}
	for _, name := range []string{"database", "migrations", "dispatcher"} {
		if !r.part(name).Ready {
			t.Errorf("part %s not ready while only Slack is down: %+v", name, r.part(name))
		}
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz while Slack is down: %s", resp.Status)
	}

	// Something for Slack is queued while it is away (as a digest or a
	// replica would queue it).
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Within(ctx, func(tx workflows.Tx) error {
		return tx.Enqueue(ctx, workflows.Outgoing{Platform: "slack", Channel: "C0NEWS", Kind: workflows.KindNotice,
			Message: workflows.Message{Text: "queued while Slack was away"}, CreatedAt: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	// Several more failed attempts later nothing was posted or spent.
	attempts := len(fake.Calls("auth.test"))
	if _, err := fake.WaitCalls(ctx, "auth.test", attempts+3); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("%d posts while Slack was down", n)
	}
	var spent int
	if err := db.SQL().GetContext(ctx, &spent, `SELECT attempts FROM outbox`); err != nil || spent != 0 {
		t.Fatalf("the queued row spent %d attempts (%v) while Slack was down", spent, err)
	}

	// Up.
	fake.ClearFaults("auth.test")
	r = waitReadyz(t, ctx, addr, func(r readyz) bool { return r.Ready })
	if r.status != http.StatusOK || r.part("slack").Detail != "connected" {
		t.Errorf("/readyz once Slack is up: %d %+v", r.status, r.Parts)
	}
	if _, err := fake.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	if msgs := fake.Messages("C0NEWS"); len(msgs) != 1 || msgs[0].Text != "queued while Slack was away" {
		t.Fatalf("messages = %+v", msgs)
	}
	// The log said what happened, as JSON lines carrying the platform.
	var saw bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log.format json wrote a line that is not JSON: %q", line)
		}
		if rec["msg"] == "platform unreachable; trying again" && rec["platform"] == "slack" {
			saw = true
		}
	}
	if !saw {
		t.Errorf("no log line about the retries:\n%s", logs.String())
	}
}

// TestRejectedSlackTokenStopsTheDesk runs the real binary: a bot token
// Slack answers with invalid_auth stops the desk at once, exit status 78
// (the systemd unit does not restart on it), with a message naming the key
// and its environment variable.
func TestRejectedSlackTokenStopsTheDesk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	fake := slackfake.New(t)
	fake.FailNext("auth.test", slackfake.SlackError("invalid_auth"))
	cfgPath, _ := slackDeskConfig(t, "", fake, "s3", "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Args = append(cmd.Args[:1], "run", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "FACTDESK_TEST_CHILD=1", "FACTDESK_SLACK_BOT_TOKEN=xoxb-revoked")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitConfig {
		t.Fatalf("exit: %v, want status %d\n%s", err, exitConfig, stderr.String())
	}
	last := strings.TrimSpace(stderr.String())
	last = last[strings.LastIndex(last, "\n")+1:]
	for _, want := range []string{"slack.bot_token", "invalid_auth", "FACTDESK_SLACK_BOT_TOKEN"} {
		if !strings.Contains(last, want) {
			t.Errorf("the last line %q does not name %s", last, want)
		}
	}
}

// TestMatrixUnreachableAtStart: a homeserver that refuses connections keeps
// the desk running and not ready, with Matrix named as what it waits for.
func TestMatrixUnreachableAtStart(t *testing.T) {
	// A port nobody listens on: connections are refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := l.Addr().String()
	l.Close()
	cfgPath, _ := writeConfig(t, fmt.Sprintf("matrix:\n  homeserver: http://%s\n  user_id: \"@desk:example.org\"\n  access_token: tok\n", ln))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addr, _ := startDesk(t, ctx, offline(&Main{Getenv: func(string) string { return "" }}), cfgPath)
	r := waitReadyz(t, ctx, addr, func(r readyz) bool { return strings.Contains(r.part("matrix").Detail, "unreachable") })
	if r.status != http.StatusServiceUnavailable || r.part("matrix").Ready || !r.part("database").Ready {
		t.Errorf("/readyz with the homeserver down: %d %+v", r.status, r.Parts)
	}
}

// TestRejectedMatrixTokenStopsTheDesk: the real homeserver answers an
// unknown token with M_UNKNOWN_TOKEN; the desk stops naming the key.
func TestRejectedMatrixTokenStopsTheDesk(t *testing.T) {
	hs, server := os.Getenv("FACTDESK_TEST_MATRIX_URL"), os.Getenv("FACTDESK_TEST_MATRIX_SERVER_NAME")
	if hs == "" || server == "" {
		t.Skip("FACTDESK_TEST_MATRIX_URL is not set (make testenv)")
	}
	cfgPath, _ := writeConfig(t, fmt.Sprintf("matrix:\n  homeserver: %s\n  user_id: \"@desk:%s\"\n", hs, server))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var logs bytes.Buffer
	m := offline(&Main{Stdout: io.Discard, Stderr: &logs,
		Getenv: envOf(map[string]string{"FACTDESK_MATRIX_ACCESS_TOKEN": "syt_not_a_token_anyone_issued"})})
	err := m.Run(ctx, []string{"run", "--config", cfgPath})
	if !errors.As(err, new(credentialError)) {
		t.Fatalf("run: %v, want a rejected credential\n%s", err, logs.String())
	}
	for _, want := range []string{"matrix.access_token", "M_UNKNOWN_TOKEN", "FACTDESK_MATRIX_ACCESS_TOKEN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %s", err, want)
		}
	}
}

// TestLogLinesCarryIDsNotBodies: with log.format json at debug level, the
// line about a filed claim carries the ids operators filter on, and no line
// at info or above holds what the reporter typed.
func TestLogLinesCarryIDsNotBodies(t *testing.T) {
	fake := slackfake.New(t)
	const secret = "log-test-secret"
	cfgPath, _ := slackDeskConfig(t, "", fake, secret, "log:\n  level: debug\n  format: json\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr, logs := startDesk(t, ctx, offline(&Main{Getenv: slackEnv(fake)}), cfgPath)
	waitReadyz(t, ctx, addr, func(r readyz) bool { return r.Ready })
	const secretWords = "quartermaster zeppelin"
	req := slackfake.SignedRequest(secret, "http://"+addr+"/slack/commands", []byte(slackfake.SlashCommandForm(slack.SlashCommand{
		Command: "/factdesk", Text: "claim 12 " + secretWords + " sank, said the harbour office", UserID: "UREPORTER",
		ChannelID: "C0NEWS", TriggerID: "t-log"}).Encode()), time.Now())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := fake.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, logs, `"msg":"claim filed"`)
	var filed map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if rec["level"] != "DEBUG" && strings.Contains(line, "zeppelin") {
			t.Errorf("a %s line holds the message body: %s", rec["level"], line)
		}
		if rec["msg"] == "claim filed" {
			filed = rec
		}
	}
	if filed["claim_id"] != float64(1) || filed["platform"] != "slack" || filed["channel"] != "C0NEWS" ||
		filed["event_id"] == nil || filed["event_id"] == "" {
		t.Errorf("the claim filed line lacks ids: %v", filed)
	}
}

// TestSlackSocketModeReadinessAndRejectedAppToken: in Socket Mode Slack is
// ready once the websocket is open; an app token Slack rejects stops the
// desk naming slack.app_token.
func TestSlackSocketModeReadinessAndRejectedAppToken(t *testing.T) {
	fake := slackfake.New(t)
	cfgPath, _ := slackDeskConfig(t, "", fake, "", "log:\n  level: warn\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	env := map[string]string{"FACTDESK_SLACK_BOT_TOKEN": fake.BotToken(), "FACTDESK_SLACK_APP_TOKEN": fake.AppToken()}
	t.Run("ready", func(t *testing.T) {
		addr, _ := startDesk(t, ctx, offline(&Main{Getenv: envOf(env)}), cfgPath)
		r := waitReadyz(t, ctx, addr, func(r readyz) bool { return r.Ready })
		if r.part("slack").Detail != "connected" || fake.WaitConnections(ctx, 1) != nil {
			t.Errorf("ready without a Socket Mode connection: %+v", r.Parts)
		}
	})
	t.Run("rejected app token", func(t *testing.T) {
		env["FACTDESK_SLACK_APP_TOKEN"] = "xapp-1-not-this-app"
		var logs bytes.Buffer
		m := offline(&Main{Stdout: io.Discard, Stderr: &logs, Getenv: envOf(env)})
		err := m.Run(ctx, []string{"run", "--config", cfgPath})
		if !errors.As(err, new(credentialError)) || !strings.Contains(err.Error(), "slack.app_token") ||
			!strings.Contains(err.Error(), "FACTDESK_SLACK_APP_TOKEN") {
			t.Fatalf("run: %v\n%s", err, logs.String())
		}
	})
}

// TestCredentialEnvMatchesOverrides: the variable a stop message names
// really overrides that key.
func TestCredentialEnvMatchesOverrides(t *testing.T) {
	for key, env := range credentialEnv() {
		var cfg Config
		found := false
		for _, o := range envOverrides() {
			if o.name == env {
				o.set(&cfg, "x")
				found = true
			}
		}
		if !found || !slices.Contains(changedKeys(Config{}, cfg), key) {
			t.Errorf("%s does not override %s", env, key)
		}
	}
}

// TestMatrixReadyOnceSyncing: on the real homeserver, /readyz calls Matrix
// ready only once a sync has come back, and says so ("syncing"), not as
// soon as the token is accepted.
func TestMatrixReadyOnceSyncing(t *testing.T) {
	hs := testenv.Homeserver(t)
	local := testenv.UniqueLocalpart("ready")
	user, token := hs.RegisterUser(t, local, "pw-"+local, false)
	cfgPath, _ := writeConfig(t, fmt.Sprintf("matrix:\n  homeserver: %s\n  user_id: %q\n", hs.URL, user))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr, _ := startDesk(t, ctx, offline(&Main{Getenv: envOf(map[string]string{"FACTDESK_MATRIX_ACCESS_TOKEN": token})}), cfgPath)
	r := waitReadyz(t, ctx, addr, func(r readyz) bool { return r.part("matrix").Ready })
	if d := r.part("matrix").Detail; d != "syncing" || r.status != http.StatusOK {
		t.Errorf("/readyz once Matrix is ready: %d, matrix %q", r.status, d)
	}
}

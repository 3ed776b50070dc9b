package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
)

const digestSchedules = `schedules:
  - name: desk
    cron: "CRON_TZ=Europe/London 0 9 * * 1-5"
    platform: shell
    channel: terminal
    when_empty: skip
`

func digestDesk(t *testing.T, extra string) string {
	t.Helper()
	path, _ := deskConfig(t, "", "editors:\n  shell: [eve]\n"+extra)
	return path
}

func digestMain(t *testing.T, clock *fakeclock.Clock, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := offline(&Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Clock: clock,
		Getenv: func(string) string { return "" }})
	err := m.Run(context.Background(), args)
	return out.String(), err
}

func TestDigestCommandAndSubcommand(t *testing.T) {
	cfg := digestDesk(t, digestSchedules)
	clock := fakeclock.New(time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC))
	script := strings.Join([]string{
		`claim 300 civilians were killed in the Mosul market strike`,
		`evidence 1 supports source="UN" figure=300`,
		`evidence 1 supports source="Iraqi army" figure=3864`,
		`digest`,
		`as eve`,
		`digest nowhere`,
		`digest`,
	}, "\n")
	out, err := digestMain(t, clock, script, "shell", "--config", cfg, "--user", "rita")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"only editors can ask for a digest",
		`no schedule "nowhere"; there are: desk`,
		"Digest · desk",
		"1 unresolved: 1 disputed",
		"300 (UN) … 3,864 (Iraqi army), ×12.9",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}

	clock.Advance(time.Hour)
	out, err = digestMain(t, clock, "", "digest", "--config", cfg, "--dry-run")
	if err != nil || !strings.Contains(out, "Digest · desk") || !strings.Contains(out, "- #1 disputed") {
		t.Errorf("dry run: %v\n%s", err, out)
	}
	out, err = digestMain(t, clock, "", "digest", "--config", cfg, "--schedule", "desk")
	if err != nil || !strings.Contains(out, "Digest · desk") || !strings.Contains(out, "0 new since the last digest") {
		t.Errorf("digest from the shell: %v\n%s", err, out)
	}
	if _, err := digestMain(t, clock, "", "digest", "--config", cfg, "--schedule", "evening"); err == nil ||
		!strings.Contains(err.Error(), `no schedule "evening"`) {
		t.Errorf("unknown schedule: %v", err)
	}
}

func TestBadScheduleRefusesToStart(t *testing.T) {
	for _, tt := range []struct{ schedules, want string }{
		{"schedules:\n  - name: morning\n    cron: \"CRON_TZ=Europe/Londres 0 9 * * *\"\n    platform: slack\n    channel: C1\n", `schedule "morning": bad cron`},
		{"schedules:\n  - name: morning\n    cron: \"0 25 * * *\"\n    platform: slack\n    channel: C1\n", `schedule "morning": bad cron`},
		{"schedules:\n  - name: morning\n    cron: \"0 9 * * *\"\n    platform: slack\n    channel: C1\n    stale_afterr: 2h\n", `"stale_afterr"`},
	} {
		cfg := digestDesk(t, tt.schedules)
		_, err := digestMain(t, fakeclock.New(time.Now()), "", "run", "--config", cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run with %q: %v, want an error containing %s", tt.schedules, err, tt.want)
		}
	}
}

// TestDigestWithoutScheduleIsNotRecorded: with no schedule the digest has
// no channel; it is printed, said so, and not recorded as posted, so the
// next chat digest still lists the claim as new.
func TestDigestWithoutScheduleIsNotRecorded(t *testing.T) {
	cfg := digestDesk(t, "")
	clock := fakeclock.New(time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC))
	if _, err := digestMain(t, clock, "claim 300 civilians killed in Mosul\n", "shell", "--config", cfg, "--user", "rita"); err != nil {
		t.Fatal(err)
	}
	out, err := digestMain(t, clock, "", "digest", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "not posted or recorded") || !strings.Contains(out, "300 civilians killed") {
		t.Errorf("factdesk digest printed %q", out)
	}
	chat, err := digestMain(t, clock, "digest\n", "shell", "--config", cfg, "--user", "rita")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(chat, "0 new since the last digest") {
		t.Errorf("chat digest after an unposted one says %q", chat)
	}
}

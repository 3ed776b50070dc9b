package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSystemdUnit keeps deploy/factdesk.service sandboxed and in step with
// the program (its stop signal, its reload signal, the exit status it must
// not restart on), and has systemd-analyze verify it where it is installed.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/factdesk.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=/usr/local/bin/factdesk run --config /etc/factdesk/factdesk.yaml",
		"ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM", "Restart=on-failure",
		"RestartPreventExitStatus=" + strconv.Itoa(exitConfig),
		"DynamicUser=yes", "StateDirectory=factdesk", "ProtectSystem=strict", "ProtectHome=yes",
		"NoNewPrivileges=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n",
	} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	// verify checks that ExecStart's program exists: this test binary
	// stands in for the installed one.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "factdesk.service")
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/factdesk", self)
	if err := os.WriteFile(copyPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(analyze, "verify", copyPath).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

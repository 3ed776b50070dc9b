package storage_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/storage"
)

func TestDeadOwner(t *testing.T) {
	me := storage.NewOwner()
	if parts := strings.Split(me, "/"); len(parts) != 3 || parts[1] != fmt.Sprint(os.Getpid()) {
		t.Fatalf("NewOwner() = %q, want host/pid/random", me)
	}
	if me == storage.NewOwner() {
		t.Error("two owners of one process are the same; pids are reused, so they must differ")
	}
	// A process that has exited.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	gone := fmt.Sprintf("%s/%d/abcd", host, cmd.Process.Pid)
	for owner, want := range map[string]bool{
		me:                    false,
		gone:                  true,
		"elsewhere/1/abcd":    false, // another host's process is never known dead here
		host + "/notapid/ab":  false,
		"not an owner at all": false,
	} {
		if got := storage.DeadOwner(owner); got != want {
			t.Errorf("DeadOwner(%q) = %v, want %v", owner, got, want)
		}
	}
}

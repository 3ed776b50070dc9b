package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// NewOwner names this process in leases (outbox rows, the Matrix sync):
// "host/pid/random", the random part because pids are reused.
func NewOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// DeadOwner reports whether owner (as NewOwner makes them) is a process of
// this host that no longer runs. A process of another host is never known
// dead here: its leases are left to run out.
func DeadOwner(owner string) bool {
	parts := strings.Split(owner, "/")
	host, _ := os.Hostname()
	if len(parts) != 3 || parts[0] != host {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid == os.Getpid() {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err != nil && !errors.Is(err, syscall.EPERM)
}

// ReleaseDeadLeases frees the outbox rows leased by dead processes of this
// host (DeadOwner), so after a crash their messages go out at once rather
// than when the lease ends. It returns the rows released per owner.
func (s *DB) ReleaseDeadLeases(ctx context.Context) (map[string]int64, error) {
	owners, err := s.LeaseOwners(ctx)
	if err != nil {
		return nil, err
	}
	released := map[string]int64{}
	for _, owner := range owners {
		if !DeadOwner(owner) {
			continue
		}
		n, err := s.ReleaseLeases(ctx, owner)
		if err != nil {
			return released, err
		}
		released[owner] = n
	}
	return released, nil
}

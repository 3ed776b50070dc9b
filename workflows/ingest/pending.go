package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

// Pending is an ingest shown to a reporter as a numbered list and waiting for
// "keep". It is stored, so "keep" works from another replica or after a
// restart.
type Pending struct {
	ID                      int64
	Platform, Channel, User string // where it was asked, and by whom (actor key)
	Document                Document
	Figures                 []extract.Figure
	// Kept maps a figure's number (from 1) to the claim it was filed as, so
	// a retried "keep" files nothing twice.
	Kept      map[int]int64
	CreatedAt time.Time
}

// PendingStore keeps pending ingests.
type PendingStore interface {
	// SavePending stores p and sets its ID.
	SavePending(ctx context.Context, p *Pending) error
	// LatestPending returns the newest ingest a user asked for in a channel.
	// ENOTFOUND: there is none.
	LatestPending(ctx context.Context, platform, channel, user string) (*Pending, error)
	// MarkKept records that figure n of ingest id was filed as claimID.
	MarkKept(ctx context.Context, id int64, n int, claimID int64) error
}

// ParseKeep reads "1 3 4", "1,3", "2-4" or "all" against n figures and
// returns the chosen numbers, from 1, in order and without repeats. A range
// running past the end is clipped to it ("21-40" of 25 is 21 to 25); a
// number, or a range starting, past the end is refused with the list's
// size.
func ParseKeep(args []string, n int) ([]int, error) {
	if len(args) == 1 && strings.EqualFold(args[0], "all") {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out, nil
	}
	seen := map[int]bool{}
	var out []int
	add := func(k int) error {
		if k < 1 || k > n {
			return workflows.Errorf(workflows.EINVALID, "there is no figure %d; the list has %d", k, n)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
		return nil
	}
	for _, a := range args {
		for _, w := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' }) {
			lo, hi, isRange := strings.Cut(w, "-")
			a, err1 := strconv.Atoi(lo)
			b, err2 := a, error(nil)
			if isRange {
				b, err2 = strconv.Atoi(hi)
			}
			if err1 != nil || err2 != nil || b < a {
				return nil, workflows.Errorf(workflows.EINVALID, "%q is not a figure number; say keep 1 3 4 or keep all", w)
			}
			if a < 1 || a > n {
				return nil, workflows.Errorf(workflows.EINVALID, "there is no figure %d; the list has %d", a, n)
			}
			// "keep 21-40" on a list of 25 is the last page: a range is
			// clipped to the list.
			b = min(b, n)
			if b-a > n {
				return nil, workflows.Errorf(workflows.EINVALID, "there is no figure %d; the list has %d", b, n)
			}
			for k := a; k <= b; k++ {
				if err := add(k); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, workflows.Errorf(workflows.EINVALID, "keep which figures? say keep 1 3 4 or keep all")
	}
	return out, nil
}

// Summary renders outcomes one a line: "3. matched #12: killed · civilians ·
// Mosul — now disputed", "4. already filed from this article as #2
// (disputed)".
func Summary(nums []int, outs []Outcome) string {
	var b strings.Builder
	for i, o := range outs {
		n := i + 1
		if i < len(nums) {
			n = nums[i]
		}
		fmt.Fprintf(&b, "%d. %s", n, o.Why)
		switch {
		case o.Claim == nil:
		case o.Unchanged:
			// Nothing changed: say where the claim stands, not "now".
			fmt.Fprintf(&b, " (%s)", o.Claim.State)
		case o.Claim.State == workflows.Disputed && o.Was == workflows.Disputed:
			b.WriteString(" (still disputed)")
		case o.Claim.State == workflows.Disputed:
			b.WriteString(" — now disputed")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

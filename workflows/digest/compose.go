package digest

import (
	"cmp"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Query says which undecided claims a digest needs: every pending claim
// that is disputed (when Disputed), unverified with StateSince before
// StaleBefore (when StaleBefore is set), or unassigned (when Unassigned).
type Query struct {
	Disputed    bool
	StaleBefore time.Time
	Unassigned  bool
}

// Query is what the schedule needs from the store at now.
func (s *Schedule) Query(now time.Time) Query {
	q := Query{Disputed: s.Includes(Disputed), Unassigned: s.Includes(Unassigned)}
	if s.Includes(Stale) {
		q.StaleBefore = now.Add(-s.StaleAfter)
	}
	return q
}

// Links turns a claim's thread into a URL people can click.
type Links struct {
	// SlackURL is the workspace's address, e.g. https://newsroom.slack.com;
	// https://slack.com, which redirects to the workspace, when empty.
	SlackURL string
}

// Thread returns the URL of a claim's card, "" if it has none.
func (l Links) Thread(t workflows.Thread) string {
	if t.RootID == "" {
		return ""
	}
	switch t.Platform {
	case "slack":
		base := strings.TrimRight(l.SlackURL, "/")
		if base == "" {
			base = "https://slack.com"
		}
		return base + "/archives/" + pathEscape(t.Channel) + "/p" + strings.ReplaceAll(t.RootID, ".", "")
	case "matrix":
		return "https://matrix.to/#/" + matrixEscape(t.Channel) + "/" + matrixEscape(t.RootID)
	}
	return ""
}

// matrixEscape escapes a room or event id for a matrix.to link, keeping the
// sigils (! $ @ # :) readable as matrix.to writes them.
func matrixEscape(id string) string {
	return strings.ReplaceAll(pathEscape(id), "%21", "!")
}

// pathEscape is url.PathEscape, skipped for the plain ids most are.
func pathEscape(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return url.PathEscape(s)
		}
	}
	return s
}

// best picks the thread to link from a digest posted to (platform,
// channel): the card in that channel, else one on the same platform, else
// any card at all.
func (l Links) best(threads []workflows.Thread, platform, channel string) string {
	rank := func(t workflows.Thread) int {
		switch {
		case t.Platform == platform && t.Channel == channel:
			return 0
		case t.Platform == platform:
			return 1
		}
		return 2
	}
	link, bestRank := "", 3
	for _, t := range threads {
		if u := l.Thread(t); u != "" && rank(t) < bestRank {
			link, bestRank = u, rank(t)
		}
	}
	return link
}

// Entry is one claim in a digest.
type Entry struct {
	Claim workflows.Claim
	Kind  Kind
	// Assessment has Low and High for disputed claims with two figures.
	Assessment workflows.Assessment
	// Age is how long the claim has been in this situation: since its
	// state last changed (disputed, stale), since it was filed (unassigned).
	Age time.Duration
	// Spread is High/Low for a disputed claim's figures, 1 otherwise.
	Spread float64
	// New is set when the previous digest did not list the claim.
	New  bool
	Link string
}

// Severity orders a section, worst first: spread times age in hours.
func (e Entry) Severity() float64 { return e.Spread * e.Age.Hours() }

// Digest is a composed digest, ready to render.
type Digest struct {
	Schedule string
	Location *time.Location
	// Slot is the time the digest was due; At when it was composed.
	Slot, At time.Time
	Late     bool
	// Manual is set for a digest someone asked for.
	Manual  bool
	Entries []Entry
	Counts  map[Kind]int
	// New counts entries the previous digest did not list; HasPrevious
	// says whether there was a previous digest to compare with.
	New         int
	HasPrevious bool
	WhenEmpty   string
}

// Inputs are what Compose needs besides the claims.
type Inputs struct {
	Schedule *Schedule
	Rules    workflows.Rules
	Links    Links
	// Platform and Channel are where the digest goes, to pick links.
	Platform, Channel string
	Slot, Now         time.Time
	Late, Manual      bool
	// Previous holds the ids the previous digest listed; nil when there
	// was none.
	Previous map[int64]bool
}

// Compose sorts claims into sections, each claim into the first section it
// belongs to (a disputed claim nobody is assigned to is listed as disputed,
// and says it is unassigned), and orders each section worst first.
func Compose(claims []workflows.Claim, in Inputs) Digest {
	s := in.Schedule
	d := Digest{
		Schedule: s.Name, Location: s.Location, Slot: in.Slot, At: in.Now, Late: in.Late, Manual: in.Manual,
		Counts: map[Kind]int{}, HasPrevious: in.Previous != nil, WhenEmpty: s.WhenEmpty,
	}
	staleBefore := in.Now.Add(-s.StaleAfter)
	seen := make(map[int64]bool, len(claims))
	d.Entries = make([]Entry, 0, len(claims))
	for _, c := range claims {
		if seen[c.ID] || c.Decision != workflows.Pending {
			continue
		}
		e := Entry{Claim: c, Spread: 1}
		switch {
		case s.Includes(Disputed) && c.State == workflows.Disputed:
			e.Kind, e.Age = Disputed, in.Now.Sub(c.StateSince)
			e.Assessment = in.Rules.Assess(c.Figure, c.Evidence)
			e.Spread = spread(e.Assessment)
		case s.Includes(Stale) && c.State == workflows.Unverified && c.StateSince.Before(staleBefore):
			e.Kind, e.Age = Stale, in.Now.Sub(c.StateSince)
		case s.Includes(Unassigned) && c.Assignee == "":
			e.Kind, e.Age = Unassigned, in.Now.Sub(c.CreatedAt)
		default:
			continue
		}
		seen[c.ID] = true
		e.Age = max(e.Age, 0)
		e.New = in.Previous != nil && !in.Previous[c.ID]
		e.Link = in.Links.best(c.Threads, in.Platform, in.Channel)
		d.Counts[e.Kind]++
		if e.New {
			d.New++
		}
		d.Entries = append(d.Entries, e)
	}
	// Sort a permutation on precomputed keys: entries are large, and a
	// digest can have a hundred thousand of them.
	type key struct {
		section  int
		severity float64
		id       int64
	}
	keys := make([]key, len(d.Entries))
	perm := make([]int, len(d.Entries))
	for i, e := range d.Entries {
		keys[i] = key{slices.Index(Kinds, e.Kind), e.Severity(), e.Claim.ID}
		perm[i] = i
	}
	slices.SortFunc(perm, func(i, j int) int {
		a, b := keys[i], keys[j]
		if c := cmp.Compare(a.section, b.section); c != 0 {
			return c
		}
		if c := cmp.Compare(b.severity, a.severity); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	sorted := make([]Entry, len(perm))
	for i, p := range perm {
		sorted[i] = d.Entries[p]
	}
	d.Entries = sorted
	return d
}

// spread is how far apart a claim's figures are: High/Low, or 1 when there
// are fewer than two figures or the low one is not positive (a ratio would
// mean nothing; the claim is still ordered by age).
func spread(a workflows.Assessment) float64 {
	if a.Low == nil || a.High == nil || a.Low.Figure.Value <= 0 {
		return 1
	}
	r := a.High.Figure.Value / a.Low.Figure.Value
	if math.IsInf(r, 0) || math.IsNaN(r) || r < 1 {
		return 1
	}
	return r
}

// ClaimIDs lists the digest's claims in order.
func (d Digest) ClaimIDs() []int64 {
	out := make([]int64, len(d.Entries))
	for i, e := range d.Entries {
		out[i] = e.Claim.ID
	}
	return out
}

// Empty reports whether nothing is unresolved.
func (d Digest) Empty() bool { return len(d.Entries) == 0 }

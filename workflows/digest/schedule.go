package digest

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // zones must not depend on the host's zoneinfo

	"github.com/robfig/cron/v3"
)

// Kind is a section of a digest: why a claim is listed.
type Kind string

const (
	// Disputed claims have conflicting evidence and no decision yet.
	Disputed Kind = "disputed"
	// Stale claims are unverified and undecided for longer than StaleAfter.
	Stale Kind = "stale"
	// Unassigned claims are undecided and nobody is verifying them.
	Unassigned Kind = "unassigned"
)

// Kinds lists the sections in the order a digest shows them.
var Kinds = []Kind{Disputed, Stale, Unassigned}

// What a schedule does when nothing is unresolved.
const (
	WhenEmptySkip     = "skip"
	WhenEmptyAllClear = "all_clear"
)

// Defaults for a schedule's optional settings.
const (
	DefaultStaleAfter = 24 * time.Hour
	DefaultGrace      = 6 * time.Hour
	DefaultWhenEmpty  = WhenEmptyAllClear
)

// Config is one entry of the config's schedules list.
type Config struct {
	Name string `yaml:"name" json:"name"`
	// Cron is a five-field spec, preferably with a zone:
	// "CRON_TZ=Europe/London 0 9 * * 1-5". Without one it runs in UTC.
	Cron     string `yaml:"cron" json:"cron"`
	Platform string `yaml:"platform" json:"platform"` // slack, matrix or shell
	Channel  string `yaml:"channel" json:"channel"`   // channel id or room id
	// Include selects the sections; empty means all of Kinds.
	Include []Kind `yaml:"include" json:"include"`
	// StaleAfter is how long an unverified claim may wait before it is stale.
	StaleAfter time.Duration `yaml:"stale_after" json:"stale_after"`
	// Grace is how late a missed slot may still be posted after a restart.
	Grace time.Duration `yaml:"grace" json:"grace"`
	// WhenEmpty is "skip" (post nothing) or "all_clear" (say so).
	WhenEmpty string `yaml:"when_empty" json:"when_empty"`
	// SlackURL is the workspace address Slack cards are linked through,
	// e.g. https://newsroom.slack.com; https://slack.com when empty.
	SlackURL string `yaml:"slack_url" json:"slack_url"`
}

// Platforms a schedule may post to.
var Platforms = []string{"slack", "matrix", "shell"}

// Schedule is a parsed, validated Config. It implements cron.Schedule with
// the daylight-saving policy of the package documentation.
type Schedule struct {
	Config
	// Location is the zone the cron spec is read in.
	Location *time.Location
	// wall is the spec evaluated on wall-clock times written as UTC, where
	// no time is skipped or repeated; Next maps its times back to instants.
	wall *cron.SpecSchedule
}

// Parse validates c and fills in defaults. Every error names the schedule,
// so the run command can refuse to start with a sentence that says which.
func Parse(c Config) (*Schedule, error) {
	name := c.Name
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("a schedule has no name (cron %q)", c.Cron)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("schedule %q: %s", name, fmt.Sprintf(format, args...))
	}
	spec := strings.TrimSpace(c.Cron)
	if spec == "" {
		return nil, fail("cron is empty; write e.g. \"CRON_TZ=Europe/London 0 9 * * 1-5\"")
	}
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		spec = "CRON_TZ=UTC " + spec
	}
	parsed, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fail("bad cron %q: %v", c.Cron, err)
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return nil, fail("cron %q is an interval, not a time of day; use a five-field spec", c.Cron)
	}
	wall := *ss
	wall.Location = time.UTC
	s := &Schedule{Config: c, Location: ss.Location, wall: &wall}
	if s.wall.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fail("cron %q never fires", c.Cron)
	}
	if !slices.Contains(Platforms, c.Platform) {
		return nil, fail("platform %q: use one of %s", c.Platform, strings.Join(Platforms, ", "))
	}
	if strings.TrimSpace(c.Channel) == "" {
		return nil, fail("channel is empty: give a channel id or a room id")
	}
	if len(s.Include) == 0 {
		s.Include = append([]Kind(nil), Kinds...)
	}
	for _, k := range s.Include {
		if !slices.Contains(Kinds, k) {
			return nil, fail("include %q: use disputed, stale or unassigned", k)
		}
	}
	if u := s.SlackURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return nil, fail("slack_url %q: write the workspace address, e.g. https://newsroom.slack.com", u)
	}
	if s.StaleAfter < 0 || s.Grace < 0 {
		return nil, fail("stale_after and grace must not be negative")
	}
	if s.StaleAfter == 0 {
		s.StaleAfter = DefaultStaleAfter
	}
	if s.Grace == 0 {
		s.Grace = DefaultGrace
	}
	switch s.WhenEmpty {
	case "":
		s.WhenEmpty = DefaultWhenEmpty
	case WhenEmptySkip, WhenEmptyAllClear:
	default:
		return nil, fail("when_empty %q: use skip or all_clear", s.WhenEmpty)
	}
	return s, nil
}

// ParseAll parses a config's schedules and refuses duplicate names.
func ParseAll(cs []Config) ([]*Schedule, error) {
	out := make([]*Schedule, 0, len(cs))
	seen := map[string]bool{}
	for _, c := range cs {
		s, err := Parse(c)
		if err != nil {
			return nil, err
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("schedule %q is defined twice", s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out, nil
}

// Includes reports whether the schedule lists section k.
func (s *Schedule) Includes(k Kind) bool { return slices.Contains(s.Include, k) }

// Next returns the first slot strictly after t, in UTC; the zero time if
// there is none within robfig's five-year horizon. It implements
// cron.Schedule, so robfig/cron fires exactly the slots computed here.
func (s *Schedule) Next(t time.Time) time.Time {
	w := wallClock(t, s.Location)
	// A wall time maps to an instant at or after the previous one, so this
	// loop only passes over gap times that collapsed into an earlier slot
	// and times repeated by a fall-back; a few iterations at most, bounded
	// in case a spec fires every second through a long repeated hour.
	for i := 0; i < 100000; i++ {
		w = s.wall.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		if at := instant(w, s.Location); at.After(t) {
			return at.UTC()
		}
	}
	return time.Time{}
}

// Slots returns the slots in (from, to], oldest first.
func (s *Schedule) Slots(from, to time.Time) []time.Time {
	var out []time.Time
	for t := s.Next(from); !t.IsZero() && !t.After(to); t = s.Next(t) {
		out = append(out, t)
	}
	return out
}

// wallClock is t's wall-clock reading in loc, written as a UTC time.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// instant is the first instant at which loc's clocks read the wall-clock
// time w (written as UTC): the earlier of two when w is repeated by a
// fall-back, and the end of the gap when a spring-forward skips w.
func instant(w time.Time, loc *time.Location) time.Time {
	// Zone transitions are months apart, so within a day either side of w
	// there are at most two offsets: the ones before and after a change.
	_, before := w.Add(-26 * time.Hour).In(loc).Zone()
	_, after := w.Add(26 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		u := w.Add(-time.Duration(off) * time.Second)
		if wallClock(u, loc).Equal(w) && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	if !best.IsZero() {
		return best
	}
	// w is in a gap: find the first instant whose wall clock is past it.
	// Clocks only jump forward here, so the reading is monotonic between
	// the two candidates and a binary search finds the transition.
	lo := w.Add(-time.Duration(max(before, after)) * time.Second)
	hi := w.Add(-time.Duration(min(before, after)) * time.Second)
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if mid.Equal(lo) {
			break
		}
		if wallClock(mid, loc).Before(w) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func mustParse(t *testing.T, c Config) *Schedule {
	t.Helper()
	if c.Name == "" {
		c.Name = "morning"
	}
	if c.Platform == "" {
		c.Platform, c.Channel = "slack", "C0DESK"
	}
	s, err := Parse(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func formatAll(ts []time.Time) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.UTC().Format(time.RFC3339))
	}
	return strings.Join(out, " ")
}

func TestSlotsAcrossZonesAndDST(t *testing.T) {
	tests := []struct {
		name     string
		cron     string
		from, to string
		want     string
	}{
		{"London weekdays in winter", "CRON_TZ=Europe/London 0 9 * * 1-5",
			"2024-01-05T09:00:00Z", "2024-01-09T12:00:00Z",
			"2024-01-08T09:00:00Z 2024-01-09T09:00:00Z"},
		{"London weekdays across spring forward", "CRON_TZ=Europe/London 0 9 * * 1-5",
			"2024-03-29T00:00:00Z", "2024-04-02T12:00:00Z",
			"2024-03-29T09:00:00Z 2024-04-01T08:00:00Z 2024-04-02T08:00:00Z"},
		{"London slot in the spring-forward gap runs once at the gap's end", "CRON_TZ=Europe/London 30 1 * * *",
			"2024-03-30T00:00:00Z", "2024-04-01T12:00:00Z",
			"2024-03-30T01:30:00Z 2024-03-31T01:00:00Z 2024-04-01T00:30:00Z"},
		{"London gap times collapse into one slot", "CRON_TZ=Europe/London */20 1-2 * * *",
			"2024-03-31T00:00:00Z", "2024-03-31T12:00:00Z",
			"2024-03-31T01:00:00Z 2024-03-31T01:20:00Z 2024-03-31T01:40:00Z"},
		{"London fall-back repeat runs at the first occurrence only", "CRON_TZ=Europe/London 30 1 * * *",
			"2024-10-26T00:00:00Z", "2024-10-28T12:00:00Z",
			"2024-10-26T00:30:00Z 2024-10-27T00:30:00Z 2024-10-28T01:30:00Z"},
		{"London hourly through the fall-back hour", "CRON_TZ=Europe/London 0 * * * *",
			"2024-10-26T23:30:00Z", "2024-10-27T03:30:00Z",
			// 01:00 BST (00:00Z), then 01:00 GMT (01:00Z) would repeat 01:00.
			"2024-10-27T00:00:00Z 2024-10-27T02:00:00Z 2024-10-27T03:00:00Z"},
		{"New York 02:00 on spring-forward day runs at 03:00 EDT", "CRON_TZ=America/New_York 0 2 * * *",
			"2024-03-09T00:00:00Z", "2024-03-11T12:00:00Z",
			"2024-03-09T07:00:00Z 2024-03-10T07:00:00Z 2024-03-11T06:00:00Z"},
		{"New York fall back", "CRON_TZ=America/New_York 30 1 * * *",
			"2024-11-02T12:00:00Z", "2024-11-04T12:00:00Z",
			"2024-11-03T05:30:00Z 2024-11-04T06:30:00Z"},
		{"Lord Howe half-hour spring gap", "CRON_TZ=Australia/Lord_Howe 15 2 * * *",
			"2024-10-04T12:00:00Z", "2024-10-06T18:00:00Z",
			"2024-10-04T15:45:00Z 2024-10-05T15:30:00Z 2024-10-06T15:15:00Z"},
		{"Lord Howe half-hour fall back", "CRON_TZ=Australia/Lord_Howe 45 1 * * *",
			"2024-04-06T00:00:00Z", "2024-04-07T18:00:00Z",
			"2024-04-06T14:45:00Z 2024-04-07T15:15:00Z"},
		{"Kolkata has no DST", "CRON_TZ=Asia/Kolkata 0 9 * * *",
			"2024-03-30T00:00:00Z", "2024-03-31T12:00:00Z",
			"2024-03-30T03:30:00Z 2024-03-31T03:30:00Z"},
		{"no zone means UTC", "0 9 * * *",
			"2024-03-30T00:00:00Z", "2024-03-31T12:00:00Z",
			"2024-03-30T09:00:00Z 2024-03-31T09:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, Config{Cron: tt.cron})
			if got := formatAll(s.Slots(utc(tt.from), utc(tt.to))); got != tt.want {
				t.Errorf("slots\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestRobfigDSTBehaviour pins down why slots are computed here: robfig's own
// Next skips a gap slot and fires a fall-back slot twice.
func TestRobfigDSTBehaviour(t *testing.T) {
	sched, err := cron.ParseStandard("CRON_TZ=Europe/London 30 1 * * *")
	if err != nil {
		t.Fatal(err)
	}
	if got := sched.Next(utc("2024-03-30T02:00:00Z")).UTC(); !got.Equal(utc("2024-04-01T00:30:00Z")) {
		t.Errorf("robfig after the gap: got %s; expected it to skip 31 March", got)
	}
	first := sched.Next(utc("2024-10-27T00:00:00Z")).UTC()
	second := sched.Next(first).UTC()
	if !first.Equal(utc("2024-10-27T00:30:00Z")) || !second.Equal(utc("2024-10-27T01:30:00Z")) {
		t.Errorf("robfig in the fall back: got %s, %s; expected 01:30 twice", first, second)
	}
	ours := mustParse(t, Config{Cron: "CRON_TZ=Europe/London 30 1 * * *"})
	if got := ours.Next(first); !got.Equal(utc("2024-10-28T01:30:00Z")) {
		t.Errorf("ours after the first 01:30: got %s, want the next day", got)
	}
	// Asked from inside the repeated hour, the repeat is still not a slot.
	if got := ours.Next(utc("2024-10-27T01:10:00Z")); !got.Equal(utc("2024-10-28T01:30:00Z")) {
		t.Errorf("ours from the repeated hour: got %s, want the next day", got)
	}
}

func TestParseErrorsNameTheSchedule(t *testing.T) {
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Name: "am", Cron: "CRON_TZ=Mars/Olympus 0 9 * * *", Platform: "slack", Channel: "C1"}, `schedule "am": bad cron`},
		{Config{Name: "am", Cron: "0 9 * *", Platform: "slack", Channel: "C1"}, `schedule "am": bad cron`},
		{Config{Name: "am", Cron: "61 9 * * *", Platform: "slack", Channel: "C1"}, `schedule "am": bad cron`},
		{Config{Name: "am", Cron: "@every 1h", Platform: "slack", Channel: "C1"}, `schedule "am": cron "@every 1h" is an interval`},
		{Config{Name: "am", Cron: "0 9 30 2 *", Platform: "slack", Channel: "C1"}, `schedule "am": cron "0 9 30 2 *" never fires`},
		{Config{Name: "am", Cron: "0 9 * * *", Platform: "irc", Channel: "C1"}, `schedule "am": platform "irc"`},
		{Config{Name: "am", Cron: "0 9 * * *", Platform: "slack"}, `schedule "am": channel is empty`},
		{Config{Name: "am", Cron: "0 9 * * *", Platform: "slack", Channel: "C1", Include: []Kind{"ancient"}}, `schedule "am": include "ancient"`},
		{Config{Name: "am", Cron: "0 9 * * *", Platform: "slack", Channel: "C1", WhenEmpty: "shout"}, `schedule "am": when_empty "shout"`},
		{Config{Cron: "0 9 * * *", Platform: "slack", Channel: "C1"}, `a schedule has no name`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%+v) = %v, want an error containing %q", tt.c, err, tt.want)
		}
	}
	_, err := ParseAll([]Config{
		{Name: "am", Cron: "0 9 * * *", Platform: "slack", Channel: "C1"},
		{Name: "am", Cron: "0 17 * * *", Platform: "matrix", Channel: "!r:x"},
	})
	if err == nil || !strings.Contains(err.Error(), `schedule "am" is defined twice`) {
		t.Errorf("duplicate names: %v", err)
	}
}

func TestParseDefaults(t *testing.T) {
	s := mustParse(t, Config{Cron: "CRON_TZ=Europe/London 0 9 * * 1-5"})
	if s.StaleAfter != 24*time.Hour || s.Grace != 6*time.Hour || s.WhenEmpty != WhenEmptyAllClear {
		t.Errorf("defaults: stale_after %s, grace %s, when_empty %s", s.StaleAfter, s.Grace, s.WhenEmpty)
	}
	if got := len(s.Include); got != 3 {
		t.Errorf("include defaults to %d sections, want 3", got)
	}
	if s.Location.String() != "Europe/London" {
		t.Errorf("location %s", s.Location)
	}
}

func TestPlanMissedSlots(t *testing.T) {
	weekdays := mustParse(t, Config{Cron: "CRON_TZ=Europe/London 0 9 * * 1-5"})
	hourly := mustParse(t, Config{Cron: "0 * * * *", Grace: 6 * time.Hour})
	type due struct {
		slot string
		late bool
		skip Status
	}
	tests := []struct {
		name      string
		s         *Schedule
		last, now string
		want      []due
	}{
		{"the cron fires on time", weekdays, "2024-03-04T09:00:00Z", "2024-03-05T09:00:00.2Z",
			[]due{{"2024-03-05T09:00:00Z", false, ""}}},
		{"down over the slot, back within the grace: posted late", weekdays, "2024-03-04T09:00:00Z", "2024-03-05T11:30:00Z",
			[]due{{"2024-03-05T09:00:00Z", true, ""}}},
		{"back beyond the grace: recorded as missed", weekdays, "2024-03-04T09:00:00Z", "2024-03-05T16:00:00Z",
			[]due{{"2024-03-05T09:00:00Z", false, StatusMissed}}},
		{"down a long weekend: older slots missed, newest late", weekdays, "2024-03-01T09:00:00Z", "2024-03-05T10:00:00Z",
			[]due{{"2024-03-04T09:00:00Z", false, StatusMissed}, {"2024-03-05T09:00:00Z", true, ""}}},
		{"several slots within the grace: one post", hourly, "2024-03-05T06:00:00Z", "2024-03-05T09:10:00Z",
			[]due{{"2024-03-05T07:00:00Z", false, StatusSuperseded}, {"2024-03-05T08:00:00Z", false, StatusSuperseded},
				{"2024-03-05T09:00:00Z", true, ""}}},
		{"nothing due", weekdays, "2024-03-05T09:00:00Z", "2024-03-05T16:00:00Z", nil},
		{"a new schedule catches up within the grace", weekdays, "", "2024-03-05T10:00:00Z",
			[]due{{"2024-03-05T09:00:00Z", true, ""}}},
		{"a new schedule records no history", weekdays, "", "2024-03-05T16:00:00Z", nil},
		{"fall-back repeat is not due again", mustParse(t, Config{Cron: "CRON_TZ=Europe/London 30 1 * * *"}),
			"2024-10-27T00:30:00Z", "2024-10-27T01:30:00.5Z", nil},
		{"spring-forward gap slot is due at the gap's end", mustParse(t, Config{Cron: "CRON_TZ=Europe/London 30 1 * * *"}),
			"2024-03-30T01:30:00Z", "2024-03-31T01:00:00.1Z", []due{{"2024-03-31T01:00:00Z", false, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last time.Time
			if tt.last != "" {
				last = utc(tt.last)
			}
			now, _ := time.Parse(time.RFC3339Nano, tt.now)
			var got []due
			for _, d := range tt.s.Plan(last, now) {
				got = append(got, due{d.Slot.Format(time.RFC3339), d.Late, d.Skip})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("due %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestPlanBoundsALongOutage(t *testing.T) {
	s := mustParse(t, Config{Cron: "* * * * *"})
	got := s.Plan(utc("2024-03-01T00:00:00Z"), utc("2024-03-03T00:00:00Z"))
	if len(got) != MaxRecorded {
		t.Fatalf("recorded %d slots, want %d", len(got), MaxRecorded)
	}
	if last := got[len(got)-1]; last.Skip != "" || !last.Slot.Equal(utc("2024-03-03T00:00:00Z")) {
		t.Errorf("newest slot %+v, want the one at now, posted", last)
	}
}

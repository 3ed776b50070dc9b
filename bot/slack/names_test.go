package slack_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/workflows"
)

// Names asks users.info once an hour per person, prefers the name people
// chose to be shown by, and shows the id (and asks again a minute later)
// for a user Slack does not know.
func TestNames(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.fake.AddUser(slack.User{ID: "UANA", Name: "ana", RealName: "Ana Ruiz",
		Profile: slack.UserProfile{DisplayName: "Ana R.", RealName: "Ana Ruiz"}})
	d.fake.AddUser(slack.User{ID: "UBEN", Name: "ben", RealName: "Ben Okafor"})
	names := d.adapter.Names()
	ctx := context.Background()
	lookups := func() int { return len(d.fake.Calls("users.info")) }

	for _, tc := range []struct{ key, want string }{
		{"slack:UANA", "Ana R."},
		{"slack:UBEN", "Ben Okafor"},
		{"slack:UANA", "Ana R."}, // remembered
		{"slack:UNOBODY", ""},
		{"slack:UNOBODY", ""}, // remembered as unknown
		{"matrix:@ana:example.org", ""},
		{"shell:ana", ""},
	} {
		if got := names.Name(ctx, tc.key); got != tc.want {
			t.Errorf("Name(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	if n := lookups(); n != 3 {
		t.Errorf("%d users.info calls, want 3 (UANA, UBEN, UNOBODY once each)", n)
	}
	d.clock.Advance(2 * time.Minute)
	names.Name(ctx, "slack:UNOBODY")
	names.Name(ctx, "slack:UANA")
	if n := lookups(); n != 4 {
		t.Errorf("%d users.info calls two minutes on, want 4 (UNOBODY again)", n)
	}
	d.clock.Advance(time.Hour)
	names.Name(ctx, "slack:UANA")
	if n := lookups(); n != 5 {
		t.Errorf("%d users.info calls an hour on, want 5 (UANA again)", n)
	}
}

// With the adapter's Names wired in, a claim's card names its reporter
// rather than showing their user id.
func TestCardNamesTheReporter(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.fake.AddUser(slack.User{ID: reporter, Name: "rita", Profile: slack.UserProfile{DisplayName: "Rita Reporter"}})
	d.engine.Names = workflows.NamesByPlatform{slackbot.Platform: d.adapter.Names()}
	d.slash(reporter, "claim 300 civilians killed in Mosul", "trig-names")
	card := d.onlyCard()
	all := card.Text + string(card.Blocks)
	if !strings.Contains(all, "filed by Rita Reporter") || strings.Contains(all, reporter) {
		t.Errorf("card does not name its reporter as Rita Reporter:\n%s", all)
	}
}

// Many commands from one person at once ask Slack about them once.
func TestNamesAsksOncePerPerson(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.fake.AddUser(slack.User{ID: "UANA", Name: "ana", RealName: "Ana Ruiz"})
	names := d.adapter.Names()
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := names.Name(context.Background(), "slack:UANA"); got != "Ana Ruiz" {
				t.Errorf("Name = %q", got)
			}
		}()
	}
	wg.Wait()
	if n := len(d.fake.Calls("users.info")); n != 1 {
		t.Errorf("%d users.info calls for one person, want 1", n)
	}
}

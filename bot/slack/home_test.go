package slack_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/internal/golden"
)

// openHome sends app_home_opened as Slack does when user opens the tab.
func (d *desk) openHome(user string) {
	d.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"type": "event_callback", "team_id": slackfake.DefaultTeamID, "api_app_id": slackfake.DefaultAppID,
		"event_id": slackfake.NewEventID(), "event_time": 1700000000,
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": slackfake.DirectChannelID(user),
			"tab": "home", "event_ts": "1700000000.000100"},
	})
	d.event(body)
	d.settle()
}

func (d *desk) home(user string) string {
	d.t.Helper()
	v, ok := d.fake.HomeView(user)
	if !ok {
		d.t.Fatalf("no Home tab published for %s", user)
	}
	// Re-encoded readable: indented, and "<", "&" as they are.
	var doc any
	if err := json.Unmarshal(v, &doc); err != nil {
		d.t.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		d.t.Fatal(err)
	}
	return out.String()
}

// TestAppHome: opening the Home tab shows the person's queue, drawn through
// the outbox; an editor's lists the claims waiting for a decision,
// corroborated first, then disputed with their spread; a change to a claim
// redraws its reporter's and assignee's tabs without their opening them.
func TestAppHome(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			d.engine.Home = map[string]bool{slackbot.Platform: true}
			for _, u := range []string{reporter, editor, assignee} {
				d.fake.AddUser(slack.User{ID: u, Name: strings.ToLower(u)})
			}
			d.slash(reporter, "claim The ministry said 300 civilians were killed", "t1")
			d.slash(reporter, "claim The army says 3,864 were killed in western Mosul", "t2")
			d.slash(reporter, "claim 41 schools closed in Mosul <this week>", "t3")
			d.slash(reporter, `evidence 2 supports source="Iraqi army" figure=3864`, "t4")
			d.slash(editor, `evidence 2 contradicts source="UN human rights office" figure=140`, "t5")
			d.slash(reporter, `evidence 3 supports source="Education ministry" figure=41`, "t6")
			d.slash(editor, `evidence 3 supports source="UNICEF" figure=41`, "t7")

			d.openHome(editor)
			home := d.home(editor)
			golden.Check(t, "home_editor.golden", []byte(home))
			i3, i2 := strings.Index(home, "#3 corroborated"), strings.Index(home, "#2 disputed")
			if i3 < 0 || i2 < 0 || i3 > i2 || !strings.Contains(home, "Spread:") {
				t.Errorf("the editor's queue: corroborated #3 before disputed #2 with its spread:\n%s", home)
			}
			if !strings.Contains(home, "&lt;this week&gt;") {
				t.Errorf("a statement is not escaped in the Home tab")
			}

			// The reporter never opened the tab: the claims' changes drew it.
			rep := d.home(reporter)
			if !strings.Contains(rep, "#1 unverified") || strings.Contains(rep, "Waiting for your decision") {
				t.Errorf("the reporter's tab:\n%s", rep)
			}
			d.slash(editor, "assign 1 <@"+assignee+">", "t8")
			if got := d.home(assignee); !strings.Contains(got, "Assigned to you") || !strings.Contains(got, "#1 unverified") {
				t.Errorf("the assignee's tab after the assignment:\n%s", got)
			}
			d.slash(assignee, "notify off", "t9")
			if got := d.home(assignee); !strings.Contains(got, "Direct notices are *off*") {
				t.Errorf("the assignee's tab after notify off:\n%s", got)
			}
		})
	}
}

package slack_test

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/internal/golden"
)

const assignee = "UASSIGNEE"

// dms are the desk's messages in its direct conversation with user.
func (d *desk) dms(user string) []string {
	var out []string
	for _, m := range d.fake.Messages(slackfake.DirectChannelID(user)) {
		if m.BotID == d.fake.BotID() {
			out = append(out, m.Text)
		}
	}
	return out
}

// TestDirectNotices: a claim's reporter and assignee are told privately
// (in their DM with the desk, opened with conversations.open) when it is
// assigned, disputed, approved or rejected, with the editor's note; never
// about what they did themselves; and not after they said "notify off".
func TestDirectNotices(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.engine.Direct = map[string]bool{slackbot.Platform: true}
	for id, name := range map[string]string{reporter: "Ana Ruiz", assignee: "Ben Ortiz", editor: "Eve Stone"} {
		d.fake.AddUser(slack.User{ID: id, Name: strings.ToLower(strings.Fields(name)[0]), RealName: name,
			Profile: slack.UserProfile{RealName: name, DisplayName: name}})
	}
	d.engine.Names = d.adapter.Names()
	d.slash(reporter, "claim The ministry said 300 civilians were killed in Mosul", "t1")
	d.slash(editor, "assign 1 <@"+assignee+">", "t2")
	d.slash(reporter, "evidence 1 supports source=\"UN human rights office\" figure=300", "t3")
	d.slash(assignee, "evidence 1 contradicts source=\"Iraqi army\" figure=3864", "t4")
	d.slash(editor, "reject 1 The army's count includes fighters; we cannot publish either", "t5")

	reporterGot, assigneeGot := d.dms(reporter), d.dms(assignee)
	if len(reporterGot) != 3 {
		t.Errorf("the reporter got %d notices, want 3 (assigned, disputed, rejected): %q", len(reporterGot), reporterGot)
	}
	if len(assigneeGot) != 2 {
		t.Errorf("the assignee got %d notices, want 2 (assigned, rejected; the dispute was theirs): %q", len(assigneeGot), assigneeGot)
	}
	if len(d.dms(editor)) != 0 {
		t.Errorf("the editor was told of their own doing: %q", d.dms(editor))
	}
	var all strings.Builder
	for _, who := range []string{reporter, assignee} {
		for _, m := range d.dms(who) {
			all.WriteString("to " + who + ":\n" + m + "\n\n")
		}
	}
	golden.Check(t, "direct_notices.golden", []byte(all.String()))
	if !contains(reporterGot, "The army's count includes fighters") {
		t.Errorf("the rejection's note is missing: %q", reporterGot)
	}

	// notify off: the reporter hears nothing more, the assignee still does.
	d.slash(reporter, "notify off", "t6")
	if told := d.ephemeralsTo(reporter); !contains(told, "Direct notices are off") {
		t.Errorf("notify off answered %q", told)
	}
	d.slash(editor, "reopen 1 New figures from the UN", "t7")
	d.slash(editor, "approve 1 Publish 300, attributed to the UN", "t8")
	if got := d.dms(reporter); len(got) != 3 {
		t.Errorf("after notify off the reporter got %q", got[3:])
	}
	if got := d.dms(assignee); len(got) != 3 || !strings.Contains(got[2], "approved by Eve Stone") {
		t.Errorf("the assignee got %q", got)
	}
	d.slash(reporter, "notify on", "t9")
	d.slash(editor, "assign 1 me", "t10")
	if got := d.dms(reporter); len(got) != 4 {
		t.Errorf("after notify on the reporter got %d notices, want 4", len(got))
	}
	if d.count("notify_prefs") != 1 {
		t.Errorf("%d preferences stored", d.count("notify_prefs"))
	}
}

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
	"github.com/factdesk/factdesk/workflows"
)

// homeDesk is a desk with Home tabs on, where Slack knows the reporter,
// the editor and the assignee.
func homeDesk(t *testing.T, mode string) *desk {
	d := newDesk(t, mode)
	d.engine.Home = map[string]bool{slackbot.Platform: true}
	for _, u := range []string{reporter, editor, assignee} {
		d.fake.AddUser(slack.User{ID: u, Name: strings.ToLower(u)})
	}
	return d
}

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
			d := homeDesk(t, mode)
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

// pressHome presses a button on user's Home tab as Slack sends it: from
// the view, without a channel. The button must be on the tab.
func (d *desk) pressHome(user, blockID, actionID, trigger string) []byte {
	d.t.Helper()
	payload, ok := d.fake.HomeClick(user, blockID, actionID, trigger)
	if !ok {
		d.t.Fatalf("no %s button in block %s of %s's Home tab:\n%s", actionID, blockID, user, d.home(user))
	}
	d.interact(payload)
	d.settle()
	return payload
}

// TestAppHomeButtons: each claim on the Home tab has its buttons, and the
// tab has the switch for direct notices. A click there carries no channel:
// the change is made as from the card, the claim's thread gets the public
// notice, the clicker's answer comes in their direct messages with the
// desk, and the tab is redrawn. A click Slack delivers twice has one
// effect; the engine's guards hold (an editor cannot approve their own
// claim).
func TestAppHomeButtons(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := homeDesk(t, mode)
			d.slash(reporter, "claim 41 schools closed in Mosul this week", "t1")
			d.slash(reporter, `evidence 1 supports source="Education ministry" figure=41`, "t2")
			d.slash(assignee, `evidence 1 supports source="UNICEF" figure=41`, "t3")
			d.slash(reporter, "claim The ministry said 300 civilians were killed", "t4")
			d.slash(editor, "claim The army says 3,864 were killed in western Mosul", "t5")
			d.slash(reporter, `evidence 3 supports source="Iraqi army" figure=3864`, "t6")
			d.slash(assignee, `evidence 3 supports source="Nineveh health office" figure=3864`, "t7")
			card1 := d.cards()[0].TS

			// The editor approves #1 from the Home tab.
			d.openHome(editor)
			click := d.pressHome(editor, "decide_1", "approve", "h1")
			if c := d.claim(1); c.Decision != workflows.Approved || c.DecidedBy != "slack:"+editor {
				t.Fatalf("#1 after the Home tab's approve: %s by %s", c.Decision, c.DecidedBy)
			}
			if !contains(d.dms(editor), "#1") {
				t.Errorf("the editor's answer is not in their direct messages: %q", d.dms(editor))
			}
			if n := len(d.botReplies(card1)); n == 0 {
				t.Errorf("no public notice in #1's thread")
			}
			if home := d.home(editor); strings.Contains(home, `"decide_1"`) {
				t.Errorf("#1 is still waiting for a decision on the editor's tab:\n%s", home)
			}
			// Slack delivers the same click again: nothing more happens.
			answers, audit := len(d.dms(editor)), d.count("events")
			d.interact(click)
			d.settle()
			if len(d.dms(editor)) != answers || d.count("events") != audit {
				t.Errorf("a redelivered click had an effect: %d answers (was %d), %d audit rows (was %d)",
					len(d.dms(editor)), answers, d.count("events"), audit)
			}

			// The editor's own claim #3 is on their tab, but they cannot
			// approve it: the answer says why, nothing changes.
			d.pressHome(editor, "decide_3", "approve", "h2")
			if c := d.claim(3); c.Decision != workflows.Pending {
				t.Errorf("the editor approved their own claim from the Home tab")
			}
			if dms := d.dms(editor); len(dms) <= answers || !strings.Contains(strings.ToLower(dms[len(dms)-1]), "filed") {
				t.Errorf("no refusal in the editor's direct messages: %q", dms)
			}

			// The reporter adds a source to #2 from "Filed by you, without
			// sources" through the evidence modal.
			d.openHome(reporter)
			d.pressHome(reporter, "unsourced_2", "evidence", "h3")
			d.submitView(reporter, map[string]string{"source": "UN human rights office", "stance": "contradicts", "figure": "140"})
			if c := d.claim(2); len(c.Evidence) != 1 || c.Evidence[0].Source != "UN human rights office" {
				t.Fatalf("#2's evidence after the Home tab's modal: %+v", c.Evidence)
			}
			if !contains(d.dms(reporter), "#2") {
				t.Errorf("the reporter's answer is not in their direct messages: %q", d.dms(reporter))
			}
			if home := d.home(reporter); strings.Contains(home, `"unsourced_2"`) {
				t.Errorf("#2 still lacks sources on the reporter's tab:\n%s", home)
			}

			// The editor rejects #2 with a reason.
			d.openHome(editor)
			d.pressHome(editor, "decide_2", "reject", "h4")
			d.submitView(editor, map[string]string{"note": "one source, and it contradicts"})
			if c := d.claim(2); c.Decision != workflows.Rejected || c.DecisionNote != "one source, and it contradicts" {
				t.Errorf("#2 after the Home tab's reject: %s %q", c.Decision, c.DecisionNote)
			}

			// The switch turns direct notices off and on again.
			d.openHome(assignee)
			d.pressHome(assignee, "notify", "notify", "h5")
			if home := d.home(assignee); !strings.Contains(home, "Direct notices are *off*") || !strings.Contains(home, "Turn on") {
				t.Fatalf("the assignee's tab after the switch:\n%s", home)
			}
			d.pressHome(assignee, "notify", "notify", "h6")
			if home := d.home(assignee); !strings.Contains(home, "Direct notices are *on*") {
				t.Errorf("the assignee's tab after the switch back:\n%s", home)
			}

			// A claim others corroborate appears on the editor's tab, which
			// they opened before, without their opening it again.
			d.slash(reporter, "claim 12 bridges closed in Mosul", "t8")
			d.slash(reporter, `evidence 4 supports source="Roads ministry" figure=12`, "t9")
			d.slash(assignee, `evidence 4 supports source="Mosul council" figure=12`, "t10")
			if home := d.home(editor); !strings.Contains(home, `"decide_4"`) {
				t.Errorf("corroborated #4 is not on the editor's tab:\n%s", home)
			}
		})
	}
}

// TestAppHomeNoteAndSwitch: approving a disputed claim from the Home tab
// asks for the note first, as the card's button does; the tab's switch
// really stops direct notices (not only the tab's words).
func TestAppHomeNoteAndSwitch(t *testing.T) {
	d := homeDesk(t, slackbot.ModeSocket)
	d.engine.Direct = map[string]bool{slackbot.Platform: true}
	d.slash(reporter, "claim The army says 3,864 were killed in western Mosul", "t1")
	d.slash(reporter, `evidence 1 supports source="Iraqi army" figure=3864`, "t2")
	d.slash(assignee, `evidence 1 contradicts source="UN human rights office" figure=140`, "t3")

	// The reporter turns direct notices off from their tab.
	d.openHome(reporter)
	d.pressHome(reporter, "notify", "notify", "h1")
	before := len(d.dms(reporter))

	d.openHome(editor)
	d.pressHome(editor, "decide_1", "approve", "h2")
	if c := d.claim(1); c.Decision != workflows.Pending {
		t.Fatalf("a disputed claim was approved without a note from the Home tab")
	}
	if v := d.lastView(); v.CallbackID != "factdesk_note" || !strings.Contains(v.PrivateMetadata, `"action":"approve"`) {
		t.Fatalf("no note form opened: %+v", v)
	}
	d.submitView(editor, map[string]string{"note": "Attribute both figures"})
	if c := d.claim(1); c.Decision != workflows.Approved || c.DecisionNote != "Attribute both figures" {
		t.Fatalf("#1 after the note: %s %q", c.Decision, c.DecisionNote)
	}
	if got := d.dms(reporter); len(got) != before {
		t.Errorf("the reporter turned notices off on their tab but was told: %q", got[before:])
	}
}

// TestAppHomeFitsSlacksLimit: a queue longer than Slack's 100 blocks is cut
// between claims, never inside one, and says where the rest is.
func TestAppHomeFitsSlacksLimit(t *testing.T) {
	var q workflows.Queue
	q.Editor = true
	for i := 1; i <= 60; i++ {
		q.Decide = append(q.Decide, workflows.QueuedClaim{Claim: workflows.Claim{ID: int64(i), Statement: "A claim",
			State: workflows.Corroborated, Decision: workflows.Pending, Version: 1}})
	}
	v := slackbot.HomeView(q)
	blocks := v.Blocks.BlockSet
	if len(blocks) > 100 {
		t.Fatalf("%d blocks, Slack's limit is 100", len(blocks))
	}
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), "More claims than fit here") || !strings.Contains(string(b), `"block_id":"notify"`) {
		t.Errorf("the cut view lacks the line about the rest or the switch")
	}
	// Every claim shown has its buttons: a section is followed by its actions.
	for i, blk := range blocks {
		if s, ok := blk.(*slack.SectionBlock); ok && s.BlockID == "" && strings.HasPrefix(s.Text.Text, "#") {
			if i+1 >= len(blocks) || blocks[i+1].BlockType() != slack.MBTAction {
				t.Fatalf("block %d (%s) is shown without its buttons", i, s.Text.Text)
			}
		}
	}
}

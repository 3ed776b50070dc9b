package matrix_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestMentionsInEveryForm: assign names the right person whichever way a
// client wrote the mention, refuses a user the homeserver does not know,
// and nothing the desk sends pings anyone it does not mean to: every event
// carries m.mentions, empty but for the one message meant for one editor.
func TestMentionsInEveryForm(t *testing.T) {
	hs := testHomeserver(t)
	ctx := context.Background()
	botCli := hs.registerUser(t, "desk")
	editor := hs.registerUser(t, "editor")
	rita := hs.registerUser(t, "rita")
	ben := hs.registerUser(t, "ben")
	cara := hs.registerUser(t, "cara")
	dan := hs.registerUser(t, "dan")
	names := map[id.UserID]string{rita.UserID: "Rita Reporter", ben.UserID: "Ben", cara.UserID: "Cara Field", dan.UserID: "Dan"}
	for _, cli := range []*mautrix.Client{rita, ben, cara, dan} {
		if err := cli.SetDisplayName(ctx, names[cli.UserID]); err != nil {
			t.Fatalf("setting %s's display name: %v", cli.UserID, err)
		}
	}
	d := newDesk(t, hs, botCli.UserID, "", tokenEnv(botCli))
	room, w := d.joinNewsroom(t, editor, editor, botCli, rita, ben, cara, dan)
	bot := botCli.UserID

	filed := say(t, rita, room, "!fd claim 140 civilians killed, @room: Cara Field and @ben said so")
	w.waitFor(t, "the card", func(evs []*event.Event) bool {
		return len(cards(bot, evs, "#1")) == 1 && len(repliesTo(bot, evs, filed)) == 1
	})
	card := cards(bot, w.events, "#1")[0]

	pill := func(u id.UserID, href string) string {
		return fmt.Sprintf(`<a href="%s">%s</a>`, href, names[u])
	}
	html := func(body, formatted string) *event.MessageEventContent {
		return &event.MessageEventContent{MsgType: event.MsgText, Body: body, Format: event.FormatHTML, FormattedBody: formatted}
	}
	for _, tc := range []struct {
		form    string
		content *event.MessageEventContent
		want    id.UserID
	}{
		{"a matrix.to pill", html("!fd assign 1 Rita Reporter", "!fd assign 1 "+pill(rita.UserID, "https://matrix.to/#/"+rita.UserID.String())), rita.UserID},
		{"a matrix: URI", html("!fd assign 1 Ben", "!fd assign 1 "+pill(ben.UserID, "matrix:u/"+strings.TrimPrefix(ben.UserID.String(), "@")+"?action=chat")), ben.UserID},
		{"m.mentions with the display name in the body", &event.MessageEventContent{MsgType: event.MsgText, Body: "!fd assign 1 Cara Field",
			Mentions: &event.Mentions{UserIDs: []id.UserID{cara.UserID}}}, cara.UserID},
		{"a user id typed in the body", &event.MessageEventContent{MsgType: event.MsgText, Body: "!fd assign 1 " + dan.UserID.String()}, dan.UserID},
		{"m.mentions in the card's thread", &event.MessageEventContent{MsgType: event.MsgText, Body: "assign @Rita Reporter",
			Mentions: &event.Mentions{UserIDs: []id.UserID{rita.UserID}}, RelatesTo: threadOf(card.ID)}, rita.UserID},
	} {
		cmd := send(t, editor, room, tc.content)
		w.waitFor(t, "the answer to assign by "+tc.form, func(evs []*event.Event) bool {
			return len(repliesTo(bot, evs, cmd)) > 0
		})
		if got := repliesTo(bot, w.events, cmd)[0].Content.AsMessage().Body; !strings.Contains(got, "assigned #1 to "+tc.want.String()) {
			t.Errorf("assign by %s answered %q, want #1 assigned to %s", tc.form, got, tc.want)
		}
	}

	stranger := id.NewUserID("nobody-"+strings.TrimPrefix(botCli.UserID.Localpart(), "desk-"), botCli.UserID.Homeserver())
	refused := say(t, editor, room, "!fd assign 1 "+stranger.String())
	w.waitFor(t, "the refusal of a user nobody has", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, refused)) > 0 })
	if got := repliesTo(bot, w.events, refused)[0].Content.AsMessage().Body; !strings.Contains(got, "is not a user the homeserver knows") {
		t.Errorf("assign to %s answered %q", stranger, got)
	}

	react(t, editor, room, card.ID, "❌")
	say(t, editor, room, "!fd digest")
	w.waitFor(t, "the digest and the reject prompt", func(evs []*event.Event) bool {
		posts := byBot(bot, evs, func(ev *event.Event, m *event.MessageEventContent) bool {
			return m.RelatesTo == nil && ev.ID != card.ID && !strings.HasPrefix(m.Body, "#")
		})
		prompt := byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool {
			return strings.Contains(m.Body, "to reject #1")
		})
		return len(posts) > 0 && len(prompt) > 0
	})

	kinds := map[string]int{}
	for _, ev := range byBot(bot, w.events, func(*event.Event, *event.MessageEventContent) bool { return true }) {
		m := ev.Content.AsMessage()
		kind := "reply"
		switch {
		case m.NewContent != nil:
			kind = "edit"
		case ev.ID == card.ID:
			kind = "card"
		case strings.Contains(m.Body, "to reject #1"):
			kind = "prompt"
		case m.RelatesTo == nil:
			kind = "digest"
		case m.RelatesTo.IsFallingBack:
			kind = "notice"
		}
		kinds[kind]++
		var raw struct {
			Mentions   *event.Mentions `json:"m.mentions"`
			NewContent *struct {
				Mentions *event.Mentions `json:"m.mentions"`
			} `json:"m.new_content"`
		}
		if err := json.Unmarshal(ev.Content.VeryRaw, &raw); err != nil {
			t.Fatal(err)
		}
		want := []id.UserID(nil)
		if kind == "prompt" {
			want = []id.UserID{editor.UserID}
		}
		for where, m := range map[string]*event.Mentions{"event": raw.Mentions, "m.new_content": newMentions(raw.NewContent)} {
			if where == "m.new_content" && kind != "edit" {
				continue
			}
			if m == nil || m.Room || fmt.Sprint(m.UserIDs) != fmt.Sprint(want) {
				t.Errorf("the bot's %s %s has m.mentions %+v in its %s, want user_ids %v: %s", kind, ev.ID, m, where, want, ev.Content.VeryRaw)
			}
		}
	}
	for _, k := range []string{"card", "edit", "reply", "notice", "digest", "prompt"} {
		if kinds[k] == 0 {
			t.Errorf("the bot sent no %s to check (sent %v)", k, kinds)
		}
	}
	if t.Failed() {
		t.Logf("room:\n%s", describe(w.events))
	}
}

func threadOf(root id.EventID) *event.RelatesTo {
	return &event.RelatesTo{Type: event.RelThread, EventID: root, InReplyTo: &event.InReplyTo{EventID: root}, IsFallingBack: true}
}

func newMentions(nc *struct {
	Mentions *event.Mentions `json:"m.mentions"`
}) *event.Mentions {
	if nc == nil {
		return nil
	}
	return nc.Mentions
}

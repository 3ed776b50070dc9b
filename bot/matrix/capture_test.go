package matrix_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
)

// TestReplyCapture: on the real homeserver, "!fd claim" as a reply files
// the replied-to message's text, with a matrix.to link to that event as the
// first evidence and its sender as the source; the same message filed again
// is answered with its number; "!fd evidence 1 … " as a reply takes the
// replied-to message as its quote and its link.
func TestReplyCapture(t *testing.T) {
	hs, botCli, editor, reporter := newsroomPeople(t)
	stringer := hs.registerUser(t, "stringer")
	d := newDesk(t, hs, botCli.UserID, passwordLogin(botCli.UserID))
	room, w := d.joinNewsroom(t, reporter, editor, botCli, reporter, stringer)
	bot := botCli.UserID

	said := say(t, stringer, room, "The army now says 3,864 were killed in western Mosul")
	claimReply := send(t, reporter, room, &event.MessageEventContent{MsgType: event.MsgText, Body: "!fd claim",
		RelatesTo: (&event.RelatesTo{}).SetReplyTo(said)})
	w.waitFor(t, "the card of the replied-to message", func(evs []*event.Event) bool {
		c := cards(bot, evs, "#1")
		return len(c) == 1 && strings.Contains(c[0].Content.AsMessage().Body, "3,864") && len(repliesTo(bot, evs, claimReply)) == 1
	})

	again := send(t, editor, room, &event.MessageEventContent{MsgType: event.MsgText, Body: "!fd claim",
		RelatesTo: (&event.RelatesTo{}).SetReplyTo(said)})
	w.waitFor(t, "the second filing answered with the claim's number", func(evs []*event.Event) bool {
		for _, ev := range repliesTo(bot, evs, again) {
			if strings.Contains(ev.Content.AsMessage().Body, "already filed as #1") {
				return true
			}
		}
		return false
	})
	if n := len(cards(bot, w.events, "#2")); n != 0 {
		t.Fatalf("the same message filed twice made %d more cards", n)
	}

	un := say(t, stringer, room, "UN office: 140 civilians killed in the airstrike")
	send(t, reporter, room, &event.MessageEventContent{MsgType: event.MsgText, Body: `!fd evidence 1 contradicts source="UN human rights office" figure=140`,
		RelatesTo: (&event.RelatesTo{}).SetReplyTo(un)})
	history := say(t, reporter, room, "!fd history 1")
	link := "https://matrix.to/#/" + room.String() + "/" + said.String()
	w.waitFor(t, "the history with the capture and both sources", func(evs []*event.Event) bool {
		for _, ev := range repliesTo(bot, evs, history) {
			b := ev.Content.AsMessage().Body
			if strings.Contains(b, "captured") && strings.Contains(b, link) && strings.Contains(b, stringer.UserID.String()+" supports") &&
				strings.Contains(b, "UN human rights office contradicts") {
				return true
			}
		}
		return false
	})
	show := say(t, reporter, room, "!fd show 1")
	unLink := "https://matrix.to/#/" + room.String() + "/" + un.String()
	w.waitFor(t, "the card giving both messages' links", func(evs []*event.Event) bool {
		for _, ev := range repliesTo(bot, evs, show) {
			if b := ev.Content.AsMessage().Body; strings.Contains(b, unLink) && strings.Contains(b, link) {
				return true
			}
		}
		return false
	})
}

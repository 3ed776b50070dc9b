//go:build goolm

package matrix_test

import (
	"fmt"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"

	"github.com/factdesk/factdesk/bot/matrix"
)

// TestEncryptedStory is the desk's story in an encrypted room, with two
// people on encrypting clients of their own: a claim, evidence in the
// card's thread, a reporter's ✅ in the clear refused, the editor's
// encrypted ✅ approving, the history. Everything the bot sends is
// m.room.encrypted and both people read it. The bot's device is
// cross-signed with the account's keys, made on first start under the
// operator's recovery key.
func TestEncryptedStory(t *testing.T) {
	hs := testHomeserver(t)
	botCli := hs.registerUser(t, "desk")
	bot := botCli.UserID
	editor := newPerson(t, hs, "editor")
	reporter := newPerson(t, hs, "reporter")
	recovery, err := matrix.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, hs, bot, fmt.Sprintf("  password: %q\n", password(bot))+e2eeConfig("desk pickle key for tests", recovery))
	room := encryptedRoom(t, editor, bot, reporter)
	d.start(t)
	editor.waitFor(t, room, "the bot to join", joined(bot))

	keys := botDevice(t, editor, bot, true)
	if !selfSigned(keys, bot) {
		t.Fatalf("the bot's device is not signed by its self-signing key: %+v", keys)
	}

	cmd := reporter.say(t, room, "!fd claim 140 civilians killed in the March 17 Mosul airstrike", nil)
	var card *event.Event
	for _, p := range []*person{reporter, editor} {
		p.waitFor(t, room, "the card and the answer", func(evs []*event.Event) bool {
			c := cards(bot, evs, "#1")
			return len(c) == 1 && len(repliesTo(bot, evs, cmd)) == 1
		})
		card = cards(bot, p.events(room, false), "#1")[0]
	}

	reporter.say(t, room, `evidence supports source="UN human rights office" figure=140`, matrix.Relation(card.ID.String(), ""))
	editor.say(t, room, `evidence supports source="Reuters" figure=140`, matrix.Relation(card.ID.String(), ""))
	reporter.waitFor(t, room, "the card edited to corroborated", func(evs []*event.Event) bool {
		return strings.Contains(cardNow(bot, evs, card.ID), "corroborated (2 independent sources)")
	})

	// A reaction in the clear is read as before: a reporter cannot approve.
	react(t, reporter.cli, room, card.ID, "✅")
	reporter.waitFor(t, room, "the bot to refuse a reporter's ✅", func(evs []*event.Event) bool {
		return len(fromBot(bot, evs, containing("only editors can approve"))) > 0
	})
	// An encrypted reaction, as Element sends it, is decrypted and read.
	editor.reactEncrypted(t, room, card.ID, "✅")
	for _, p := range []*person{reporter, editor} {
		p.waitFor(t, room, "the card to show the approval", func(evs []*event.Event) bool {
			return strings.Contains(cardNow(bot, evs, card.ID), "approved by "+editor.cli.UserID.String())
		})
	}

	hist := editor.say(t, room, "!fd history 1", nil)
	editor.waitFor(t, room, "the history", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, hist)) == 1 })
	if h := repliesTo(bot, editor.events(room, false), hist)[0].Content.AsMessage().Body; !strings.Contains(h, "approved") {
		t.Errorf("the history does not show the approval:\n%s", h)
	}

	for _, p := range []*person{reporter, editor} {
		if n := allEncrypted(t, p, room, bot); n < 5 {
			t.Errorf("%s saw %d encrypted events from the bot, want the card, answers, edits and notices", p.cli.UserID, n)
		}
		if len(p.unread) > 0 {
			t.Errorf("%s could not decrypt %d events: %s", p.cli.UserID, len(p.unread), describe(p.unread))
		}
	}

}

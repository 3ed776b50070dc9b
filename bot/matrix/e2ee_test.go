//go:build goolm

package matrix_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/ssss"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/bot/matrix"
	"github.com/factdesk/factdesk/storage/storagetest"
)

// encryptedPeople is the test homeserver, a fresh account on it for the bot,
// and an editor and a reporter on encrypting clients of their own.
func encryptedPeople(t *testing.T) (hs homeserver, bot *mautrix.Client, editor, reporter *person) {
	t.Helper()
	hs = testHomeserver(t)
	return hs, hs.registerUser(t, "desk"), newPerson(t, hs, "editor"), newPerson(t, hs, "reporter")
}

// joinEncryptedRoom makes an encrypted room (see encryptedRoom), starts
// the desk and returns the room once the editor sees the bot join it.
func (d *desk) joinEncryptedRoom(t *testing.T, editor *person, bot id.UserID, others ...*person) id.RoomID {
	t.Helper()
	room := encryptedRoom(t, editor, bot, others...)
	d.start(t)
	editor.waitFor(t, room, "the bot to join", joined(bot))
	return room
}

// TestEncryptedStory is the desk's story in an encrypted room, with two
// people on encrypting clients of their own: a claim, evidence in the
// card's thread, a reporter's ✅ in the clear refused, the editor's
// encrypted ✅ approving, the history. Everything the bot sends is
// m.room.encrypted and both people read it. The bot's device is
// cross-signed with the account's keys, made on first start under the
// operator's recovery key.
func TestEncryptedStory(t *testing.T) {
	hs, botCli, editor, reporter := encryptedPeople(t)
	bot := botCli.UserID
	recovery, err := matrix.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, hs, bot, passwordLogin(bot)+e2eeConfig("desk pickle key for tests", recovery))
	room := d.joinEncryptedRoom(t, editor, bot, reporter)

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

	// The operator rotates the recovery key while the desk runs: the new
	// key opens secret storage and the old one no longer does.
	out, err := exec.Command(d.bin, "matrix-rotate-recovery-key", "--config", d.config).Output()
	if err != nil {
		t.Fatalf("rotating the recovery key: %v", err)
	}
	rotated := strings.TrimSpace(string(out))
	sec := ssss.NewSSSSMachine(botCli)
	keyID, meta, err := sec.GetDefaultKeyData(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := meta.VerifyRecoveryKey(keyID, recovery); err == nil {
		t.Errorf("the old recovery key still opens secret storage")
	}
	newKey, err := meta.VerifyRecoveryKey(keyID, rotated)
	if err != nil {
		t.Fatalf("the rotated key %q does not open secret storage: %v", rotated, err)
	}
	if _, err := sec.GetDecryptedAccountData(context.Background(), event.AccountDataCrossSigningSelf, newKey); err != nil {
		t.Errorf("the self-signing key is not readable with the new recovery key: %v", err)
	}

	for _, p := range []*person{reporter, editor} {
		if n := allEncrypted(t, p, room, bot); n < 5 {
			t.Errorf("%s saw %d encrypted events from the bot, want the card, answers, edits and notices", p.cli.UserID, n)
		}
		if len(p.undecrypted()) > 0 {
			t.Errorf("%s could not decrypt %d events: %s", p.cli.UserID, len(p.undecrypted()), describe(p.undecrypted()))
		}
	}

}

// TestEncryptedLateKeys: a message whose key never reaches the bot gets one
// notice in its thread naming it; a message whose key comes late, on the
// bot's request, is handled when it comes; a person who joins later is
// answered, and reads the answer.
func TestEncryptedLateKeys(t *testing.T) {
	hs, botCli, editor, reporter := encryptedPeople(t)
	bot := botCli.UserID
	d := newDesk(t, hs, bot, e2eeConfig("desk pickle key for tests", "")+"  key_wait: 5s\n",
		tokenEnv(botCli))
	room := d.joinEncryptedRoom(t, editor, bot, reporter)
	botDevice(t, reporter, bot, false)

	cmd := reporter.say(t, room, "!fd claim 40 homes destroyed in district 1", nil)
	reporter.waitFor(t, room, "the card", func(evs []*event.Event) bool {
		return len(cards(bot, evs, "#1")) == 1 && len(repliesTo(bot, evs, cmd)) == 1
	})
	card := cards(bot, reporter.events(room, false), "#1")[0]
	people := []id.UserID{editor.cli.UserID, reporter.cli.UserID}

	// The key never comes: the reporter's client refuses the bot's request.
	lost := reporter.sayUnshared(t, room, `evidence supports source="AP" figure=40`, matrix.Relation(card.ID.String(), ""), people...)
	reporter.waitFor(t, room, "the notice that the bot could not read the message", func(evs []*event.Event) bool {
		return len(fromBot(bot, evs, containing(lost.String()))) > 0
	})
	notice := fromBot(bot, reporter.events(room, false), containing(lost.String()))[0].Content.AsMessage()
	if notice.RelatesTo.GetThreadParent() != card.ID || !strings.Contains(notice.Body, "could not read") {
		t.Errorf("the notice is not in the card's thread or does not say what it is: %q %+v", notice.Body, notice.RelatesTo)
	}

	// The key comes late: the reporter's client answers the bot's request.
	reporter.answerKeyRequests()
	late := reporter.sayUnshared(t, room, "!fd show 1", nil, people...)
	reporter.waitFor(t, room, "the answer to the message whose key came late", func(evs []*event.Event) bool {
		return len(repliesTo(bot, evs, late)) == 1
	})

	// Someone joins later, speaks, and reads the answer.
	intern := newPerson(t, hs, "intern")
	if _, err := editor.cli.InviteUser(context.Background(), room, &mautrix.ReqInviteUser{UserID: intern.cli.UserID}); err != nil {
		t.Fatal(err)
	}
	if _, err := intern.cli.JoinRoomByID(context.Background(), room); err != nil {
		t.Fatal(err)
	}
	// As a client does, the newcomer loads the room's members before it
	// shares its first key.
	intern.waitFor(t, room, "the room's members", joined(bot))
	ask := intern.say(t, room, "!fd list", nil)
	intern.waitFor(t, room, "the answer to the newcomer", func(evs []*event.Event) bool {
		return len(repliesTo(bot, evs, ask)) == 1
	})

	reporter.waitFor(t, room, "the newcomer's answer, seen by the reporter too", func(evs []*event.Event) bool {
		return len(repliesTo(bot, evs, ask)) == 1
	})
	for _, p := range []*person{reporter, intern} {
		allEncrypted(t, p, room, bot)
		for _, ev := range p.undecrypted() {
			if ev.Sender == bot {
				t.Errorf("%s could not decrypt the bot's %s", p.cli.UserID, ev.ID)
			}
		}
	}
	if n := len(fromBot(bot, reporter.events(room, false), containing("could not read"))); n != 1 {
		t.Errorf("the bot said %d times that it could not read a message, want once", n)
	}
}

// TestEncryptedCrashMidStream kills the desk with SIGKILL while encrypted
// commands arrive and starts it again: every command, those sent while it
// was down too, is answered exactly once, encrypted, and readable.
func TestEncryptedCrashMidStream(t *testing.T) {
	hs, botCli, editor, reporter := encryptedPeople(t)
	bot := botCli.UserID
	d := newDesk(t, hs, bot, e2eeConfig("desk pickle key for tests", ""), tokenEnv(botCli))
	room := d.joinEncryptedRoom(t, editor, bot, reporter)
	botDevice(t, reporter, bot, false)

	const n = 8
	var cmds []id.EventID
	claim := func(i int) {
		cmds = append(cmds, reporter.say(t, room, fmt.Sprintf("!fd claim At least %d people displaced in district %d", 100+i, i), nil))
	}
	for i := 1; i <= n/2; i++ {
		claim(i)
	}
	reporter.waitFor(t, room, "a first answer", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, cmds[0])) > 0 })
	d.kill(t)
	for i := n/2 + 1; i <= n; i++ {
		claim(i)
	}
	d.start(t)
	last := func(evs []*event.Event) bool {
		for _, c := range cmds {
			if len(repliesTo(bot, evs, c)) == 0 {
				return false
			}
		}
		return true
	}
	reporter.waitFor(t, room, "an answer to every command", last)
	final := reporter.say(t, room, "!fd list", nil)
	reporter.waitFor(t, room, "the answer to the last command", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, final)) > 0 })
	evs := reporter.events(room, false)
	for i, c := range cmds {
		if got := len(repliesTo(bot, evs, c)); got != 1 {
			t.Errorf("command %d got %d answers, want 1", i+1, got)
		}
		if got := len(cards(bot, evs, fmt.Sprintf("#%d", i+1))); got != 1 {
			t.Errorf("claim #%d has %d cards, want 1", i+1, got)
		}
	}
	allEncrypted(t, reporter, room, bot)
	for _, ev := range reporter.undecrypted() {
		t.Errorf("the reporter could not decrypt %s from %s", ev.ID, ev.Sender)
	}
}

// TestEncryptedReplicasOnPostgres: two replicas on one PostgreSQL database;
// only the sync lease holder loads the device's keys and speaks; killed, the
// other takes over with the keys from the database and the room goes on.
func TestEncryptedReplicasOnPostgres(t *testing.T) {
	dbURL := storagetest.PostgresURL(t)
	hs, botCli, editor, reporter := encryptedPeople(t)
	bot := botCli.UserID
	// Half the default lease: the survivor takes over within about 20 s
	// instead of 40, which on a loaded machine left little of the wait
	// below for the answer itself.
	cfg := e2eeConfig("desk pickle key for tests", "") + "  sync_lease: 15s\n"
	token := tokenEnv(botCli)
	a := newDeskOn(t, dbURL, hs, bot, cfg, token)
	b := newDeskOn(t, dbURL, hs, bot, cfg, token)
	room := a.joinEncryptedRoom(t, editor, bot, reporter)
	botDevice(t, reporter, bot, false)
	b.start(t)

	first := reporter.say(t, room, "!fd claim 12 schools closed in the north", nil)
	reporter.waitFor(t, room, "the first answer", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, first)) == 1 })
	const ready = "end-to-end encryption ready"
	if !a.logged(t, ready) || b.logged(t, ready) {
		t.Fatalf("crypto loaded by the holder: %v, by the other replica: %v; want only the holder", a.logged(t, ready), b.logged(t, ready))
	}

	a.kill(t)
	second := reporter.say(t, room, "!fd claim 7 clinics without power", nil)
	reporter.waitFor(t, room, "the answer from the replica that took over", func(evs []*event.Event) bool {
		return len(repliesTo(bot, evs, second)) == 1
	})
	if !b.logged(t, ready) {
		t.Errorf("the replica that answered never loaded the keys")
	}
	evs := reporter.events(room, false)
	if len(cards(bot, evs, "#1")) != 1 || len(cards(bot, evs, "#2")) != 1 || len(repliesTo(bot, evs, first)) != 1 {
		t.Errorf("cards or answers lost or doubled:\n%s", describe(evs))
	}
	allEncrypted(t, reporter, room, bot)
	for _, ev := range reporter.undecrypted() {
		t.Errorf("the reporter could not decrypt %s from %s", ev.ID, ev.Sender)
	}
}

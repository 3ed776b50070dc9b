package matrix_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// invites syncs cli until it has been invited to a room by from, and
// returns every such room seen.
func invites(t *testing.T, cli *mautrix.Client, from id.UserID) []id.RoomID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	since := ""
	var rooms []id.RoomID
	for len(rooms) == 0 {
		resp, err := cli.SyncRequest(ctx, 2000, since, "", false, "")
		if ctx.Err() != nil {
			t.Fatalf("timed out waiting for an invite from %s", from)
		}
		if err != nil {
			continue
		}
		since = resp.NextBatch
		for room, inv := range resp.Rooms.Invite {
			for _, ev := range inv.State.Events {
				if ev.Type == event.StateMember && ev.Sender == from {
					rooms = append(rooms, room)
					break
				}
			}
		}
	}
	return rooms
}

// TestDirectNoticesInADirectRoom: on the real homeserver, a claim's reporter
// is invited once to a direct room with the desk, told there when an editor
// rejects the claim (with the note) and, in the same room, when it is
// approved; after "notify off" nothing more comes.
func TestDirectNoticesInADirectRoom(t *testing.T) {
	hs, botCli, editor, reporter := newsroomPeople(t)
	d := newDesk(t, hs, botCli.UserID, passwordLogin(botCli.UserID))
	room, w := d.joinNewsroom(t, editor, editor, botCli, reporter)
	bot := botCli.UserID

	filed := say(t, reporter, room, "!fd claim 140 civilians killed in the March 17 Mosul airstrike")
	w.waitFor(t, "the claim's card", func(evs []*event.Event) bool {
		return len(cards(bot, evs, "#1")) == 1 && len(repliesTo(bot, evs, filed)) == 1
	})
	say(t, editor, room, "!fd reject 1 One source only; the count includes fighters")

	rooms := invites(t, reporter, bot)
	if len(rooms) != 1 {
		t.Fatalf("invited to %d rooms, want one direct room", len(rooms))
	}
	dm := rooms[0]
	if _, err := reporter.JoinRoomByID(context.Background(), dm); err != nil {
		t.Fatal(err)
	}
	inbox := newWatch(reporter, dm)
	notices := func(evs []*event.Event) []string {
		var out []string
		for _, ev := range byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool { return m.MsgType == event.MsgNotice }) {
			out = append(out, ev.Content.AsMessage().Body)
		}
		return out
	}
	inbox.waitFor(t, "the rejection's notice", func(evs []*event.Event) bool {
		n := notices(evs)
		return len(n) == 1 && strings.Contains(n[0], "was rejected by") && strings.Contains(n[0], "the count includes fighters")
	})

	say(t, editor, room, "!fd reopen 1 a second source came in")
	say(t, editor, room, "!fd approve 1 Publish 140, attributed to the UN")
	inbox.waitFor(t, "the approval's notice in the same room", func(evs []*event.Event) bool {
		n := notices(evs)
		return len(n) == 2 && strings.Contains(n[1], "was approved by")
	})

	off := say(t, reporter, room, "!fd notify off")
	w.waitFor(t, "notify off answered", func(evs []*event.Event) bool {
		for _, ev := range repliesTo(bot, evs, off) {
			if strings.Contains(ev.Content.AsMessage().Body, "Direct notices are off") {
				return true
			}
		}
		return false
	})
	say(t, editor, room, "!fd reopen 1 wait")
	say(t, editor, room, "!fd reject 1 no after all")
	on := say(t, reporter, room, "!fd notify on")
	w.waitFor(t, "notify on answered", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, on)) == 1 })
	say(t, editor, room, "!fd reopen 1 new count")
	say(t, editor, room, "!fd approve 1 Publish 140 again")
	// Notices of one person are delivered in order: once the last is
	// there, any notice sent while notify was off would be there too.
	inbox.waitFor(t, "the notice after notify on", func(evs []*event.Event) bool {
		n := notices(evs)
		return len(n) >= 3 && strings.Contains(n[len(n)-1], "Publish 140 again")
	})
	for _, n := range notices(inbox.events) {
		if strings.Contains(n, "no after all") {
			t.Errorf("a notice came while notify was off: %q", n)
		}
	}
	if n := notices(inbox.events); len(n) != 3 {
		t.Errorf("got %d notices, want 3: %q", len(n), n)
	}
}

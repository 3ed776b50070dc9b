package matrix_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/bot/matrix"
)

// The tests here run the real factdesk binary against a real homeserver,
// with real users: what a newsroom would see.

// factdeskBinary is the binary the tests run, built once for all of them: each
// build links anew, and on a loaded machine that took half a minute for
// every desk a test started.
var factdeskBinary struct {
	once      sync.Once
	dir, path string
	out       []byte
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if factdeskBinary.dir != "" {
		os.RemoveAll(factdeskBinary.dir)
	}
	os.Exit(code)
}

// buildFactdesk returns the factdesk binary, building it on first use.
func buildFactdesk(t *testing.T) string {
	t.Helper()
	factdeskBinary.once.Do(func() {
		if factdeskBinary.dir, factdeskBinary.err = os.MkdirTemp("", "factdesk-bin-"); factdeskBinary.err != nil {
			return
		}
		factdeskBinary.path = filepath.Join(factdeskBinary.dir, "factdesk")
		factdeskBinary.out, factdeskBinary.err = exec.Command("go", "build", "-tags", "goolm", "-o", factdeskBinary.path,
			"github.com/factdesk/factdesk/cmd/factdesk").CombinedOutput()
	})
	if factdeskBinary.err != nil {
		t.Fatalf("building factdesk: %v\n%s", factdeskBinary.err, factdeskBinary.out)
	}
	return factdeskBinary.path
}

// desk is one `factdesk run` child process and the files it keeps.
type desk struct {
	bin, dir, config string
	env              []string
	cmd              *exec.Cmd
	logs             []string
}

func newDesk(t *testing.T, hs homeserver, botUser id.UserID, matrixCfg string, env ...string) *desk {
	t.Helper()
	return newDeskOn(t, "", hs, botUser, matrixCfg, env...)
}

// newDeskOn is newDesk on the database dbURL ("": a SQLite file of its own).
func newDeskOn(t *testing.T, dbURL string, hs homeserver, botUser id.UserID, matrixCfg string, env ...string) *desk {
	t.Helper()
	d := &desk{bin: buildFactdesk(t), dir: t.TempDir(), env: env}
	d.config = filepath.Join(d.dir, "factdesk.yaml")
	if dbURL == "" {
		dbURL = "sqlite://" + filepath.Join(d.dir, "desk.db")
	}
	cfg := fmt.Sprintf("db: %s\nhttp:\n  addr: 127.0.0.1:0\nlog:\n  level: debug\nmatrix:\n  homeserver: %s\n  user_id: \"%s\"\n%s",
		dbURL, hs.URL, botUser, matrixCfg)
	if err := os.WriteFile(d.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			for _, l := range d.logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", filepath.Base(l), tail(string(b), 6000))
			}
		}
	})
	return d
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func (d *desk) start(t *testing.T) {
	t.Helper()
	logPath := filepath.Join(d.dir, fmt.Sprintf("run-%d.log", len(d.logs)+1))
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	d.logs = append(d.logs, logPath)
	cmd := exec.Command(d.bin, "run", "--config", d.config)
	cmd.Env = append(os.Environ(), d.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf.Close()
	d.cmd = cmd
}

// kill ends the desk as a crash would.
func (d *desk) kill(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = d.cmd.Wait()
	d.cmd = nil
}

func (d *desk) stop() {
	if d.cmd == nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
	}
	d.cmd = nil
}

// watch follows one room as one user sees it, by long-polling /sync: tests
// wait on the homeserver, never on a timer.
type watch struct {
	cli    *mautrix.Client
	room   id.RoomID
	since  string
	events []*event.Event // each event once, in the order first seen
	seen   map[id.EventID]bool
}

func newWatch(cli *mautrix.Client, room id.RoomID) *watch {
	return &watch{cli: cli, room: room, seen: map[id.EventID]bool{}}
}

// waitFor syncs until cond holds over everything seen in the room.
func (w *watch) waitFor(t *testing.T, what string, cond func(evs []*event.Event) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for !cond(w.events) {
		resp, err := w.cli.SyncRequest(ctx, 2000, w.since, "", false, "")
		if ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s; saw %d events:\n%s", what, len(w.events), describe(w.events))
		}
		if err != nil {
			t.Logf("sync: %v", err)
			continue
		}
		w.since = resp.NextBatch
		if room := resp.Rooms.Join[w.room]; room != nil {
			for _, ev := range room.Timeline.Events {
				// A sync can deliver an event again: when a join is still
				// being processed as the first sync answers, the next sync
				// sends the room's whole timeline as newly joined.
				if w.seen[ev.ID] {
					continue
				}
				w.seen[ev.ID] = true
				_ = ev.Content.ParseRaw(ev.Type)
				ev.RoomID = w.room
				w.events = append(w.events, ev)
			}
		}
	}
}

func describe(evs []*event.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		line := string(ev.Content.VeryRaw)
		if m := ev.Content.AsMessage(); ev.Type == event.EventMessage {
			line = fmt.Sprintf("%.70q rel=%+v", m.Body, m.RelatesTo)
		}
		fmt.Fprintf(&b, "  %s %s %s %s\n", ev.ID, ev.Sender, ev.Type.Type, line)
	}
	return b.String()
}

// Queries over what a room shows.

func byBot(bot id.UserID, evs []*event.Event, f func(ev *event.Event, m *event.MessageEventContent) bool) []*event.Event {
	var out []*event.Event
	for _, ev := range evs {
		if ev.Sender != bot || ev.Type != event.EventMessage {
			continue
		}
		if m := ev.Content.AsMessage(); f(ev, m) {
			out = append(out, ev)
		}
	}
	return out
}

// cards are the bot's top-level notices that start with a claim ref.
func cards(bot id.UserID, evs []*event.Event, ref string) []*event.Event {
	return byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool {
		return m.RelatesTo == nil && strings.HasPrefix(m.Body, ref+" ")
	})
}

// repliesTo are the bot's events answering one event (not thread fallbacks).
func repliesTo(bot id.UserID, evs []*event.Event, to id.EventID) []*event.Event {
	return byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool {
		return m.RelatesTo != nil && m.RelatesTo.InReplyTo != nil && m.RelatesTo.InReplyTo.EventID == to && !m.RelatesTo.IsFallingBack
	})
}

// inThread are the bot's events in a thread.
func inThread(bot id.UserID, evs []*event.Event, root id.EventID) []*event.Event {
	return byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool {
		return m.RelatesTo.GetThreadParent() == root
	})
}

// cardNow is what a card shows after its latest edit.
func cardNow(bot id.UserID, evs []*event.Event, card id.EventID) string {
	body := ""
	for _, ev := range evs {
		if ev.Sender != bot || ev.Type != event.EventMessage {
			continue
		}
		m := ev.Content.AsMessage()
		switch {
		case ev.ID == card:
			body = m.Body
		case m.RelatesTo.GetReplaceID() == card && m.NewContent != nil:
			body = m.NewContent.Body
		}
	}
	return body
}

func send(t *testing.T, cli *mautrix.Client, room id.RoomID, content *event.MessageEventContent) id.EventID {
	t.Helper()
	resp, err := cli.SendMessageEvent(context.Background(), room, event.EventMessage, content)
	if err != nil {
		t.Fatalf("%s sending %q: %v", cli.UserID, content.Body, err)
	}
	return resp.EventID
}

func say(t *testing.T, cli *mautrix.Client, room id.RoomID, text string) id.EventID {
	return send(t, cli, room, &event.MessageEventContent{MsgType: event.MsgText, Body: text})
}

func sayInThread(t *testing.T, cli *mautrix.Client, room id.RoomID, root id.EventID, text string) id.EventID {
	return send(t, cli, room, &event.MessageEventContent{MsgType: event.MsgText, Body: text, RelatesTo: matrix.Relation(root.String(), "")})
}

func react(t *testing.T, cli *mautrix.Client, room id.RoomID, target id.EventID, key string) {
	t.Helper()
	if _, err := cli.SendReaction(context.Background(), room, target, key); err != nil {
		t.Fatalf("%s reacting: %v", cli.UserID, err)
	}
}

// newsroom makes a room the editor created (power 100), with a reporter and
// a second reporter (power 0) in it, and the bot invited.
func newsroom(t *testing.T, editor, bot *mautrix.Client, reporters ...*mautrix.Client) id.RoomID {
	t.Helper()
	ctx := context.Background()
	invite := []id.UserID{bot.UserID}
	for _, r := range reporters {
		invite = append(invite, r.UserID)
	}
	resp, err := editor.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Name: "verification desk", Invite: invite})
	if err != nil {
		t.Fatalf("creating the room: %v", err)
	}
	for _, r := range reporters {
		if _, err := r.JoinRoomByID(ctx, resp.RoomID); err != nil {
			t.Fatalf("%s joining: %v", r.UserID, err)
		}
	}
	return resp.RoomID
}

// joinNewsroom makes a newsroom (see newsroom), starts the desk and returns
// the room and a watch on it as watcher once the bot has joined on the
// editor's invite.
func (d *desk) joinNewsroom(t *testing.T, watcher, editor, bot *mautrix.Client, reporters ...*mautrix.Client) (id.RoomID, *watch) {
	t.Helper()
	room := newsroom(t, editor, bot, reporters...)
	w := newWatch(watcher, room)
	d.start(t)
	w.waitFor(t, "the bot to join on the editor's invite", joined(bot.UserID))
	return room, w
}

func joined(user id.UserID) func([]*event.Event) bool {
	return func(evs []*event.Event) bool {
		for _, ev := range evs {
			if ev.Type == event.StateMember && ev.GetStateKey() == user.String() && ev.Content.AsMember().Membership == event.MembershipJoin {
				return true
			}
		}
		return false
	}
}

// TestStory is the desk's story in a Matrix room: a reporter files a claim,
// two sources corroborate it in the card's thread, a reporter's ✅ does
// nothing, an editor's ✅ approves it and the card says who.
func TestStory(t *testing.T) {
	hs, botCli, editor, reporter := newsroomPeople(t)
	ctx := context.Background()
	other := hs.registerUser(t, "intern")
	// The bot logs in with its password once; the token is kept in the database.
	d := newDesk(t, hs, botCli.UserID, passwordLogin(botCli.UserID))
	room, w := d.joinNewsroom(t, reporter, editor, botCli, reporter, other)
	bot := botCli.UserID

	cmd := say(t, reporter, room, "!fd claim 140 civilians killed in the March 17 Mosul airstrike")
	w.waitFor(t, "the card and the answer in its thread", func(evs []*event.Event) bool {
		c := cards(bot, evs, "#1")
		return len(c) == 1 && len(repliesTo(bot, evs, cmd)) == 1 && len(inThread(bot, evs, c[0].ID)) >= 1
	})
	card := cards(bot, w.events, "#1")[0]
	m := card.Content.AsMessage()
	if m.MsgType != event.MsgNotice || m.Format != event.FormatHTML || !strings.Contains(m.FormattedBody, "<strong>") {
		t.Errorf("card is %s with format %q: %s", m.MsgType, m.Format, m.FormattedBody)
	}
	if reply := repliesTo(bot, w.events, cmd)[0].Content.AsMessage(); reply.RelatesTo.GetThreadParent() != card.ID {
		t.Errorf("the answer to the claim is not in the card's thread: %+v", reply.RelatesTo)
	}

	sayInThread(t, reporter, room, card.ID, `evidence supports source="UN human rights office" figure=140`)
	sayInThread(t, other, room, card.ID, `evidence supports source="Reuters" figure=140`)
	sayInThread(t, reporter, room, card.ID, "thanks, that settles it") // talk, not a command
	w.waitFor(t, "the card edited to corroborated", func(evs []*event.Event) bool {
		return strings.Contains(cardNow(bot, evs, card.ID), "corroborated (2 independent sources)")
	})

	react(t, other, room, card.ID, "✅")
	w.waitFor(t, "the bot to refuse a reporter's ✅", func(evs []*event.Event) bool {
		for _, ev := range inThread(bot, evs, card.ID) {
			if strings.Contains(ev.Content.AsMessage().Body, "only editors can approve") {
				return true
			}
		}
		return false
	})
	if now := cardNow(bot, w.events, card.ID); strings.Contains(now, "approved") {
		t.Fatalf("a reporter's ✅ approved the claim:\n%s", now)
	}

	react(t, editor, room, card.ID, "✅")
	w.waitFor(t, "the card to show the editor's approval", func(evs []*event.Event) bool {
		return strings.Contains(cardNow(bot, evs, card.ID), "approved by "+editor.UserID.String())
	})
	for _, ev := range byBot(bot, w.events, func(*event.Event, *event.MessageEventContent) bool { return true }) {
		if mt := ev.Content.AsMessage().MsgType; mt != event.MsgNotice && ev.Content.AsMessage().NewContent == nil {
			t.Errorf("the bot sent a %s, not a notice: %s", mt, ev.ID)
		}
	}
	for _, ev := range w.events {
		if ev.Sender != bot {
			continue
		}
		if b := ev.Content.AsMessage().Body; strings.Contains(b, "thanks") || strings.Contains(b, "unknown command") {
			t.Errorf("the bot answered talk in the thread: %q", b)
		}
	}
	_ = ctx
}

// TestCrashMidStream kills the desk with SIGKILL while commands arrive and
// starts it again: every command is answered exactly once, and every claim
// has exactly one card.
func TestCrashMidStream(t *testing.T) {
	hs, botCli, editor, reporter := newsroomPeople(t)
	d := newDesk(t, hs, botCli.UserID, "", tokenEnv(botCli))
	room, w := d.joinNewsroom(t, reporter, editor, botCli, reporter)
	bot := botCli.UserID

	const n = 12
	var cmds []id.EventID
	claim := func(i int) {
		cmds = append(cmds, say(t, reporter, room, fmt.Sprintf("!fd claim At least %d people displaced in district %d", 100+i, i)))
	}
	for i := 1; i <= n/2; i++ {
		claim(i)
	}
	w.waitFor(t, "a first answer", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, cmds[0])) > 0 })
	d.kill(t)
	for i := n/2 + 1; i <= n; i++ {
		claim(i)
	}
	d.start(t)
	w.waitFor(t, "an answer to every command", func(evs []*event.Event) bool {
		for _, c := range cmds {
			if len(repliesTo(bot, evs, c)) == 0 {
				return false
			}
		}
		return true
	})
	// A command sent last is answered after anything a recovery could have
	// repeated (one room's messages are delivered in order).
	last := say(t, reporter, room, "!fd list")
	w.waitFor(t, "the answer to the last command", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, last)) > 0 })
	for i, c := range cmds {
		if got := len(repliesTo(bot, w.events, c)); got != 1 {
			t.Errorf("command %d (%s) got %d answers, want 1", i+1, c, got)
		}
		if got := len(cards(bot, w.events, fmt.Sprintf("#%d", i+1))); got != 1 {
			t.Errorf("claim #%d has %d cards, want 1", i+1, got)
		}
	}
	if t.Failed() {
		t.Logf("room:\n%s", describe(w.events))
	}
}

// TestLimitedTimelineIsBackfilled: commands sent while the bot was down
// outnumber what one sync returns per room; the gap is fetched from the
// room's history and every command is answered once.
func TestLimitedTimelineIsBackfilled(t *testing.T) {
	hs, botCli, editor, reporter := newsroomPeople(t)
	d := newDesk(t, hs, botCli.UserID, "  sync_timeline_limit: 3\n", tokenEnv(botCli))
	room, w := d.joinNewsroom(t, reporter, editor, botCli, reporter)
	bot := botCli.UserID
	first := say(t, reporter, room, "!fd claim At least 40 homes destroyed in district 1")
	w.waitFor(t, "the first answer", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, first)) > 0 })
	d.stop()
	var cmds []id.EventID
	for i := 2; i <= 9; i++ {
		cmds = append(cmds, say(t, reporter, room, fmt.Sprintf("!fd claim At least %d homes destroyed in district %d", 40+i, i)))
	}
	d.start(t)
	w.waitFor(t, "an answer to every command sent while the bot was down", func(evs []*event.Event) bool {
		for _, c := range cmds {
			if len(repliesTo(bot, evs, c)) == 0 {
				return false
			}
		}
		return true
	})
	for i, c := range append([]id.EventID{first}, cmds...) {
		if got := len(repliesTo(bot, w.events, c)); got != 1 {
			t.Errorf("command %d got %d answers, want 1", i+1, got)
		}
	}
	d.stop()
	log, err := os.ReadFile(d.logs[len(d.logs)-1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "filled a gap in the room's timeline") {
		t.Errorf("the restarted bot never backfilled; its sync was not limited")
	}
	if t.Failed() {
		t.Logf("room:\n%s", describe(w.events))
	}
}

// TestEncryptedRoomWithoutEncryption: a desk running with encryption off
// says once in an encrypted room that it cannot read it.
func TestEncryptedRoomWithoutEncryption(t *testing.T) {
	hs := testHomeserver(t)
	ctx := context.Background()
	botCli := hs.registerUser(t, "desk")
	editor := hs.registerUser(t, "editor")
	d := newDesk(t, hs, botCli.UserID, "", tokenEnv(botCli))
	resp, err := editor.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Invite: []id.UserID{botCli.UserID},
		InitialState: []*event.Event{{Type: event.StateEncryption, StateKey: new(""),
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	w := newWatch(editor, resp.RoomID)
	d.start(t)
	bot := botCli.UserID
	notices := func(evs []*event.Event) []*event.Event {
		return byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool {
			return strings.Contains(m.Body, "runs without encryption")
		})
	}
	w.waitFor(t, "the bot to say it cannot read the room", func(evs []*event.Event) bool { return len(notices(evs)) > 0 })
	// Restarting does not repeat it.
	d.stop()
	d.start(t)
	probe := say(t, editor, resp.RoomID, "!fd help") // sent in the clear: a client without keys could
	w.waitFor(t, "the answer to a command sent in the clear", func(evs []*event.Event) bool { return len(repliesTo(bot, evs, probe)) > 0 })
	if n := len(notices(w.events)); n != 1 {
		t.Errorf("the bot said %d times that it cannot read the room, want once", n)
	}
}

//go:build goolm

package matrix_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	_ "modernc.org/sqlite" // the people's own crypto stores
)

// person is someone in the newsroom with an encrypting client of their
// own: their own device, Olm account and crypto store, syncing as Element
// would. It keeps every room event twice: as the server delivered it, and
// as the person reads it (decrypted).
type person struct {
	cli    *mautrix.Client
	helper *cryptohelper.CryptoHelper

	mu      sync.Mutex
	wire    []*event.Event // as delivered: m.room.encrypted in encrypted rooms
	read    []*event.Event // as read: decrypted messages and reactions
	unread  []*event.Event // events this person could not decrypt
	seen    map[*[]*event.Event]map[id.EventID]bool
	changed chan struct{}
}

func newPerson(t *testing.T, hs homeserver, name string) *person {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cli := hs.registerUser(t, name)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "crypto.db")+
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	store, err := dbutil.NewWithDB(db, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	helper, err := cryptohelper.NewCryptoHelper(cli, []byte("pickle key of "+name), store)
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Init(ctx); err != nil {
		t.Fatalf("%s's crypto: %v", name, err)
	}
	cli.Crypto = helper
	p := &person{cli: cli, helper: helper, changed: make(chan struct{}, 1), seen: map[*[]*event.Event]map[id.EventID]bool{}}
	helper.DecryptErrorCallback = func(ev *event.Event, err error) { p.add(&p.unread, ev) }
	syncer := cli.Syncer.(*mautrix.DefaultSyncer)
	syncer.OnEventType(event.EventEncrypted, func(_ context.Context, ev *event.Event) { p.add(&p.wire, ev) })
	for _, typ := range []event.Type{event.EventMessage, event.EventReaction, event.StateMember} {
		syncer.OnEventType(typ, func(_ context.Context, ev *event.Event) {
			if ev.Mautrix.EventSource&event.SourceDecrypted == 0 {
				p.add(&p.wire, ev)
			}
			p.add(&p.read, ev)
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := cli.SyncWithContext(ctx); err != nil && ctx.Err() == nil {
				t.Logf("%s's sync: %v", name, err)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done; db.Close() })
	return p
}

// add keeps ev in list once: a sync can deliver an event again (a room
// whose join was still being processed is sent whole in the next sync).
func (p *person) add(list *[]*event.Event, ev *event.Event) {
	p.mu.Lock()
	if p.seen[list] == nil {
		p.seen[list] = map[id.EventID]bool{}
	}
	if !p.seen[list][ev.ID] {
		p.seen[list][ev.ID] = true
		*list = append(*list, ev)
	}
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// waitFor waits until cond holds over what the person has read in room.
func (p *person) waitFor(t *testing.T, room id.RoomID, what string, cond func(evs []*event.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(90 * time.Second)
	defer deadline.Stop()
	for {
		evs := p.events(room, false)
		if cond(evs) {
			return
		}
		select {
		case <-p.changed:
		case <-deadline.C:
			t.Fatalf("%s timed out waiting for %s; read %d events:\n%s", p.cli.UserID, what, len(evs), describe(evs))
		}
	}
}

// events are the room's events as read (or, with wire, as delivered).
func (p *person) events(room id.RoomID, wire bool) []*event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.read
	if wire {
		list = p.wire
	}
	var out []*event.Event
	for _, ev := range list {
		if ev.RoomID == room {
			out = append(out, ev)
		}
	}
	return out
}

// undecrypted are the events the person could not decrypt.
func (p *person) undecrypted() []*event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*event.Event(nil), p.unread...)
}

// waitEncrypted waits until the person's client knows room is encrypted,
// so that what they send is encrypted.
func (p *person) waitEncrypted(t *testing.T, room id.RoomID) {
	t.Helper()
	ctx := context.Background()
	deadline := time.NewTimer(90 * time.Second)
	defer deadline.Stop()
	for {
		if ok, _ := p.cli.StateStore.IsEncrypted(ctx, room); ok {
			return
		}
		// The state store is written by the sync without telling us, so
		// this polls too.
		select {
		case <-p.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline.C:
			t.Fatalf("%s never learnt that %s is encrypted", p.cli.UserID, room)
		}
	}
}

// say sends an encrypted message (the client encrypts in an encrypted room).
func (p *person) say(t *testing.T, room id.RoomID, text string, rel *event.RelatesTo) id.EventID {
	t.Helper()
	p.waitEncrypted(t, room)
	resp, err := p.cli.SendMessageEvent(context.Background(), room, event.EventMessage,
		&event.MessageEventContent{MsgType: event.MsgText, Body: text, RelatesTo: rel})
	if err != nil {
		t.Fatalf("%s saying %q: %v", p.cli.UserID, text, err)
	}
	return resp.EventID
}

// reactEncrypted sends a reaction encrypted, as Element does in an
// encrypted room (mautrix itself sends reactions in the clear).
func (p *person) reactEncrypted(t *testing.T, room id.RoomID, target id.EventID, key string) {
	t.Helper()
	ctx := context.Background()
	content := &event.ReactionEventContent{RelatesTo: event.RelatesTo{Type: event.RelAnnotation, EventID: target, Key: key}}
	enc, err := p.helper.Encrypt(ctx, room, event.EventReaction, content)
	if err != nil {
		t.Fatalf("%s encrypting a reaction: %v", p.cli.UserID, err)
	}
	if _, err := p.cli.SendMessageEvent(ctx, room, event.EventEncrypted, enc); err != nil {
		t.Fatalf("%s reacting: %v", p.cli.UserID, err)
	}
}

// encryptedRoom is a private room the editor creates with encryption on
// from the start (as Element does), the bot and the others invited.
func encryptedRoom(t *testing.T, editor *person, bot id.UserID, others ...*person) id.RoomID {
	t.Helper()
	ctx := context.Background()
	invite := []id.UserID{bot}
	for _, o := range others {
		invite = append(invite, o.cli.UserID)
	}
	resp, err := editor.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{Preset: "private_chat", Name: "encrypted desk", Invite: invite,
		InitialState: []*event.Event{{Type: event.StateEncryption, StateKey: new(""),
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}}})
	if err != nil {
		t.Fatalf("creating the room: %v", err)
	}
	for _, o := range others {
		if _, err := o.cli.JoinRoomByID(ctx, resp.RoomID); err != nil {
			t.Fatalf("%s joining: %v", o.cli.UserID, err)
		}
	}
	return resp.RoomID
}

// botDevice waits until the bot's device has published its keys and
// returns the /keys/query answer for the bot's account. With signed, it
// waits until the device carries its self-signing key's signature too.
func botDevice(t *testing.T, asker *person, bot id.UserID, signed bool) *mautrix.RespQueryKeys {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := asker.cli.QueryKeys(ctx, &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{bot: {}}})
		if err != nil {
			t.Fatalf("querying the bot's keys: %v", err)
		}
		if len(resp.DeviceKeys[bot]) > 0 && (!signed || selfSigned(resp, bot)) {
			return resp
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot's device never published its keys (signed=%v): %+v", signed, resp)
		}
		select {
		case <-asker.changed:
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// selfSigned reports whether every device of user in a /keys/query answer
// carries a signature by the user's self-signing key, and that key one by
// the master key.
func selfSigned(resp *mautrix.RespQueryKeys, user id.UserID) bool {
	ssk, ok := resp.SelfSigningKeys[user]
	master, ok2 := resp.MasterKeys[user]
	if !ok || !ok2 || len(resp.DeviceKeys[user]) == 0 {
		return false
	}
	sskKey, masterKey := onlyKey(ssk.Keys), onlyKey(master.Keys)
	if _, ok := ssk.Signatures[user][id.NewKeyID(id.KeyAlgorithmEd25519, masterKey.String())]; !ok {
		return false
	}
	for _, dev := range resp.DeviceKeys[user] {
		if _, ok := dev.Signatures[user][id.NewKeyID(id.KeyAlgorithmEd25519, sskKey.String())]; !ok {
			return false
		}
	}
	return true
}

// onlyKey is the one key of a cross-signing key set.
func onlyKey(keys map[id.KeyID]id.Ed25519) id.Ed25519 {
	for _, k := range keys {
		return k
	}
	return ""
}

// fromBot are the bot's messages (as read) that match f.
func fromBot(bot id.UserID, evs []*event.Event, f func(m *event.MessageEventContent) bool) []*event.Event {
	return byBot(bot, evs, func(_ *event.Event, m *event.MessageEventContent) bool { return f(m) })
}

func containing(s string) func(m *event.MessageEventContent) bool {
	return func(m *event.MessageEventContent) bool { return strings.Contains(m.Body, s) }
}

// allEncrypted fails the test for any event the bot sent in the clear.
func allEncrypted(t *testing.T, p *person, room id.RoomID, bot id.UserID) int {
	t.Helper()
	n := 0
	for _, ev := range p.events(room, true) {
		if ev.Sender != bot || ev.Type == event.StateMember {
			continue
		}
		if ev.Type != event.EventEncrypted {
			t.Errorf("the bot sent a %s in the clear in an encrypted room: %s", ev.Type.Type, ev.Content.VeryRaw)
		}
		n++
	}
	return n
}

func e2eeConfig(pickle, recovery string) string {
	return fmt.Sprintf("  pickle_key: %q\n  recovery_key: %q\n", pickle, recovery)
}

// sayUnshared sends an encrypted message under a new room key given to the
// users in to only, not to the bot: as from a client whose key share to
// the bot was lost. The bot can get the key only by asking for it. The
// person's next message goes under a new key shared with everyone.
func (p *person) sayUnshared(t *testing.T, room id.RoomID, text string, rel *event.RelatesTo, to ...id.UserID) id.EventID {
	t.Helper()
	p.waitEncrypted(t, room)
	ctx := context.Background()
	mach := p.helper.Machine()
	if err := mach.CryptoStore.RemoveOutboundGroupSession(ctx, room); err != nil {
		t.Fatal(err)
	}
	if err := mach.ShareGroupSession(ctx, room, to); err != nil {
		t.Fatalf("%s sharing a room key: %v", p.cli.UserID, err)
	}
	enc, err := mach.EncryptMegolmEvent(ctx, room, event.EventMessage,
		&event.MessageEventContent{MsgType: event.MsgText, Body: text, RelatesTo: rel})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.cli.SendMessageEvent(ctx, room, event.EventEncrypted, enc)
	if err != nil {
		t.Fatalf("%s saying %q: %v", p.cli.UserID, text, err)
	}
	if err := mach.CryptoStore.RemoveOutboundGroupSession(ctx, room); err != nil {
		t.Fatal(err)
	}
	return resp.EventID
}

// answerKeyRequests makes the person's client give its room keys to anyone
// in the room who asks (by default it gives a key only to devices it shared
// it with).
func (p *person) answerKeyRequests() {
	p.helper.Machine().AllowKeyShare = func(context.Context, *id.Device, event.RequestedKeyInfo) *crypto.KeyShareRejection {
		return nil
	}
}

// logged reports whether a desk's log files contain s.
func (d *desk) logged(t *testing.T, s string) bool {
	t.Helper()
	for _, l := range d.logs {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

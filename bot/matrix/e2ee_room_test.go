package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// specEncrypted is the m.room.encrypted example of the Matrix client-server
// API (Megolm), with a thread relation in the clear as clients send it.
const specEncrypted = `{
  "content": {
    "algorithm": "m.megolm.v1.aes-sha2",
    "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg...",
    "device_id": "RJYKSTBOIE",
    "sender_key": "IlRMeOPX2e0MurIyfWEucYBRVOEEUMrOHqn/8mLqMjA",
    "session_id": "X3lUlvLELLYxeTx4yOVu6UDpasGEVO0Jbu+QFnm0cKQ",
    "m.relates_to": {"rel_type": "m.thread", "event_id": "$card:example.org"}
  },
  "event_id": "$143273582443PhrSn:example.org",
  "origin_server_ts": 1432735824653,
  "room_id": "!jEsUZKDJdhlrceRyVU:example.org",
  "sender": "@example:example.org",
  "type": "m.room.encrypted",
  "unsigned": {"age": 1234}
}`

// fakeCrypto decrypts by a table: an event id it knows gives that event,
// any other gives err.
type fakeCrypto struct {
	plain     map[id.EventID]*event.Event
	err       error
	requested []id.EventID
}

func (f *fakeCrypto) Start(context.Context, time.Time) error { return nil }
func (f *fakeCrypto) Extend(time.Time)                       {}
func (f *fakeCrypto) Stop()                                  {}
func (f *fakeCrypto) Active() bool                           { return true }
func (f *fakeCrypto) ProcessSync(context.Context, *mautrix.RespSync, string) error {
	return nil
}
func (f *fakeCrypto) RequestKeys(_ context.Context, ev *event.Event) {
	f.requested = append(f.requested, ev.ID)
}
func (f *fakeCrypto) Encrypt(_ context.Context, _ id.RoomID, t event.Type, c any) (event.Type, any, error) {
	return t, c, nil
}
func (f *fakeCrypto) Decrypt(_ context.Context, ev *event.Event) (*event.Event, error) {
	if _, ok := ev.Content.Parsed.(*event.EncryptedEventContent); !ok {
		return nil, errors.New("not parsed as m.room.encrypted")
	}
	if p, ok := f.plain[ev.ID]; ok {
		return p, nil
	}
	return nil, f.err
}

func encryptedTimeline(t *testing.T) (*mautrix.SyncJoinedRoom, *event.Event) {
	t.Helper()
	var ev event.Event
	if err := json.Unmarshal([]byte(specEncrypted), &ev); err != nil {
		t.Fatal(err)
	}
	joined := &mautrix.SyncJoinedRoom{}
	joined.Timeline.Events = []*event.Event{&ev}
	return joined, &ev
}

func cryptoBot(t *testing.T, c E2EE) *Bot {
	t.Helper()
	cli, err := mautrix.NewClient("http://127.0.0.1:1", "@desk:example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	b := &Bot{Client: cli, Crypto: c, Clock: workflows.SystemClock{}, Options: Options{Prefix: "!fd"}}
	b.defaults()
	return b
}

// An encrypted command is decrypted and read like a plain one.
func TestEncryptedCommandIsDecrypted(t *testing.T) {
	joined, ev := encryptedTimeline(t)
	plain := &event.Event{ID: ev.ID, Sender: ev.Sender, RoomID: ev.RoomID, Type: event.EventMessage,
		Content: event.Content{Parsed: &event.MessageEventContent{MsgType: event.MsgText, Body: "!fd help"}}}
	b := cryptoBot(t, &fakeCrypto{plain: map[id.EventID]*event.Event{ev.ID: plain}})
	once, held := map[string]workflows.Outgoing{}, map[string]string{}
	got := b.room(context.Background(), "s1", ev.RoomID, joined, once, held)
	if len(got) != 1 || got[0].Text != "help" || got[0].EventID != ev.ID.String() || got[0].Actor.ID != "@example:example.org" {
		t.Fatalf("inbound = %+v", got)
	}
	if len(once) != 0 || len(held) != 0 {
		t.Errorf("once %v, held %v: want neither", once, held)
	}
}

// An encrypted event whose key has not arrived is held (with the event, to
// try again) and its key asked for; nothing is said yet.
func TestEncryptedEventWithoutKeyIsHeld(t *testing.T) {
	joined, ev := encryptedTimeline(t)
	fc := &fakeCrypto{err: ErrNoKeys}
	b := cryptoBot(t, fc)
	once, held := map[string]workflows.Outgoing{}, map[string]string{}
	if got := b.room(context.Background(), "s1", ev.RoomID, joined, once, held); len(got) != 0 {
		t.Fatalf("inbound = %+v, want none yet", got)
	}
	raw, ok := held[ev.ID.String()]
	if !ok || len(once) != 0 {
		t.Fatalf("held %v, once %v", held, once)
	}
	var h heldEvent
	if err := json.Unmarshal([]byte(raw), &h); err != nil || h.Event == nil || h.Event.ID != ev.ID || h.Event.RoomID != ev.RoomID {
		t.Fatalf("held event reads back as %+v, %v", h, err)
	}
	if len(fc.requested) != 1 || fc.requested[0] != ev.ID {
		t.Errorf("keys requested for %v", fc.requested)
	}
}

// An encrypted event that cannot be decrypted at all (a withheld key, a
// broken payload) gets one notice in its thread naming it.
func TestUndecryptableEventIsNamedInItsThread(t *testing.T) {
	joined, ev := encryptedTimeline(t)
	b := cryptoBot(t, &fakeCrypto{err: errors.New("group session has been withheld: m.unauthorised")})
	once, held := map[string]workflows.Outgoing{}, map[string]string{}
	b.room(context.Background(), "s1", ev.RoomID, joined, once, held)
	out, ok := once["undecryptable:"+ev.ID.String()]
	if !ok || len(held) != 0 {
		t.Fatalf("once %v, held %v", once, held)
	}
	if out.Thread != "$card:example.org" || out.Channel != ev.RoomID.String() || out.Kind != workflows.KindNotice {
		t.Errorf("notice goes to %+v", out)
	}
	for _, want := range []string{"@example:example.org", ev.ID.String(), "2015-05-27 14:10 UTC", "could not read"} {
		if !strings.Contains(out.Message.Text, want) {
			t.Errorf("notice %q lacks %q", out.Message.Text, want)
		}
	}
}

// Without encryption an encrypted room gets the one notice that says so.
func TestEncryptedRoomWithoutCryptoSaysSo(t *testing.T) {
	joined, ev := encryptedTimeline(t)
	b := cryptoBot(t, nil)
	once, held := map[string]workflows.Outgoing{}, map[string]string{}
	b.room(context.Background(), "s1", ev.RoomID, joined, once, held)
	if out, ok := once["encrypted:"+ev.RoomID.String()]; !ok || !strings.Contains(out.Message.Text, "pickle_key") {
		t.Errorf("once = %v", once)
	}
}

// sealingCrypto "encrypts" by wrapping the content, so a test can see what
// was sealed and unseal it; it is active unless off.
type sealingCrypto struct {
	fakeCrypto
	off bool
}

func (s *sealingCrypto) Active() bool { return !s.off }

func (s *sealingCrypto) Encrypt(_ context.Context, _ id.RoomID, t event.Type, c any) (event.Type, any, error) {
	if s.off {
		return t, nil, ErrNotHolder
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return t, nil, err
	}
	return event.EventEncrypted, map[string]any{"algorithm": id.AlgorithmMegolmV1, "sealed": json.RawMessage(raw)}, nil
}

func (s *sealingCrypto) Decrypt(_ context.Context, ev *event.Event) (*event.Event, error) {
	var sealed struct {
		Sealed json.RawMessage `json:"sealed"`
	}
	if err := json.Unmarshal(ev.Content.VeryRaw, &sealed); err != nil || sealed.Sealed == nil {
		return nil, errors.New("not sealed")
	}
	return &event.Event{ID: ev.ID, Sender: ev.Sender, Type: event.EventMessage, Content: event.Content{VeryRaw: sealed.Sealed}}, nil
}

// TestEncryptedDelivery: with encryption a row goes out as
// m.room.encrypted; a row that may have been sent before a crash is found
// by decrypting the bot's own events, not sent twice; and a replica
// without the keys stands by.
func TestEncryptedDelivery(t *testing.T) {
	f := &fakeSender{}
	c := &sealingCrypto{}
	d := &Deliverer{Client: f, Account: "@desk:example.org", Crypto: c}
	row := workflows.Delivery{Outgoing: workflows.Outgoing{ID: 5, Channel: "!r:x", Kind: workflows.KindCard,
		Message: workflows.Message{Title: "#1 · unverified", Text: "140 civilians"}}}
	first, err := d.Deliver(context.Background(), row)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sends) != 1 || f.sends[0].Type != event.EventEncrypted.Type || !strings.Contains(string(f.sends[0].Content), `"sealed"`) {
		t.Fatalf("sent %+v, want one m.room.encrypted", f.sends)
	}
	row.MaybeSent = true
	again, err := d.Deliver(context.Background(), row)
	if err != nil || again != first || len(f.sends) != 1 {
		t.Fatalf("resend gave %q, %v (first %q) after %d sends; want the first event and one send", again, err, first, len(f.sends))
	}
	if d.Standby() {
		t.Errorf("the replica with the keys stands by")
	}
	c.off = true
	if !d.Standby() {
		t.Errorf("a replica without the keys does not stand by")
	}
	row.ID, row.MaybeSent = 6, false
	var later *workflows.RetryLater
	if _, err := d.Deliver(context.Background(), row); !errors.As(err, &later) || len(f.sends) != 1 {
		t.Errorf("a send without the keys: %v after %d sends; want a retry later and nothing sent", err, len(f.sends))
	}
}

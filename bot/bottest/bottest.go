package bottest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/workflows"
)

// Platform is the name events and outbox rows carry.
const Platform = "test"

// Sent is one message the desk delivered.
type Sent struct {
	ID      string // the platform id the recorder gave it: "m1", "m2"…
	Kind    workflows.OutboxKind
	Channel string
	// Thread is the message it was posted under ("" for the channel); a
	// card's thread is its own ID.
	Thread  string
	ClaimID int64
	// User is set for a message only that user would see.
	User    string
	Message workflows.Message
	// Edits is, for a card update, the ID of the card edited.
	Edits string
}

// Text is the message as one plain string: title, text, fields and items.
func (s Sent) Text() string {
	var b strings.Builder
	m := s.Message
	for _, part := range []string{m.Title, m.Text} {
		if part != "" {
			b.WriteString(part + "\n")
		}
	}
	for _, f := range m.Fields {
		fmt.Fprintf(&b, "%s: %s\n", f.Label, f.Value)
	}
	for _, it := range m.Items {
		b.WriteString("- " + it + "\n")
	}
	if m.Footer != "" {
		b.WriteString(m.Footer + "\n")
	}
	return b.String()
}

// Desk is the desk wired to the in-memory platform.
type Desk struct {
	T          testing.TB
	DB         *storage.DB
	Engine     *workflows.Engine
	Router     *bot.Router
	Dispatcher *workflows.Dispatcher
	Clock      *fakeclock.Clock

	mu     sync.Mutex
	sent   []Sent
	events int
}

// Option changes the desk before it starts.
type Option func(*Desk)

// Observe has the router report command outcomes to o (metrics).
func Observe(o bot.Observer) Option {
	return func(d *Desk) { d.Router.Observer = o }
}

// Editors makes the named users editors.
func Editors(users ...string) Option {
	return func(d *Desk) {
		d.Engine.Roles = &bot.StaticRoles{Editors: map[string][]string{Platform: users}}
	}
}

// New returns a desk on a fresh database: a SQLite file in t's temporary
// directory, or a PostgreSQL schema of its own with FACTDESK_TEST_DB=postgres
// (see storagetest.FromEnv).
func New(t testing.TB, opts ...Option) *Desk {
	t.Helper()
	db := dbtest.FromEnv(t)
	clock := fakeclock.New(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	d := &Desk{T: t, DB: db, Clock: clock}
	d.Dispatcher = &workflows.Dispatcher{Outbox: db, Deliverers: map[string]workflows.Deliverer{Platform: recorder{d}},
		Clock: clock, Owner: "bottest"}
	d.Engine = &workflows.Engine{Store: db, Roles: &bot.StaticRoles{}, Rules: workflows.DefaultRules(), Clock: clock}
	d.Router = &bot.Router{Engine: d.Engine, Inbox: db, Grammar: bot.NewGrammar(), Clock: clock,
		Mentions: map[string]func(string) (string, bool){Platform: func(s string) (string, bool) {
			name, ok := strings.CutPrefix(s, "@")
			return name, ok && name != ""
		}}}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Say has user write text in channel (thread "" for the channel itself) and
// returns what the desk sent because of it, in delivery order.
func (d *Desk) Say(user, channel, thread, text string) []Sent {
	d.T.Helper()
	return d.Deliver(d.Event(user, channel, thread, text))
}

// Event is the inbound event of user writing text, with a fresh event id.
func (d *Desk) Event(user, channel, thread, text string) workflows.Inbound {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.events++
	return workflows.Inbound{
		Platform: Platform, EventID: fmt.Sprintf("e%d", d.events),
		Actor: workflows.Actor{Platform: Platform, ID: user, Name: user},
		Conv:  workflows.Conversation{Platform: Platform, Channel: channel, Thread: thread},
		Text:  text,
	}
}

// Deliver hands ev to the router as the platform would (again, for a
// redelivery) and returns what the desk sent because of it.
func (d *Desk) Deliver(ev workflows.Inbound) []Sent {
	d.T.Helper()
	ctx := context.Background()
	d.mu.Lock()
	before := len(d.sent)
	d.mu.Unlock()
	if _, err := d.Router.Receive(ctx, ev); err != nil {
		d.T.Fatalf("bottest: %s said %q: %v", ev.Actor.ID, ev.Text, err)
	}
	if _, err := d.Dispatcher.Drain(ctx); err != nil {
		d.T.Fatalf("bottest: delivering: %v", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Sent(nil), d.sent[before:]...)
}

// Sent returns every message delivered so far.
func (d *Desk) Sent() []Sent {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Sent(nil), d.sent...)
}

// Card returns the card posted for claim id, or fails the test.
func (d *Desk) Card(id int64) Sent {
	d.T.Helper()
	for _, s := range d.Sent() {
		if s.Kind == workflows.KindCard && s.ClaimID == id {
			return s
		}
	}
	d.T.Fatalf("bottest: no card for claim #%d", id)
	return Sent{}
}

// recorder is the platform's Deliverer: it keeps what it is given.
type recorder struct{ d *Desk }

func (r recorder) Deliver(_ context.Context, del workflows.Delivery) (string, error) {
	r.d.mu.Lock()
	defer r.d.mu.Unlock()
	id := fmt.Sprintf("m%d", len(r.d.sent)+1)
	s := Sent{ID: id, Kind: del.Kind, Channel: del.Channel, Thread: del.ThreadRoot, ClaimID: del.ClaimID,
		User: del.User, Message: del.Message}
	switch del.Kind {
	case workflows.KindCard:
		s.Thread = id
	case workflows.KindCardUpdate:
		s.Edits = del.CardID
		id = del.CardID
	}
	r.d.sent = append(r.d.sent, s)
	return id, nil
}

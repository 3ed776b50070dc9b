package slack_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/workflows"
)

// TestSocketModeReplicas: two replicas in Socket Mode share one fake Slack
// and one SQLite database, as two processes would. Each opens its own
// connection and Slack sends each envelope to one of them. When the replica
// that handled a slash command goes away and Slack sends the very same
// envelope to the other, the other acknowledges it and the inbox keeps it
// from being handled again: one claim, one card, one answer. A later command
// is handled once by the survivor, and every outbox row is delivered once.
func TestSocketModeReplicas(t *testing.T) {
	first := newDesk(t, slackbot.ModeSocket)
	second := first.replica("replica-2")
	ctx, cancel := context.WithTimeout(first.ctx, 20*time.Second)
	defer cancel()
	// newDesk waited for the first replica's connection, so connection 1 is
	// the first replica's and connection 2 the second's.
	if err := first.fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}

	// The fake sends an envelope to the newest connection: the second
	// replica's. slash waits for the ack, then for the handling and the
	// delivery of what it queued.
	second.slash(reporter, "claim 300 civilians killed in Mosul", "trig-mosul")
	env := lastEnvelope(t, first.fake)
	handled := onlyAck(ctx, t, first.fake, env)
	if handled.Conn != 2 {
		t.Fatalf("connection %d got the command, want the second replica's (2)", handled.Conn)
	}
	second.assertOnce(1)

	// The second replica goes away for good, so that what Slack sends next
	// can only reach the first. It is stopped first because the fake's
	// Disconnect drops every connection: had it stayed, it would reconnect
	// and, being newest, get the redelivery itself.
	second.stop()
	first.fake.Disconnect()
	// The first replica reconnects as the socketmode client does: the third
	// connection is its own.
	if err := first.fake.WaitConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := first.fake.Redeliver(env); err != nil {
		t.Fatal(err)
	}
	acks, err := first.fake.WaitAcks(ctx, env, 2)
	if err != nil {
		t.Fatal(err)
	}
	survivor := acks[1].Conn
	if survivor == handled.Conn {
		t.Fatalf("the redelivery was acknowledged on connection %d, which handled it before", survivor)
	}
	// Acknowledging counts it in flight before the ack goes out, so settle
	// covers its handling.
	first.settle()
	first.assertOnce(1)
	if n := first.count("inbox"); n != 1 {
		t.Errorf("%d inbox rows after the redelivery, want 1", n)
	}

	// A new command goes to the survivor and is handled once.
	first.slash(reporter, "claim The governor said 12 bridges were closed", "trig-bridges")
	next := lastEnvelope(t, first.fake)
	if next == env {
		t.Fatal("the second command was not sent")
	}
	if a := onlyAck(ctx, t, first.fake, next); a.Conn != survivor {
		t.Errorf("connection %d acknowledged the second command, want the survivor's (%d)", a.Conn, survivor)
	}
	first.assertOnce(2)
	first.assertDeliveredOnce()
}

// replica starts another process of d's desk: its own handle on d's
// database, its own engine, router, adapter and dispatcher, on the same fake
// Slack and clock. In Socket Mode it opens its own connection; wait for it.
func (d *desk) replica(owner string) *desk {
	d.t.Helper()
	r := openDesk(d.t, d.ctx, d.mode, d.fake, d.clock, d.dbURL)
	// Outbox leases name their holder: two processes must not share a name.
	r.disp.Owner = owner
	return r
}

// lastEnvelope is the id of the envelope the fake sent last.
func lastEnvelope(t *testing.T, f *slackfake.Server) string {
	t.Helper()
	envs := f.Envelopes()
	if len(envs) == 0 {
		t.Fatal("no envelope was sent")
	}
	return envs[len(envs)-1].ID
}

// onlyAck is the one ack of an envelope, which must have come.
func onlyAck(ctx context.Context, t *testing.T, f *slackfake.Server, envID string) slackfake.Ack {
	t.Helper()
	acks, err := f.WaitAcks(ctx, envID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) != 1 {
		t.Fatalf("envelope %s was acknowledged %d times, want once: %+v", envID, len(acks), acks)
	}
	return acks[0]
}

// assertOnce checks that each of the claims commands so far was handled
// once: that many claims, cards posted (one chat.postMessage each, nothing
// else posted) and "filed" answers to the reporter.
func (d *desk) assertOnce(claims int) {
	d.t.Helper()
	if n := d.count("claims"); n != claims {
		d.t.Errorf("%d claims, want %d", n, claims)
	}
	if n := len(d.cards()); n != claims {
		d.t.Errorf("%d cards in the channel, want %d", n, claims)
	}
	if n := len(d.fake.Calls("chat.postMessage")); n != claims {
		d.t.Errorf("%d chat.postMessage calls, want %d (one card per claim)", n, claims)
	}
	answers := d.ephemeralsTo(reporter)
	if len(answers) != claims {
		d.t.Errorf("the reporter got %d answers, want %d: %q", len(answers), claims, answers)
	}
	for i := 1; i <= claims; i++ {
		if !contains(answers, fmt.Sprintf("#%d filed", i)) {
			d.t.Errorf("the reporter was not told #%d was filed: %q", i, answers)
		}
	}
}

// outboxRow is what assertDeliveredOnce reads of an outbox row.
type outboxRow struct {
	ID         int64  `db:"id"`
	Channel    string `db:"channel"`
	Kind       string `db:"kind"`
	TargetUser string `db:"target_user"`
	State      string `db:"state"`
	RemoteID   string `db:"remote_id"`
}

// assertDeliveredOnce checks that no outbox row is left undelivered and that
// Slack got each exactly once: every row that posts a message (as Deliver
// decides: cards, and anything not meant for one user) names a message
// carrying its outbox id, and the fake holds no other post; ephemeral
// answers match their rows in number, as Slack keeps nothing to match them
// by. Whichever replica delivered a row, the database knows it was done.
func (d *desk) assertDeliveredOnce() {
	d.t.Helper()
	var rows []outboxRow
	if err := d.db.SQL().SelectContext(d.ctx, &rows,
		`SELECT id, channel, kind, target_user, state, remote_id FROM outbox ORDER BY id`); err != nil {
		d.t.Fatal(err)
	}
	if len(rows) == 0 {
		d.t.Fatal("the outbox is empty")
	}
	var posts, ephemerals int
	seen := map[string]int64{}
	for _, r := range rows {
		if r.State != "delivered" {
			d.t.Errorf("outbox row %d (%s) is %s, want delivered", r.ID, r.Kind, r.State)
			continue
		}
		if r.Kind == string(workflows.KindCardUpdate) {
			continue
		}
		if r.TargetUser != "" && r.Kind != string(workflows.KindCard) {
			ephemerals++
			continue
		}
		posts++
		if other, dup := seen[r.Channel+"/"+r.RemoteID]; dup {
			d.t.Errorf("outbox rows %d and %d name one message %s", other, r.ID, r.RemoteID)
		}
		seen[r.Channel+"/"+r.RemoteID] = r.ID
		m, ok := d.fake.Message(r.Channel, r.RemoteID)
		if !ok {
			d.t.Errorf("outbox row %d names message %q, which Slack does not have", r.ID, r.RemoteID)
			continue
		}
		if m.Metadata == nil || fmt.Sprint(m.Metadata.EventPayload["outbox_id"]) != fmt.Sprint(r.ID) {
			d.t.Errorf("message %s does not carry outbox id %d: %+v", r.RemoteID, r.ID, m.Metadata)
		}
	}
	if n := len(d.fake.Calls("chat.postMessage")); n != posts {
		d.t.Errorf("Slack got %d chat.postMessage calls for %d delivered posts", n, posts)
	}
	if n := len(d.fake.Messages(channel)); n != posts {
		d.t.Errorf("the channel holds %d messages for %d delivered posts", n, posts)
	}
	if n := len(d.fake.Ephemerals("")); n != ephemerals {
		d.t.Errorf("Slack got %d ephemeral messages for %d delivered ones", n, ephemerals)
	}
	var unhandled int
	if err := d.db.SQL().GetContext(d.ctx, &unhandled, `SELECT count(*) FROM inbox WHERE handled_ms IS NULL`); err != nil {
		d.t.Fatal(err)
	}
	if unhandled != 0 {
		d.t.Errorf("%d inbox events were never handled", unhandled)
	}
}

package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// Sender is the part of the Matrix client that sends events.
type Sender interface {
	SendMessageEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error)
	Messages(ctx context.Context, roomID id.RoomID, from, to string, dir mautrix.Direction, filter *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error)
}

// Deliverer sends outbox rows to Matrix (workflows.Deliverer).
type Deliverer struct {
	Client Sender
	// Account is the bot's user id, to find what it sent before a crash.
	Account id.UserID
	// Store finds the message a reply answers; nil for none.
	Store Store
	// Crypto encrypts what goes to encrypted rooms; nil when encryption is
	// off. With it, only the replica holding the sync lease delivers.
	Crypto E2EE
	// Direct finds the direct rooms of direct notices; nil: none are sent.
	Direct *DirectRooms
}

// Standby reports whether this replica leaves Matrix rows to another: with
// encryption on, only the sync lease holder has the Olm account, so only it
// may send (see workflows.Standby).
func (d *Deliverer) Standby() bool { return d.Crypto != nil && !d.Crypto.Active() }

// outboxKey marks each sent event with its transaction id, so a row sent
// just before a crash is found instead of sent again: a homeserver forgets a
// transaction id whose request was cut off mid-way, and in time forgets all.
const outboxKey = "org.factdesk.outbox"

// TxnID is the transaction id of an outbox row's part: the same row sent
// again after a crash gets the same id, and the homeserver returns the event
// it already made instead of a second one.
func TxnID(outboxID int64, part int) string { return fmt.Sprintf("factdesk-%d-%d", outboxID, part) }

// Deliver implements workflows.Deliverer.
func (d *Deliverer) Deliver(ctx context.Context, del workflows.Delivery) (string, error) {
	if err := d.directRoom(ctx, &del); err != nil {
		return "", err
	}
	content, err := d.content(ctx, del)
	if err != nil {
		return "", err
	}
	txn := TxnID(del.ID, 0)
	if del.MaybeSent && d.Account != "" {
		if prev, err := d.findSent(ctx, id.RoomID(del.Channel), txn); err != nil {
			return "", classify(err)
		} else if prev != "" {
			return prev, nil
		}
	}
	evType, payload := event.EventMessage, any(&event.Content{Parsed: content, Raw: map[string]any{outboxKey: txn}})
	if d.Crypto != nil {
		if evType, payload, err = d.Crypto.Encrypt(ctx, id.RoomID(del.Channel), evType, payload); errors.Is(err, ErrNotHolder) {
			// The lease moved while this row was on its way: the holder sends it.
			return "", &workflows.RetryLater{After: time.Second, Err: err}
		} else if err != nil {
			return "", err
		}
	}
	resp, err := d.Client.SendMessageEvent(ctx, id.RoomID(del.Channel), evType, payload,
		mautrix.ReqSendEvent{TransactionID: txn})
	if err != nil {
		return "", classify(err)
	}
	return resp.EventID.String(), nil
}

// findSent looks through the bot's recent events in a room for one sent
// under txn, and returns its id ("" when there is none).
func (d *Deliverer) findSent(ctx context.Context, room id.RoomID, txn string) (string, error) {
	filter := &mautrix.FilterPart{Senders: []id.UserID{d.Account}, Types: []event.Type{event.EventMessage, event.EventEncrypted}}
	from := ""
	for page := 0; page < 4; page++ {
		resp, err := d.Client.Messages(ctx, room, from, "", mautrix.DirectionBackward, filter, 100)
		if err != nil {
			return "", err
		}
		for _, ev := range resp.Chunk {
			if ev.Sender != d.Account {
				continue
			}
			if ev.Type == event.EventEncrypted && d.Crypto != nil {
				// The bot keeps the keys of what it sent, so it reads its own.
				ev.RoomID = room
				dec, err := d.Crypto.Decrypt(ctx, ev)
				if err != nil {
					continue
				}
				ev = dec
			}
			var marker struct {
				Txn string `json:"org.factdesk.outbox"`
			}
			if json.Unmarshal(ev.Content.VeryRaw, &marker) == nil && marker.Txn == txn {
				return ev.ID.String(), nil
			}
		}
		if resp.End == "" || len(resp.Chunk) == 0 {
			break
		}
		from = resp.End
	}
	return "", nil
}

// content builds the event for a delivery.
func (d *Deliverer) content(ctx context.Context, del workflows.Delivery) (*event.MessageEventContent, error) {
	switch del.Kind {
	case workflows.KindCard:
		return fit(Content(del.Message, true)), nil
	case workflows.KindCardUpdate:
		return Edit(id.EventID(del.CardID), fit(Content(del.Message, true))), nil
	}
	c := fit(Content(del.Message, false))
	if user, ok := Mention(del.User); ok {
		// A message meant for one person notifies that person alone.
		c.Mentions = &event.Mentions{UserIDs: []id.UserID{id.UserID(user)}}
	}
	replyTo := ""
	if del.Kind == workflows.KindReply && del.InboxID != 0 && d.Store != nil {
		msg, err := d.Store.MatrixInboundMessage(ctx, del.InboxID)
		if err != nil {
			return nil, err
		}
		replyTo = msg
	}
	c.RelatesTo = Relation(del.ThreadRoot, replyTo)
	return c, nil
}

// Relation places a message: in the thread of root, as a reply to replyTo.
// In a thread without a real reply, m.in_reply_to points at the root with
// is_falling_back so clients without threads show it as a reply.
func Relation(root, replyTo string) *event.RelatesTo {
	switch {
	case root == "" && replyTo == "":
		return nil
	case root == "":
		return &event.RelatesTo{InReplyTo: &event.InReplyTo{EventID: id.EventID(replyTo)}}
	case replyTo == "":
		return &event.RelatesTo{Type: event.RelThread, EventID: id.EventID(root),
			InReplyTo: &event.InReplyTo{EventID: id.EventID(root)}, IsFallingBack: true}
	}
	return &event.RelatesTo{Type: event.RelThread, EventID: id.EventID(root),
		InReplyTo: &event.InReplyTo{EventID: id.EventID(replyTo)}}
}

// Edit makes the m.replace event that changes card into c.
func Edit(card id.EventID, c *event.MessageEventContent) *event.MessageEventContent {
	newContent := *c
	if newContent.Mentions == nil {
		newContent.Mentions = &event.Mentions{}
	}
	return &event.MessageEventContent{
		MsgType:       c.MsgType,
		Body:          "* " + c.Body,
		Format:        c.Format,
		FormattedBody: "* " + c.FormattedBody,
		NewContent:    &newContent,
		RelatesTo:     &event.RelatesTo{Type: event.RelReplace, EventID: card},
		// The edit itself mentions nobody new; m.new_content holds the
		// mentions of the edited message (the spec's rule for edits).
		Mentions: &event.Mentions{},
	}
}

// fit makes sure a content stays under maxContentBytes even when it is sent
// as an edit (twice): the HTML goes first, then the plain text is cut.
func fit(c *event.MessageEventContent) *event.MessageEventContent {
	size := func() int {
		b, _ := json.Marshal(c)
		return len(b)
	}
	if size()*2 <= maxContentBytes {
		return c
	}
	c.Format, c.FormattedBody = "", ""
	for size()*2 > maxContentBytes {
		r := []rune(c.Body)
		c.Body = workflows.Shorten(c.Body, len(r)*3/4)
	}
	return c
}

// classify turns a send error into the dispatcher's terms: a rate limit is
// RetryLater, an error no retry can fix is Permanent.
func classify(err error) error {
	var httpErr mautrix.HTTPError
	if !errors.As(err, &httpErr) || httpErr.Response == nil {
		return err
	}
	status := httpErr.Response.StatusCode
	if status == http.StatusTooManyRequests || errors.Is(err, mautrix.MLimitExceeded) {
		return &workflows.RetryLater{After: retryAfter(httpErr), Err: err}
	}
	switch {
	case errors.Is(err, mautrix.MForbidden), errors.Is(err, mautrix.MNotFound), errors.Is(err, mautrix.MTooLarge),
		errors.Is(err, mautrix.MBadJSON), errors.Is(err, mautrix.MNotJSON):
		return workflows.Permanent(err)
	}
	return err
}

// retryAfter reads the wait a 429 asks for: the Retry-After header, else the
// legacy retry_after_ms, else a second.
func retryAfter(e mautrix.HTTPError) time.Duration {
	if v := e.Response.Header.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := time.Until(t); d > 0 {
				return d
			}
		}
	}
	if e.RespError != nil {
		if ms, ok := e.RespError.ExtraData["retry_after_ms"].(float64); ok && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	return time.Second
}

package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// OutboxEventType is the message metadata event type that carries the
// outbox id of every message the desk posts.
const OutboxEventType = "factdesk_outbox"

// postInterval paces chat.postMessage per channel: Slack allows about one
// message a second in a channel.
const postInterval = time.Second

// lookupPages bounds the history searched for an earlier post.
const lookupPages = 5

var errPaced = errors.New("pacing posts in the channel")

// Deliver implements workflows.Deliverer: cards and posts with
// chat.postMessage (carrying the outbox id), card updates with chat.update,
// answers meant for one person with chat.postEphemeral.
func (a *Adapter) Deliver(ctx context.Context, d workflows.Delivery) (string, error) {
	blocks, text := Render(d.Message)
	opts := []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false)}
	if d.Message.Unverified {
		opts = append(opts, slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	}
	root := d.ThreadRoot
	if d.Kind == workflows.KindCard {
		root = ""
	}
	cctx, cancel := context.WithTimeout(ctx, a.cfg.CallTimeout)
	defer cancel()
	if d.Kind == workflows.KindHome {
		// Drawn from the queue as it is now; publishing twice is harmless.
		return "", a.publishHome(cctx, d.User)
	}
	if d.Kind == workflows.KindDirect || (d.Channel == "" && d.User != "") {
		// A direct notice, or the answer to a click on the Home tab (which
		// has no channel), goes to the person's DM with the desk, which
		// conversations.open finds (or opens, once); it is then posted
		// like any message, so a maybe-sent one is looked up there.
		dm, err := a.directChannel(cctx, d.User)
		if err != nil {
			return "", a.classify(d.Channel, err)
		}
		d.Channel, d.User = dm, ""
	}
	switch {
	case d.Kind == workflows.KindCardUpdate:
		_, _, _, err := a.api.UpdateMessageContext(cctx, d.Channel, d.CardID, opts...)
		return d.CardID, a.classify(d.Channel, err)
	case d.User != "" && d.Kind != workflows.KindCard:
		if d.MaybeSent {
			// Slack keeps nothing of an ephemeral message that could be
			// looked up, so after a crash or an ambiguous failure nobody can
			// tell whether this private reply arrived. It is not sent again:
			// the desk never posts twice, and what the reply said is public
			// in the claim's card and thread.
			a.log.Warn("not re-sending a private reply that may have arrived", "outbox_id", d.ID, "channel", d.Channel)
			return "", nil
		}
		if root != "" {
			opts = append(opts, slack.MsgOptionTS(root))
		}
		ts, err := a.api.PostEphemeralContext(cctx, d.Channel, d.User, opts...)
		return ts, a.classify(d.Channel, err)
	}
	// A row that may have been posted already (a replica died holding it, or
	// a post timed out) is looked up by the outbox id in its metadata first:
	// chat.postMessage has no idempotency key.
	if d.MaybeSent {
		ts, err := a.findPosted(cctx, d.Channel, root, d.ID)
		if err != nil {
			return "", a.classify(d.Channel, fmt.Errorf("looking for an earlier post: %w", err))
		}
		if ts != "" {
			return ts, nil
		}
	}
	if wait := a.reserve(d.Channel); wait > 0 {
		return "", &workflows.RetryLater{After: wait, Err: errPaced}
	}
	if root != "" {
		opts = append(opts, slack.MsgOptionTS(root))
	}
	opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: OutboxEventType, EventPayload: map[string]any{"outbox_id": d.ID},
	}))
	_, ts, err := a.api.PostMessageContext(cctx, d.Channel, opts...)
	if err != nil {
		return "", a.classify(d.Channel, err)
	}
	return ts, nil
}

// reserve takes the channel's next posting slot, or says how long until it.
func (a *Adapter) reserve(channel string) time.Duration {
	now := a.clock.Now()
	a.paceMu.Lock()
	defer a.paceMu.Unlock()
	if next := a.nextAt[channel]; now.Before(next) {
		return next.Sub(now)
	}
	a.nextAt[channel] = now.Add(postInterval)
	return 0
}

// holdChannel keeps posts to a channel back until Slack's Retry-After passes.
func (a *Adapter) holdChannel(channel string, d time.Duration) {
	until := a.clock.Now().Add(d)
	a.paceMu.Lock()
	defer a.paceMu.Unlock()
	if until.After(a.nextAt[channel]) {
		a.nextAt[channel] = until
	}
}

// transientCodes are Slack errors worth trying again.
var transientCodes = map[string]bool{
	"internal_error": true, "fatal_error": true, "service_unavailable": true,
	"request_timeout": true, "ratelimited": true, "team_added_to_org": true,
}

// classify maps a Web API error to the dispatcher's terms: Retry-After
// becomes RetryLater; errors no retry can fix become Permanent.
func (a *Adapter) classify(channel string, err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl):
		wait := max(rl.RetryAfter, time.Second)
		a.holdChannel(channel, wait)
		return &workflows.RetryLater{After: wait, Err: err}
	case errors.As(err, &se):
		if transientCodes[se.Err] {
			return err
		}
		return workflows.Permanent(err)
	case errors.As(err, &sc):
		if sc.Code >= 500 {
			return err
		}
		return workflows.Permanent(err)
	}
	return err
}

// findPosted looks for a message the desk posted for outbox row id, in the
// thread under root or at the top of the channel, and returns its ts.
func (a *Adapter) findPosted(ctx context.Context, channel, root string, id int64) (string, error) {
	cursor := ""
	for page := 0; page < lookupPages; page++ {
		var msgs []slack.Message
		var err error
		if root != "" {
			msgs, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: channel, Timestamp: root, Cursor: cursor, Limit: 200, IncludeAllMetadata: true,
			})
		} else {
			var h *slack.GetConversationHistoryResponse
			h, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: channel, Cursor: cursor, Limit: 200, IncludeAllMetadata: true,
			})
			if h != nil {
				msgs, cursor = h.Messages, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			if m.Metadata.EventType == OutboxEventType && (a.botID == "" || m.BotID == a.botID) && outboxID(m.Metadata.EventPayload["outbox_id"]) == id {
				return m.Timestamp, nil
			}
		}
		if cursor == "" {
			return "", nil
		}
	}
	return "", nil
}

func outboxID(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	case string:
		i, _ := strconv.ParseInt(n, 10, 64)
		return i
	}
	return 0
}

// directChannel is the id of the desk's direct conversation with a user.
// conversations.open returns the same one every time, so nothing is kept.
func (a *Adapter) directChannel(ctx context.Context, user string) (string, error) {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	return ch.ID, nil
}

package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/workflows"
)

// callback is an Events API request body: an event_callback, or the
// url_verification handshake.
type callback struct {
	Type      string          `json:"type"`
	TeamID    string          `json:"team_id"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent is the part of a message or app_mention event the desk reads.
type innerEvent struct {
	Type        string `json:"type"`
	SubType     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	// The author's workspace, in a channel shared with another one
	// (Slack Connect): user_team, else team.
	UserTeam string `json:"user_team"`
	Team     string `json:"team"`
}

var mentionRE = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$`)
var bareIDRE = regexp.MustCompile(`^@?([UW][A-Z0-9]{2,})$`)

// ParseMention turns a user mention as the desk reads it into the user id:
// "@U123" (what mrkdwn.Decode makes of "<@U123>" and "<@U123|ana>"), the
// raw markup itself, or a bare id. User ids are case-sensitive: "@u123" is
// no id. A typed handle ("@ana") is not an id; Adapter.Mention resolves it.
func ParseMention(s string) (string, bool) {
	if m := mentionRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if m := bareIDRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	return "", false
}

// eventInbound turns an Events API callback into a command for the router,
// or reports that it is none of the desk's business: the desk's own
// messages, other bots (unless allowed), edits and joins, and chatter in
// threads that are not claim threads.
func (a *Adapter) eventInbound(ctx context.Context, cb callback) (workflows.Inbound, bool) {
	if cb.Type != "event_callback" || cb.EventID == "" || a.homeOpened(ctx, cb) {
		return workflows.Inbound{}, false
	}
	var ev innerEvent
	if err := json.Unmarshal(cb.Event, &ev); err != nil || ev.Channel == "" {
		return workflows.Inbound{}, false
	}
	if ev.User != "" && ev.User == a.botUserID || ev.BotID != "" && ev.BotID == a.botID {
		return workflows.Inbound{}, false
	}
	if (ev.BotID != "" || ev.SubType == "bot_message") && !a.cfg.AllowBots {
		return workflows.Inbound{}, false
	}
	switch ev.SubType {
	case "", "thread_broadcast", "bot_message":
	default:
		return workflows.Inbound{}, false
	}
	user := ev.User
	if user == "" {
		user = ev.BotID
	}
	if user == "" {
		return workflows.Inbound{}, false
	}
	mention := "<@" + a.botUserID
	// Read once, here, what the person typed: everything after this sees
	// plain text, and length limits count what they typed.
	decoded := mrkdwn.Decode(ev.Text)
	var text string
	switch ev.Type {
	case "app_mention":
		text = a.afterMention(decoded)
	case "message":
		switch {
		case ev.ChannelType == "im":
			text = a.afterMention(decoded)
		case a.botUserID != "" && strings.Contains(ev.Text, mention):
			// The app_mention event for the same message carries it.
			return workflows.Inbound{}, false
		case ev.ThreadTS != "" && ev.ThreadTS != ev.TS:
			text = strings.TrimSpace(decoded)
			if !a.router.IsCommand(text) || !a.isClaimThread(ctx, ev.Channel, ev.ThreadTS) {
				return workflows.Inbound{}, false
			}
		default:
			return workflows.Inbound{}, false
		}
	default:
		return workflows.Inbound{}, false
	}
	if team := firstOf(ev.UserTeam, ev.Team, cb.TeamID); a.foreign(team) {
		// Addressed to the desk, by someone it does not serve: told so,
		// and nothing is recorded.
		a.log.Info("refused a request from another workspace", "team", team, "channel", ev.Channel)
		thread := ev.ThreadTS
		// Through the pool, so a stranger's flood is bounded like anyone's;
		// with no room the note is skipped (nothing of theirs is kept).
		a.handle(user, func(ctx context.Context) { a.tellForeign(ctx, ev.Channel, user, thread) })
		return workflows.Inbound{}, false
	}
	if text == "" {
		text = "help"
	}
	return workflows.Inbound{
		Platform: Platform, EventID: cb.EventID,
		Actor: workflows.Actor{Platform: Platform, ID: user},
		Conv: workflows.Conversation{
			Platform: Platform, Channel: ev.Channel, Thread: ev.ThreadTS, MessageID: ev.TS,
		},
		Text: text,
	}, true
}

// afterMention is the decoded text after the desk's mention: "@U0BOT claim
// X" (Slack sent "<@U0BOT> claim X") → "claim X".
func (a *Adapter) afterMention(text string) string {
	if a.botUserID != "" {
		if i := strings.Index(text, "@"+a.botUserID); i >= 0 {
			text = text[i+1+len(a.botUserID):]
		}
	}
	return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(text), ":,"))
}

func (a *Adapter) isClaimThread(ctx context.Context, channel, root string) bool {
	_, err := a.router.ClaimInThread(ctx, Platform, channel, root)
	if err != nil && workflows.ErrorCode(err) != workflows.ENOTFOUND {
		a.log.Warn("looking up a thread", "channel", channel, "err", err)
	}
	return err == nil
}

// commandInbound turns a slash command into a command for the router. Its
// event id is the trigger id (unique per invocation, the same when Slack
// delivers the request again), or a hash of the signed body.
func (a *Adapter) commandInbound(cmd slack.SlashCommand, raw []byte) (workflows.Inbound, error) {
	if cmd.Command != a.cfg.command() {
		return workflows.Inbound{}, errors.New("not this desk's command")
	}
	if cmd.UserID == "" || cmd.ChannelID == "" {
		return workflows.Inbound{}, errors.New("a slash command without user or channel")
	}
	if a.foreign(cmd.TeamID) {
		a.log.Info("refused a slash command from another workspace", "team", cmd.TeamID, "channel", cmd.ChannelID)
		return workflows.Inbound{}, errForeignTeam
	}
	// The manifest asks Slack to escape the command's text (should_escape),
	// so mentions arrive as ids; it is read like a message.
	text := strings.TrimSpace(mrkdwn.Decode(cmd.Text))
	if text == "" {
		text = "help"
	}
	return workflows.Inbound{
		Platform: Platform, EventID: stableID("cmd", cmd.TriggerID, raw),
		Actor: workflows.Actor{Platform: Platform, ID: cmd.UserID, Name: cmd.UserName},
		Conv:  workflows.Conversation{Platform: Platform, Channel: cmd.ChannelID, User: cmd.UserID},
		Text:  text,
	}, nil
}

// foreignAnswer is what someone from a workspace the desk does not serve is
// told.
const foreignAnswer = "This desk works only for its own newsroom's Slack workspace, so it cannot take requests from yours."

// errForeignTeam is commandInbound's answer to another workspace's command.
var errForeignTeam = errors.New("a slash command from another workspace")

// foreign reports whether team is neither the desk's workspace nor one
// slack.allow_external lists. Slack sends a team with every request; one
// without is taken as the desk's own (it is signed, or came over the app's
// own Socket Mode connection).
func (a *Adapter) foreign(team string) bool {
	return team != "" && team != a.teamID && !slices.Contains(a.cfg.AllowExternal, team)
}

// tellForeign answers a refused request where it was made, to its author
// alone.
func (a *Adapter) tellForeign(ctx context.Context, channel, user, thread string) {
	if channel == "" || user == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.CallTimeout)
	defer cancel()
	opts := []slack.MsgOption{slack.MsgOptionText(foreignAnswer, false)}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	if _, err := a.api.PostEphemeralContext(ctx, channel, user, opts...); err != nil {
		a.log.Warn("telling another workspace's user they are refused", "channel", channel, "err", err)
	}
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// stableID is prefix:id, or prefix:hash(raw) when Slack gave no id.
func stableID(prefix, id string, raw []byte) string {
	if id != "" {
		return prefix + ":" + id
	}
	sum := sha256.Sum256(raw)
	return prefix + ":h" + hex.EncodeToString(sum[:12])
}

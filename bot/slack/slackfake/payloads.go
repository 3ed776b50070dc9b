package slackfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// Sign returns Slack's v0 request signature ("v0=" + hex HMAC-SHA256 of
// "v0:{ts}:{body}" with the signing secret).
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts.Unix())
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignedRequest builds a POST to url carrying body and Slack's signing
// headers (X-Slack-Request-Timestamp, X-Slack-Signature) for ts. The content
// type is JSON when body is a JSON object, form-encoded otherwise. The
// request works both with an http.Client and handed straight to a handler's
// ServeHTTP. It panics on an unparsable url.
func SignedRequest(secret, url string, body []byte, ts time.Time) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		panic(fmt.Sprintf("slackfake: SignedRequest: %v", err))
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
	return req
}

// SetRetry marks req as Slack's retry number num of an event
// (X-Slack-Retry-Num, X-Slack-Retry-Reason, e.g. "http_timeout").
func SetRetry(req *http.Request, num int, reason string) {
	req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(num))
	req.Header.Set("X-Slack-Retry-Reason", reason)
}

// Event is the inner event of an Events API callback: a "message" or an
// "app_mention" (or any type the fields suit). Empty fields are left out.
type Event struct {
	Type        string // "message" when empty
	SubType     string
	User        string
	BotID       string
	Text        string
	Channel     string
	ChannelType string // "channel" when empty
	TS          string
	ThreadTS    string
	EventTS     string // TS when empty
	Team        string
	// UserTeam is the author's workspace when it is not the app's (a Slack
	// Connect channel shared with another organisation).
	UserTeam string
}

// EventCallback is an Events API event_callback envelope.
type EventCallback struct {
	Token     string // legacy verification token, usually empty
	TeamID    string // DefaultTeamID when empty
	APIAppID  string // DefaultAppID when empty
	EventID   string // a fresh unique "Ev…" id when empty
	EventTime int64  // from Event.TS when zero
	Event     Event
}

var eventSeq atomic.Int64

// NewEventID returns a unique Events API event id.
func NewEventID() string { return fmt.Sprintf("Ev%010d", eventSeq.Add(1)) }

// EventCallbackJSON renders cb as Slack posts it (HTTP mode body, Socket Mode
// events_api payload). Send the same bytes twice for a retry of one event.
func EventCallbackJSON(cb EventCallback) []byte {
	if cb.TeamID == "" {
		cb.TeamID = DefaultTeamID
	}
	if cb.APIAppID == "" {
		cb.APIAppID = DefaultAppID
	}
	if cb.EventID == "" {
		cb.EventID = NewEventID()
	}
	ev := cb.Event
	if ev.Type == "" {
		ev.Type = "message"
	}
	if ev.ChannelType == "" && ev.Channel != "" {
		ev.ChannelType = "channel"
	}
	if ev.EventTS == "" {
		ev.EventTS = ev.TS
	}
	if cb.EventTime == 0 {
		if us, ok := parseTS(ev.TS); ok {
			cb.EventTime = us / 1_000_000
		}
	}
	inner := map[string]any{"type": ev.Type}
	for k, v := range map[string]string{
		"subtype": ev.SubType, "user": ev.User, "bot_id": ev.BotID, "text": ev.Text,
		"channel": ev.Channel, "channel_type": ev.ChannelType, "ts": ev.TS,
		"thread_ts": ev.ThreadTS, "event_ts": ev.EventTS, "team": ev.Team,
		"user_team": ev.UserTeam,
	} {
		if v != "" {
			inner[k] = v
		}
	}
	b, _ := json.Marshal(map[string]any{
		"token":      cb.Token,
		"team_id":    cb.TeamID,
		"api_app_id": cb.APIAppID,
		"event":      inner,
		"type":       "event_callback",
		"event_id":   cb.EventID,
		"event_time": cb.EventTime,
		"authorizations": []map[string]any{{
			"team_id": cb.TeamID, "user_id": DefaultBotUserID, "is_bot": true,
		}},
	})
	return b
}

// URLVerificationJSON is the body of Slack's url_verification request.
func URLVerificationJSON(challenge string) []byte {
	b, _ := json.Marshal(map[string]string{"type": "url_verification", "challenge": challenge, "token": ""})
	return b
}

// SlashCommandForm renders a slash command as the form Slack posts (HTTP
// mode body via Encode; Socket Mode via SendSlashCommand). Empty TeamID and
// APIAppID get the defaults.
func SlashCommandForm(c slack.SlashCommand) url.Values {
	if c.TeamID == "" {
		c.TeamID = DefaultTeamID
	}
	if c.APIAppID == "" {
		c.APIAppID = DefaultAppID
	}
	v := url.Values{}
	for k, s := range map[string]string{
		"token": c.Token, "team_id": c.TeamID, "team_domain": c.TeamDomain,
		"enterprise_id": c.EnterpriseID, "enterprise_name": c.EnterpriseName,
		"channel_id": c.ChannelID, "channel_name": c.ChannelName,
		"user_id": c.UserID, "user_name": c.UserName, "command": c.Command,
		"text": c.Text, "response_url": c.ResponseURL, "trigger_id": c.TriggerID,
		"api_app_id": c.APIAppID,
	} {
		v.Set(k, s)
	}
	v.Set("is_enterprise_install", strconv.FormatBool(c.IsEnterpriseInstall))
	return v
}

// BlockAction is one action of a block_actions interaction.
type BlockAction struct {
	ActionID string
	BlockID  string
	Value    string
	Type     string // "button" when empty
	ActionTS string
}

// BlockActions is a block_actions interaction (a button click on a message).
type BlockActions struct {
	UserID, UserName       string
	TeamID, TeamDomain     string // DefaultTeamID when empty
	APIAppID               string // DefaultAppID when empty
	ChannelID, ChannelName string
	MessageTS, ThreadTS    string // the message carrying the button
	MessageText            string
	IsEphemeral            bool
	TriggerID, ResponseURL string
	Actions                []BlockAction
}

// BlockActionsJSON renders the interaction payload: the JSON Socket Mode
// sends (SendInteraction) and HTTP mode puts in the form field "payload"
// (InteractionForm).
func BlockActionsJSON(a BlockActions) []byte {
	if a.TeamID == "" {
		a.TeamID = DefaultTeamID
	}
	if a.APIAppID == "" {
		a.APIAppID = DefaultAppID
	}
	actions := []map[string]any{}
	for _, ac := range a.Actions {
		if ac.Type == "" {
			ac.Type = "button"
		}
		if ac.ActionTS == "" {
			ac.ActionTS = a.MessageTS
		}
		actions = append(actions, map[string]any{
			"action_id": ac.ActionID, "block_id": ac.BlockID, "value": ac.Value,
			"type": ac.Type, "action_ts": ac.ActionTS,
		})
	}
	container := map[string]any{
		"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID,
		"is_ephemeral": a.IsEphemeral,
	}
	message := map[string]any{"type": "message", "ts": a.MessageTS, "text": a.MessageText}
	if a.ThreadTS != "" {
		container["thread_ts"] = a.ThreadTS
		message["thread_ts"] = a.ThreadTS
	}
	b, _ := json.Marshal(map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": a.UserID, "username": a.UserName, "name": a.UserName, "team_id": a.TeamID},
		"api_app_id":   a.APIAppID,
		"token":        "",
		"container":    container,
		"trigger_id":   a.TriggerID,
		"team":         map[string]any{"id": a.TeamID, "domain": a.TeamDomain},
		"channel":      map[string]any{"id": a.ChannelID, "name": a.ChannelName},
		"message":      message,
		"response_url": a.ResponseURL,
		"actions":      actions,
	})
	return b
}

// InteractionForm wraps an interaction payload as HTTP mode posts it:
// a form with the single field "payload".
func InteractionForm(payload []byte) url.Values {
	return url.Values{"payload": {string(payload)}}
}

// MessageAction is a message shortcut used on a message (type
// message_action): Slack sends the whole message, in its markup, with the
// channel it is in and a trigger_id good for 3 s.
type MessageAction struct {
	CallbackID             string
	UserID, UserName       string
	TeamID, TeamDomain     string // DefaultTeamID when empty
	ChannelID, ChannelName string
	TriggerID, ResponseURL string
	ActionTS               string
	// The message, as stored (Server.Message gives one).
	Message Message
}

// MessageActionJSON renders a message shortcut's payload as Slack sends
// it (api.slack.com/reference/interaction-payloads/shortcuts).
func MessageActionJSON(a MessageAction) []byte {
	if a.TeamID == "" {
		a.TeamID = DefaultTeamID
	}
	msg := map[string]any{"type": "message", "ts": a.Message.TS, "text": a.Message.Text}
	if a.Message.User != "" {
		msg["user"] = a.Message.User
	}
	if a.Message.BotID != "" {
		msg["bot_id"] = a.Message.BotID
	}
	if a.Message.ThreadTS != "" {
		msg["thread_ts"] = a.Message.ThreadTS
	}
	b, _ := json.Marshal(map[string]any{
		"type": "message_action", "token": "", "action_ts": a.ActionTS,
		"callback_id": a.CallbackID, "trigger_id": a.TriggerID, "response_url": a.ResponseURL,
		"team":       map[string]any{"id": a.TeamID, "domain": a.TeamDomain},
		"channel":    map[string]any{"id": a.ChannelID, "name": a.ChannelName},
		"user":       map[string]any{"id": a.UserID, "name": a.UserName, "team_id": a.TeamID},
		"message_ts": a.Message.TS,
		"message":    msg,
	})
	return b
}

// GlobalShortcut is a global shortcut (type shortcut): no channel, no
// message, only who and a trigger_id.
type GlobalShortcut struct {
	CallbackID         string
	UserID, UserName   string
	TeamID, TeamDomain string // DefaultTeamID when empty
	TriggerID          string
	ActionTS           string
}

// GlobalShortcutJSON renders a global shortcut's payload as Slack sends it
// (api.slack.com/reference/interaction-payloads/shortcuts).
func GlobalShortcutJSON(g GlobalShortcut) []byte {
	if g.TeamID == "" {
		g.TeamID = DefaultTeamID
	}
	b, _ := json.Marshal(map[string]any{
		"type": "shortcut", "token": "", "action_ts": g.ActionTS,
		"callback_id": g.CallbackID, "trigger_id": g.TriggerID,
		"team": map[string]any{"id": g.TeamID, "domain": g.TeamDomain},
		"user": map[string]any{"id": g.UserID, "username": g.UserName, "team_id": g.TeamID},
	})
	return b
}

// BlockSuggestion is an external select being typed into (type
// block_suggestion): Slack asks for the options matching Value and shows
// what the app answers (in the HTTP response, or the Socket Mode ack).
type BlockSuggestion struct {
	UserID, UserName string
	TeamID           string // DefaultTeamID when empty
	ActionID         string
	BlockID          string
	Value            string // what has been typed
	ViewID           string
	CallbackID       string // the view's
}

// BlockSuggestionJSON renders the payload as Slack sends it
// (api.slack.com/reference/block-kit/block-elements#external_select).
func BlockSuggestionJSON(b BlockSuggestion) []byte {
	if b.TeamID == "" {
		b.TeamID = DefaultTeamID
	}
	out, _ := json.Marshal(map[string]any{
		"type": "block_suggestion", "token": "", "action_id": b.ActionID, "block_id": b.BlockID,
		"value": b.Value, "api_app_id": DefaultAppID,
		"team":      map[string]any{"id": b.TeamID},
		"user":      map[string]any{"id": b.UserID, "username": b.UserName, "name": b.UserName, "team_id": b.TeamID},
		"container": map[string]any{"type": "view", "view_id": b.ViewID},
		"view":      map[string]any{"id": b.ViewID, "type": "modal", "callback_id": b.CallbackID},
	})
	return out
}

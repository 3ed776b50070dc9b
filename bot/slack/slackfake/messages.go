package slackfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Message is a message as the fake stores it.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string // as sent by the poster; "" for a top-level message
	User     string
	BotID    string
	Username string
	Text     string
	// Blocks and Attachments are the JSON arrays as posted (nil when absent).
	Blocks      json.RawMessage
	Attachments json.RawMessage
	Metadata    *Metadata
	// UnfurlLinks and UnfurlMedia are nil when the poster did not send them
	// (Slack then applies its defaults and unfurls).
	UnfurlLinks    *bool
	UnfurlMedia    *bool
	ReplyBroadcast bool
	EditedTS       string // ts of the last chat.update, "" if never edited
	Reactions      []Reaction
	// Params are the form values of the call that created the message.
	Params url.Values
}

// Metadata is message metadata (event_type and event_payload).
type Metadata struct {
	EventType    string
	EventPayload map[string]any
	Raw          json.RawMessage
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// Update is one successful chat.update of a message.
type Update struct {
	Channel, TS string
	Text        string // text after the update
	Blocks      json.RawMessage
	Metadata    *Metadata
	Params      url.Values // the form values sent
	Time        time.Time
}

// Ephemeral is a message from chat.postEphemeral.
type Ephemeral struct {
	Channel, User, TS, ThreadTS, Text string
	Blocks                            json.RawMessage
	Params                            url.Values
}

// View is a modal opened with views.open.
type View struct {
	ID        string
	TriggerID string
	View      json.RawMessage // the view as sent
	Time      time.Time
}

func (m *Message) clone() Message {
	c := *m
	c.Params = cloneValues(m.Params)
	c.Reactions = make([]Reaction, len(m.Reactions))
	for i, r := range m.Reactions {
		c.Reactions[i] = Reaction{Name: r.Name, Users: slices.Clone(r.Users)}
	}
	if len(c.Reactions) == 0 {
		c.Reactions = nil
	}
	if m.Metadata != nil {
		md := *m.Metadata
		md.EventPayload = maps.Clone(md.EventPayload)
		c.Metadata = &md
	}
	return c
}

// isReply reports whether m belongs to another message's thread.
func (m *Message) isReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

// parseTS turns "1700000000.000100" into microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, false
	}
	if len(frac) > 6 {
		frac = frac[:6]
	}
	frac += strings.Repeat("0", 6-len(frac))
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return s*1_000_000 + f, true
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1_000_000, micros%1_000_000)
}

func tsLess(a, b string) bool {
	x, _ := parseTS(a)
	y, _ := parseTS(b)
	return x < y
}

// nextTSLocked hands out a new, strictly increasing message timestamp.
func (s *Server) nextTSLocked() string {
	next := s.lastTS + 100
	if s.cfg.now != nil {
		next = max(s.cfg.now().UnixMicro(), s.lastTS+1)
	}
	s.lastTS = next
	return formatTS(next)
}

func (s *Server) insertLocked(m *Message) {
	list := s.channel[m.Channel]
	i, _ := slices.BinarySearchFunc(list, m.TS, func(e *Message, ts string) int {
		x, _ := parseTS(e.TS)
		y, _ := parseTS(ts)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	s.channel[m.Channel] = slices.Insert(list, i, m)
}

func (s *Server) findLocked(channel, ts string) *Message {
	for _, m := range s.channel[channel] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// AddMessage stores a message as if someone had posted it (a user's message
// to reply to, history to search). Channel is required; an empty TS gets the
// next timestamp. It returns the ts. The change is not recorded as a call.
func (s *Server) AddMessage(m Message) string {
	if m.Channel == "" {
		s.fatalf("slackfake: AddMessage needs a channel")
	}
	var us int64
	if m.TS != "" {
		var ok bool
		if us, ok = parseTS(m.TS); !ok {
			s.fatalf("slackfake: AddMessage: bad ts %q", m.TS)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.TS == "" {
		m.TS = s.nextTSLocked()
	} else if us > s.lastTS {
		s.lastTS = us
	}
	c := m.clone()
	s.insertLocked(&c)
	s.notifyLocked()
	return c.TS
}

// Messages returns every message stored for channel, top-level messages and
// thread replies alike, oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.channel[channel] {
		out = append(out, m.clone())
	}
	return out
}

// Message returns one stored message.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findLocked(channel, ts)
	if m == nil {
		return Message{}, false
	}
	return m.clone(), true
}

// Thread returns the replies whose thread_ts is threadTS, oldest first,
// without the root message itself.
func (s *Server) Thread(channel, threadTS string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.channel[channel] {
		if m.ThreadTS == threadTS && m.TS != threadTS {
			out = append(out, m.clone())
		}
	}
	return out
}

// Updates returns the successful chat.update calls on a message, in order.
func (s *Server) Updates(channel, ts string) []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Update
	for _, u := range s.updates[msgKey{channel, ts}] {
		u.Params = cloneValues(u.Params)
		out = append(out, u)
	}
	return out
}

// Ephemerals returns the ephemeral messages posted to channel ("" for all).
func (s *Server) Ephemerals(channel string) []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ephemeral
	for _, e := range s.ephem {
		if channel == "" || e.Channel == channel {
			e.Params = cloneValues(e.Params)
			out = append(out, e)
		}
	}
	return out
}

// Views returns the views opened with views.open.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.views)
}

// messageJSON renders m as conversations.history and .replies do.
func (s *Server) messageJSONLocked(m *Message, withMetadata bool) map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
	if m.User != "" {
		out["user"] = m.User
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		if m.BotID == s.cfg.botID {
			out["app_id"] = s.cfg.appID
		}
	}
	if m.Username != "" {
		out["username"] = m.Username
	}
	if m.Channel != "" {
		out["team"] = s.cfg.teamID
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if len(m.Attachments) > 0 {
		out["attachments"] = m.Attachments
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.isReply() {
		if root := s.findLocked(m.Channel, m.ThreadTS); root != nil {
			out["parent_user_id"] = root.User
		}
		if m.ReplyBroadcast {
			out["subtype"] = "thread_broadcast"
		}
	} else {
		var count int
		var latest string
		var users []string
		for _, r := range s.channel[m.Channel] {
			if r.ThreadTS == m.TS && r.TS != m.TS {
				count++
				latest = r.TS
				if r.User != "" && !slices.Contains(users, r.User) {
					users = append(users, r.User)
				}
			}
		}
		if count > 0 {
			out["thread_ts"] = m.TS
			out["reply_count"] = count
			out["reply_users_count"] = len(users)
			out["reply_users"] = users
			out["latest_reply"] = latest
		}
	}
	if m.EditedTS != "" {
		out["edited"] = map[string]any{"user": m.User, "ts": m.EditedTS}
	}
	if len(m.Reactions) > 0 {
		var rs []map[string]any
		for _, r := range m.Reactions {
			rs = append(rs, map[string]any{"name": r.Name, "users": r.Users, "count": len(r.Users)})
		}
		out["reactions"] = rs
	}
	if withMetadata && m.Metadata != nil {
		out["metadata"] = map[string]any{"event_type": m.Metadata.EventType, "event_payload": m.Metadata.EventPayload}
	}
	return out
}

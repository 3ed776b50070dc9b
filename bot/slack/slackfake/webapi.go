package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack limits the fake enforces.
const (
	maxTextRunes       = 40000 // longer text is truncated
	maxBlocks          = 50
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxSectionFieldLen = 2000
	defaultPageLimit   = 100
	maxPageLimit       = 999
)

func (s *Server) authTest(_ *apiRequest) (map[string]any, string) {
	return map[string]any{
		"url":     "https://" + s.cfg.domain + ".slack.com/",
		"team":    s.cfg.teamName,
		"user":    s.cfg.botName,
		"team_id": s.cfg.teamID,
		"user_id": s.cfg.botUserID,
		"bot_id":  s.cfg.botID,
	}, ""
}

// content is what a post or update carries.
type content struct {
	text        string
	hasText     bool
	blocks      json.RawMessage
	hasBlocks   bool
	attachments json.RawMessage
	metadata    *Metadata
}

func readContent(r *apiRequest) (content, string) {
	var c content
	if _, ok := r.params["text"]; ok {
		c.hasText = true
		c.text = r.params.Get("text")
		if utf8.RuneCountInString(c.text) > maxTextRunes {
			c.text = string([]rune(c.text)[:maxTextRunes])
		}
	}
	if _, ok := r.params["blocks"]; ok {
		c.hasBlocks = true
		raw := strings.TrimSpace(r.params.Get("blocks"))
		if code := validateBlocks(raw); code != "" {
			return c, code
		}
		if raw != "" {
			c.blocks = json.RawMessage(raw)
		}
	}
	if a := r.params.Get("attachments"); a != "" {
		if !json.Valid([]byte(a)) {
			return c, "invalid_attachments"
		}
		c.attachments = json.RawMessage(a)
	}
	if md := r.params.Get("metadata"); md != "" {
		var m struct {
			EventType    string         `json:"event_type"`
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(md), &m); err != nil {
			return c, "invalid_metadata_format"
		}
		// slack-go always marshals SlackMetadata; an empty event_type means
		// the caller set none.
		if m.EventType != "" {
			c.metadata = &Metadata{EventType: m.EventType, EventPayload: m.EventPayload, Raw: json.RawMessage(md)}
		}
	}
	return c, ""
}

func validateBlocks(raw string) string {
	if raw == "" {
		return ""
	}
	var blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Text string `json:"text"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return "invalid_blocks_format"
	}
	if len(blocks) > maxBlocks {
		return "invalid_blocks"
	}
	for _, b := range blocks {
		if b.Type == "" {
			return "invalid_blocks"
		}
		if b.Type != "section" {
			continue
		}
		if b.Text != nil && (b.Text.Text == "" || utf8.RuneCountInString(b.Text.Text) > maxSectionText) {
			return "invalid_blocks"
		}
		if b.Text == nil && len(b.Fields) == 0 {
			return "invalid_blocks"
		}
		if len(b.Fields) > maxSectionFields {
			return "invalid_blocks"
		}
		for _, f := range b.Fields {
			if utf8.RuneCountInString(f.Text) > maxSectionFieldLen {
				return "invalid_blocks"
			}
		}
	}
	return ""
}

func optBool(r *apiRequest, name string) *bool {
	if _, ok := r.params[name]; !ok {
		return nil
	}
	b := isTrue(r.params.Get(name))
	return &b
}

func isTrue(v string) bool { return v == "1" || strings.EqualFold(v, "true") }

func (s *Server) chatPostMessage(r *apiRequest) (map[string]any, string) {
	channel := r.params.Get("channel")
	if channel == "" {
		return nil, "channel_not_found"
	}
	c, code := readContent(r)
	if code != "" {
		return nil, code
	}
	if c.text == "" && c.blocks == nil && c.attachments == nil {
		return nil, "no_text"
	}
	threadTS := r.params.Get("thread_ts")
	if threadTS != "" {
		if _, ok := parseTS(threadTS); !ok {
			return nil, "invalid_thread_ts"
		}
	}
	m := &Message{
		Channel:        channel,
		TS:             s.nextTSLocked(),
		ThreadTS:       threadTS,
		User:           s.cfg.botUserID,
		BotID:          s.cfg.botID,
		Username:       r.params.Get("username"),
		Text:           c.text,
		Blocks:         c.blocks,
		Attachments:    c.attachments,
		Metadata:       c.metadata,
		UnfurlLinks:    optBool(r, "unfurl_links"),
		UnfurlMedia:    optBool(r, "unfurl_media"),
		ReplyBroadcast: isTrue(r.params.Get("reply_broadcast")),
		Params:         cloneValues(r.params),
	}
	s.insertLocked(m)
	return map[string]any{
		"channel": channel,
		"ts":      m.TS,
		"message": s.messageJSONLocked(m, true),
	}, ""
}

func (s *Server) chatUpdate(r *apiRequest) (map[string]any, string) {
	channel, ts := r.params.Get("channel"), r.params.Get("ts")
	if channel == "" {
		return nil, "channel_not_found"
	}
	m := s.findLocked(channel, ts)
	if m == nil {
		return nil, "message_not_found"
	}
	if m.BotID != s.cfg.botID {
		return nil, "cant_update_message"
	}
	c, code := readContent(r)
	if code != "" {
		return nil, code
	}
	if !c.hasText && !c.hasBlocks && c.attachments == nil {
		return nil, "no_text"
	}
	if c.hasText {
		m.Text = c.text
	}
	if c.hasBlocks {
		// An empty array removes the blocks; leaving the field out keeps them.
		m.Blocks = c.blocks
		if string(c.blocks) == "[]" {
			m.Blocks = nil
		}
	}
	if c.attachments != nil {
		m.Attachments = c.attachments
	}
	if c.metadata != nil {
		m.Metadata = c.metadata
	}
	m.EditedTS = s.nextTSLocked()
	k := msgKey{channel, ts}
	s.updates[k] = append(s.updates[k], Update{
		Channel: channel, TS: ts, Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata,
		Params: cloneValues(r.params), Time: s.now(),
	})
	return map[string]any{
		"channel": channel,
		"ts":      ts,
		"text":    m.Text,
		"message": s.messageJSONLocked(m, true),
	}, ""
}

func (s *Server) chatDelete(r *apiRequest) (map[string]any, string) {
	channel, ts := r.params.Get("channel"), r.params.Get("ts")
	m := s.findLocked(channel, ts)
	if m == nil {
		return nil, "message_not_found"
	}
	if m.BotID != s.cfg.botID {
		return nil, "cant_delete_message"
	}
	s.channel[channel] = slices.DeleteFunc(s.channel[channel], func(e *Message) bool { return e == m })
	return map[string]any{"channel": channel, "ts": ts}, ""
}

func (s *Server) chatPostEphemeral(r *apiRequest) (map[string]any, string) {
	channel, user := r.params.Get("channel"), r.params.Get("user")
	if channel == "" {
		return nil, "channel_not_found"
	}
	if user == "" {
		return nil, "user_not_in_channel"
	}
	c, code := readContent(r)
	if code != "" {
		return nil, code
	}
	if c.text == "" && c.blocks == nil && c.attachments == nil {
		return nil, "no_text"
	}
	e := Ephemeral{
		Channel: channel, User: user, TS: s.nextTSLocked(), ThreadTS: r.params.Get("thread_ts"),
		Text: c.text, Blocks: c.blocks, Params: cloneValues(r.params),
	}
	s.ephem = append(s.ephem, e)
	return map[string]any{"message_ts": e.TS}, ""
}

// Permalink is the link chat.getPermalink answers for a message.
func (s *Server) Permalink(channel, ts, threadTS string) string {
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", s.cfg.domain, channel, strings.ReplaceAll(ts, ".", ""))
	if threadTS != "" && threadTS != ts {
		link += "?thread_ts=" + threadTS + "&cid=" + channel
	}
	return link
}

func (s *Server) chatGetPermalink(r *apiRequest) (map[string]any, string) {
	channel, ts := r.params.Get("channel"), r.params.Get("message_ts")
	if channel == "" {
		return nil, "channel_not_found"
	}
	m := s.findLocked(channel, ts)
	if m == nil {
		return nil, "message_not_found"
	}
	return map[string]any{"channel": channel, "permalink": s.Permalink(channel, ts, m.ThreadTS)}, ""
}

// window is the oldest/latest/inclusive filter of history and replies.
type window struct {
	oldest, latest int64
	inclusive      bool
	limit          int
}

func readWindow(r *apiRequest) (window, string) {
	w := window{latest: 1<<62 - 1, limit: defaultPageLimit, inclusive: isTrue(r.params.Get("inclusive"))}
	if v := r.params.Get("oldest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_oldest"
		}
		w.oldest = us
	}
	if v := r.params.Get("latest"); v != "" {
		us, ok := parseTS(v)
		if !ok {
			return w, "invalid_ts_latest"
		}
		w.latest = us
	}
	if v := r.params.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return w, "invalid_limit"
		}
		if n > 0 {
			w.limit = min(n, maxPageLimit)
		}
	}
	return w, ""
}

func (w window) contains(ts string) bool {
	us, _ := parseTS(ts)
	if w.inclusive {
		return us >= w.oldest && us <= w.latest
	}
	return us > w.oldest && us < w.latest
}

func encodeCursor(ts string) string { return base64.StdEncoding.EncodeToString([]byte("ts:" + ts)) }

func decodeCursor(c string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "ts:") {
		return 0, false
	}
	return parseTS(strings.TrimPrefix(string(b), "ts:"))
}

func (s *Server) conversationsHistory(r *apiRequest) (map[string]any, string) {
	channel := r.params.Get("channel")
	if channel == "" {
		return nil, "channel_not_found"
	}
	w, code := readWindow(r)
	if code != "" {
		return nil, code
	}
	before := int64(1<<62 - 1)
	if c := r.params.Get("cursor"); c != "" {
		us, ok := decodeCursor(c)
		if !ok {
			return nil, "invalid_cursor"
		}
		before = us
	}
	withMeta := isTrue(r.params.Get("include_all_metadata"))
	list := s.channel[channel]
	var msgs []map[string]any
	hasMore, next := false, ""
	for i := len(list) - 1; i >= 0; i-- { // newest first
		m := list[i]
		us, _ := parseTS(m.TS)
		if us >= before || !w.contains(m.TS) || (m.isReply() && !m.ReplyBroadcast) {
			continue
		}
		if len(msgs) == w.limit {
			hasMore = true
			break
		}
		msgs = append(msgs, s.messageJSONLocked(m, withMeta))
		next = m.TS
	}
	out := map[string]any{"messages": nonNil(msgs), "has_more": hasMore, "pin_count": 0}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return out, ""
}

func (s *Server) conversationsReplies(r *apiRequest) (map[string]any, string) {
	channel, ts := r.params.Get("channel"), r.params.Get("ts")
	if channel == "" {
		return nil, "channel_not_found"
	}
	m := s.findLocked(channel, ts)
	if m == nil {
		return nil, "thread_not_found"
	}
	rootTS := m.TS
	if m.isReply() {
		rootTS = m.ThreadTS
	}
	root := s.findLocked(channel, rootTS)
	if root == nil {
		return nil, "thread_not_found"
	}
	w, code := readWindow(r)
	if code != "" {
		return nil, code
	}
	after := int64(-1)
	if c := r.params.Get("cursor"); c != "" {
		us, ok := decodeCursor(c)
		if !ok {
			return nil, "invalid_cursor"
		}
		after = us
	}
	withMeta := isTrue(r.params.Get("include_all_metadata"))
	// Like Slack, every page starts with the thread's parent message.
	msgs := []map[string]any{s.messageJSONLocked(root, withMeta)}
	hasMore, next, n := false, "", 0
	for _, e := range s.channel[channel] {
		if e.ThreadTS != rootTS || e.TS == rootTS {
			continue
		}
		us, _ := parseTS(e.TS)
		if us <= after || !w.contains(e.TS) {
			continue
		}
		if n == w.limit {
			hasMore = true
			break
		}
		msgs = append(msgs, s.messageJSONLocked(e, withMeta))
		next = e.TS
		n++
	}
	out := map[string]any{"messages": msgs, "has_more": hasMore}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": encodeCursor(next)}
	}
	return out, ""
}

func (s *Server) reactionsAdd(r *apiRequest) (map[string]any, string) {
	channel, ts, name := r.params.Get("channel"), r.params.Get("timestamp"), r.params.Get("name")
	if name == "" {
		return nil, "invalid_name"
	}
	name = strings.Trim(name, ":")
	m := s.findLocked(channel, ts)
	if m == nil {
		return nil, "message_not_found"
	}
	for i, re := range m.Reactions {
		if re.Name == name {
			if slices.Contains(re.Users, s.cfg.botUserID) {
				return nil, "already_reacted"
			}
			m.Reactions[i].Users = append(m.Reactions[i].Users, s.cfg.botUserID)
			return map[string]any{}, ""
		}
	}
	m.Reactions = append(m.Reactions, Reaction{Name: name, Users: []string{s.cfg.botUserID}})
	return map[string]any{}, ""
}

// AddUser makes users.info know a user (replacing one with the same ID).
func (s *Server) AddUser(u slack.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TeamID == "" {
		u.TeamID = s.cfg.teamID
	}
	s.users[u.ID] = u
}

func (s *Server) usersInfo(r *apiRequest) (map[string]any, string) {
	u, ok := s.users[r.params.Get("user")]
	if !ok {
		return nil, "user_not_found"
	}
	return map[string]any{"user": u}, ""
}

// usersList pages through the known users in id order, like Slack with a
// cursor in response_metadata.next_cursor (limit defaults to 100 here; Slack
// recommends at most 200). The bot user is listed too, as Slack does.
func (s *Server) usersList(r *apiRequest) (map[string]any, string) {
	limit := defaultPageLimit
	if l := r.params.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return nil, "invalid_limit"
		}
		limit = min(n, maxPageLimit)
	}
	after := ""
	if c := r.params.Get("cursor"); c != "" {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil || !strings.HasPrefix(string(b), "user:") {
			return nil, "invalid_cursor"
		}
		after = strings.TrimPrefix(string(b), "user:")
	}
	ids := make([]string, 0, len(s.users))
	for id := range s.users {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	next := ""
	if len(ids) > limit {
		ids = ids[:limit]
		next = base64.StdEncoding.EncodeToString([]byte("user:" + ids[limit-1]))
	}
	members := make([]slack.User, 0, len(ids))
	for _, id := range ids {
		members = append(members, s.users[id])
	}
	return map[string]any{"members": members, "cache_ts": s.now().Unix(),
		"response_metadata": map[string]any{"next_cursor": next}}, ""
}

// AddUsergroup makes usergroups.list and usergroups.users.list know a group
// (replacing one with the same ID). A group with DateDelete set is disabled.
func (s *Server) AddUsergroup(g slack.UserGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.TeamID == "" {
		g.TeamID = s.cfg.teamID
	}
	g.IsUserGroup = true
	g.Users = slices.Clone(g.Users)
	g.UserCount = len(g.Users)
	for i, old := range s.groups {
		if old.ID == g.ID {
			s.groups[i] = g
			return
		}
	}
	s.groups = append(s.groups, g)
}

// SetUsergroupUsers replaces a known group's members.
func (s *Server) SetUsergroupUsers(groupID string, users ...string) {
	s.mu.Lock()
	found := false
	for i, g := range s.groups {
		if g.ID == groupID {
			s.groups[i].Users = slices.Clone(users)
			s.groups[i].UserCount = len(users)
			found = true
		}
	}
	s.mu.Unlock()
	if !found {
		s.fatalf("slackfake: SetUsergroupUsers: unknown group %q", groupID)
	}
}

func (s *Server) usergroupsList(r *apiRequest) (map[string]any, string) {
	withUsers := isTrue(r.params.Get("include_users"))
	withDisabled := isTrue(r.params.Get("include_disabled"))
	groups := []slack.UserGroup{}
	for _, g := range s.groups {
		if g.DateDelete != 0 && !withDisabled {
			continue
		}
		if !withUsers {
			g.Users = nil
		} else {
			g.Users = slices.Clone(g.Users)
		}
		groups = append(groups, g)
	}
	return map[string]any{"usergroups": groups}, ""
}

func (s *Server) usergroupsUsersList(r *apiRequest) (map[string]any, string) {
	id := r.params.Get("usergroup")
	for _, g := range s.groups {
		if g.ID != id {
			continue
		}
		if g.DateDelete != 0 && !isTrue(r.params.Get("include_disabled")) {
			return nil, "subteam_not_found"
		}
		return map[string]any{"users": nonNil(slices.Clone(g.Users))}, ""
	}
	return nil, "no_such_subteam"
}

func (s *Server) viewsOpen(r *apiRequest) (map[string]any, string) {
	trigger := r.params.Get("trigger_id")
	if trigger == "" {
		return nil, "invalid_arguments"
	}
	if s.usedTrg[trigger] {
		return nil, "exchanged_trigger_id"
	}
	var body struct {
		View json.RawMessage `json:"view"`
	}
	_ = json.Unmarshal(r.json, &body)
	var view map[string]any
	if err := json.Unmarshal(body.View, &view); err != nil || view == nil {
		return nil, "invalid_arguments"
	}
	s.usedTrg[trigger] = true
	id := fmt.Sprintf("V%09d", len(s.views)+1)
	s.views = append(s.views, View{ID: id, TriggerID: trigger, View: body.View, Time: s.now()})
	view["id"] = id
	view["team_id"] = s.cfg.teamID
	view["app_id"] = s.cfg.appID
	view["bot_id"] = s.cfg.botID
	view["hash"] = fmt.Sprintf("%d.fakehash", len(s.views))
	if _, ok := view["state"]; !ok {
		view["state"] = map[string]any{"values": map[string]any{}}
	}
	return map[string]any{"view": view}, ""
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// conversationsOpen opens (or finds) the bot's direct message with one
// user: the same D… id for that user every time, as Slack answers.
// Several users (a group DM) are refused here: the fake has no use for them.
func (s *Server) conversationsOpen(r *apiRequest) (map[string]any, string) {
	users := r.params.Get("users")
	if users == "" {
		if r.params.Get("channel") != "" {
			return map[string]any{"channel": map[string]any{"id": r.params.Get("channel")}}, ""
		}
		return nil, "users_list_not_supplied"
	}
	if strings.Contains(users, ",") {
		return nil, "not_supported"
	}
	if _, ok := s.users[users]; !ok {
		return nil, "user_not_found"
	}
	id := DirectChannelID(users)
	return map[string]any{"no_op": true, "already_open": true,
		"channel": map[string]any{"id": id, "is_im": true, "user": users, "created": s.now().Unix()}}, ""
}

// DirectChannelID is the id of the bot's direct message channel with a
// user, as conversations.open gives it.
func DirectChannelID(user string) string { return "D" + strings.TrimPrefix(user, "U") }

// viewsPublish sets a user's Home tab, as views.publish does: the view
// must be of type home with at most 100 blocks, for a user Slack knows.
func (s *Server) viewsPublish(r *apiRequest) (map[string]any, string) {
	var body struct {
		UserID string          `json:"user_id"`
		View   json.RawMessage `json:"view"`
	}
	_ = json.Unmarshal(r.json, &body)
	if body.UserID == "" {
		body.UserID = r.params.Get("user_id")
	}
	if _, ok := s.users[body.UserID]; !ok {
		return nil, "user_not_found"
	}
	var view struct {
		Type   string            `json:"type"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(body.View, &view); err != nil || view.Type != "home" {
		return nil, "invalid_arguments"
	}
	if len(view.Blocks) > 100 {
		return nil, "invalid_blocks"
	}
	s.homes[body.UserID] = body.View
	return map[string]any{"view": map[string]any{"id": "VHOME" + body.UserID, "type": "home", "team_id": s.cfg.teamID}}, ""
}

// HomeView is the Home tab last published for a user.
func (s *Server) HomeView(user string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.homes[user]
	return v, ok
}

// HomeClick is the block_actions payload Slack sends when user presses the
// button actionID in block blockID of their Home tab, as last published:
// the container is the view ({"type":"view","view_id":…}) and the payload
// carries the view, with no channel and no message
// (docs.slack.dev/reference/interaction-payloads/block_actions-payload).
// The button's value is the one in the view. ok is false when the tab has
// no such button, so a test cannot press what Slack would not show.
func (s *Server) HomeClick(user, blockID, actionID, triggerID string) (payload []byte, ok bool) {
	s.mu.Lock()
	raw, published := s.homes[user]
	s.mu.Unlock()
	if !published {
		return nil, false
	}
	var view map[string]any
	if json.Unmarshal(raw, &view) != nil {
		return nil, false
	}
	var value string
	found := false
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		block, _ := b.(map[string]any)
		if block["block_id"] != blockID {
			continue
		}
		elements, _ := block["elements"].([]any)
		if acc, ok := block["accessory"]; ok {
			elements = append(elements, acc)
		}
		for _, e := range elements {
			el, _ := e.(map[string]any)
			if el["type"] == "button" && el["action_id"] == actionID {
				value, _ = el["value"].(string)
				found = true
			}
		}
	}
	if !found {
		return nil, false
	}
	viewID := "VHOME" + user
	view["id"], view["team_id"], view["app_id"] = viewID, s.cfg.teamID, s.cfg.appID
	view["hash"] = fmt.Sprintf("%d.%s", s.now().Unix(), viewID)
	view["state"] = map[string]any{"values": map[string]any{}}
	actionTS := fmt.Sprintf("%d.000200", s.now().Unix())
	b, _ := json.Marshal(map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": s.cfg.teamID},
		"api_app_id": s.cfg.appID,
		"token":      "",
		"container":  map[string]any{"type": "view", "view_id": viewID},
		"trigger_id": triggerID,
		"team":       map[string]any{"id": s.cfg.teamID, "domain": "example"},
		"view":       view,
		"actions": []map[string]any{{"action_id": actionID, "block_id": blockID, "value": value,
			"type": "button", "action_ts": actionTS}},
	})
	return b, true
}

package slackfake

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAPIURLEndsWithSlash(t *testing.T) {
	f := New(t)
	if got := f.APIURL(); !strings.HasSuffix(got, "/") || !strings.HasPrefix(got, "http://127.0.0.1:") {
		t.Fatalf("APIURL() = %q, want http://127.0.0.1:…/ ending in /", got)
	}
}

func TestAuthTest(t *testing.T) {
	f := New(t)
	got, err := f.Client().AuthTestContext(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != f.BotUserID() || got.BotID != f.BotID() || got.TeamID != f.TeamID() {
		t.Fatalf("auth.test = %+v, want user %s bot %s team %s", got, f.BotUserID(), f.BotID(), f.TeamID())
	}
}

func TestAuthErrors(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	tests := []struct {
		name   string
		client *slack.Client
		want   string
	}{
		{"no token", slack.New("", slack.OptionAPIURL(f.APIURL())), "not_authed"},
		{"wrong token", slack.New("xoxb-wrong", slack.OptionAPIURL(f.APIURL())), "invalid_auth"},
		{"app token", slack.New(f.AppToken(), slack.OptionAPIURL(f.APIURL())), "not_allowed_token_type"},
	}
	for _, tt := range tests {
		_, _, err := tt.client.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != tt.want {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.want)
		}
	}
	if got := f.Messages("C1"); len(got) != 0 {
		t.Fatalf("unauthorised posts stored %d messages", len(got))
	}
	if got := len(f.Calls("chat.postMessage")); got != 3 {
		t.Fatalf("recorded %d calls, want 3", got)
	}
	// The socket URL needs the app-level token, not the bot token.
	_, _, err := slack.New(f.BotToken(), slack.OptionAPIURL(f.APIURL()), slack.OptionAppLevelToken(f.BotToken())).StartSocketModeContext(ctx)
	if err == nil || err.Error() != "not_allowed_token_type" {
		t.Fatalf("apps.connections.open with bot token: err = %v", err)
	}
}

func TestPostUpdateReplies(t *testing.T) {
	f := New(t)
	api := f.Client()
	ctx := testCtx(t)
	const ch = "C0NEWS"

	meta := slack.SlackMetadata{EventType: "factdesk_outbox", EventPayload: map[string]any{"outbox_id": "ob-42"}}
	section := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Claim* under review", false, false), nil, nil)
	gotCh, rootTS, err := api.PostMessageContext(ctx, ch,
		slack.MsgOptionText("Claim under review", false),
		slack.MsgOptionBlocks(section),
		slack.MsgOptionMetadata(meta),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	)
	if err != nil {
		t.Fatal(err)
	}
	if gotCh != ch || rootTS != "1700000000.000100" {
		t.Fatalf("post = (%s, %s), want (%s, 1700000000.000100)", gotCh, rootTS, ch)
	}
	_, replyTS, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("first evidence", false), slack.MsgOptionTS(rootTS))
	if err != nil {
		t.Fatal(err)
	}
	if !tsLess(rootTS, replyTS) {
		t.Fatalf("reply ts %s not after root %s", replyTS, rootTS)
	}

	root, ok := f.Message(ch, rootTS)
	if !ok {
		t.Fatal("root message not stored")
	}
	if root.Text != "Claim under review" || root.BotID != f.BotID() || root.User != f.BotUserID() {
		t.Errorf("root = %+v", root)
	}
	if !strings.Contains(string(root.Blocks), "under review") {
		t.Errorf("root blocks = %s", root.Blocks)
	}
	if root.Metadata == nil || root.Metadata.EventType != "factdesk_outbox" || root.Metadata.EventPayload["outbox_id"] != "ob-42" {
		t.Errorf("root metadata = %+v", root.Metadata)
	}
	if root.UnfurlLinks == nil || *root.UnfurlLinks || root.UnfurlMedia == nil || *root.UnfurlMedia {
		t.Errorf("unfurl flags = %v %v, want both false", root.UnfurlLinks, root.UnfurlMedia)
	}
	if th := f.Thread(ch, rootTS); len(th) != 1 || th[0].TS != replyTS || th[0].Text != "first evidence" {
		t.Errorf("Thread = %+v", th)
	}

	// Update twice: text only keeps the blocks; the sequence is recorded.
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, rootTS, slack.MsgOptionText("Claim: false", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, rootTS, slack.MsgOptionText("Claim: misleading", false)); err != nil {
		t.Fatal(err)
	}
	ups := f.Updates(ch, rootTS)
	if len(ups) != 2 || ups[0].Text != "Claim: false" || ups[1].Text != "Claim: misleading" {
		t.Fatalf("Updates = %+v", ups)
	}
	if root, _ = f.Message(ch, rootTS); len(root.Blocks) == 0 || root.EditedTS == "" {
		t.Errorf("after update: blocks %s edited %q", root.Blocks, root.EditedTS)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, ch, "1600000000.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of unknown message: err = %v", err)
	}

	// A client checks for its outbox id before re-sending.
	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
		ChannelID: ch, Timestamp: rootTS, IncludeAllMetadata: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Timestamp != rootTS || msgs[1].Timestamp != replyTS {
		t.Fatalf("replies = %+v", msgs)
	}
	if msgs[0].Metadata.EventType != "factdesk_outbox" || msgs[0].Metadata.EventPayload["outbox_id"] != "ob-42" {
		t.Errorf("replies metadata = %+v", msgs[0].Metadata)
	}
	if msgs[0].ReplyCount != 1 || msgs[0].Text != "Claim: misleading" {
		t.Errorf("parent = %+v", msgs[0].Msg)
	}
	// Without include_all_metadata, metadata is left out.
	msgs, _, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: rootTS})
	if err != nil {
		t.Fatal(err)
	}
	if msgs[0].Metadata.EventType != "" {
		t.Errorf("metadata without include_all_metadata: %+v", msgs[0].Metadata)
	}
	// oldest excludes the reply; the parent still comes first.
	msgs, _, _, err = api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: ch, Timestamp: rootTS, Oldest: replyTS})
	if err != nil || len(msgs) != 1 {
		t.Errorf("replies with oldest=reply: %d msgs, err %v", len(msgs), err)
	}
}

func TestHistoryFiltersAndPages(t *testing.T) {
	f := New(t)
	api := f.Client()
	ctx := testCtx(t)
	var tss []string
	for i := range 5 {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(strings.Repeat("x", i+1), false),
			slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "outbox", EventPayload: map[string]any{"n": i}}))
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	// A reply does not show in history.
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("reply", false), slack.MsgOptionTS(tss[0])); err != nil {
		t.Fatal(err)
	}

	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: "C1", Oldest: tss[1], Limit: 2, IncludeAllMetadata: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 2 || h.Messages[0].Timestamp != tss[4] || h.Messages[1].Timestamp != tss[3] || !h.HasMore {
		t.Fatalf("page 1 = %d msgs has_more %v", len(h.Messages), h.HasMore)
	}
	if h.Messages[0].Metadata.EventType != "outbox" {
		t.Errorf("metadata = %+v", h.Messages[0].Metadata)
	}
	h, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: "C1", Oldest: tss[1], Limit: 2, Cursor: h.ResponseMetaData.NextCursor,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 1 || h.Messages[0].Timestamp != tss[2] || h.HasMore {
		t.Fatalf("page 2 = %+v has_more %v", h.Messages, h.HasMore)
	}
	if h.Messages[0].Metadata.EventType != "" {
		t.Errorf("metadata returned without include_all_metadata")
	}
	all, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Messages) != 5 || all.Messages[4].ReplyCount != 1 {
		t.Fatalf("full history = %d msgs, root reply_count %d", len(all.Messages), all.Messages[4].ReplyCount)
	}
}

func TestRateLimited(t *testing.T) {
	f := New(t)
	api := f.Client()
	ctx := testCtx(t)
	f.FailNext("chat.postMessage", RateLimited(7))

	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %T %v, want *slack.RateLimitedError", err, err)
	}
	if rl.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %v, want 7s", rl.RetryAfter)
	}
	if n := len(f.Messages("C1")); n != 0 {
		t.Fatalf("rate-limited post stored %d messages", n)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatalf("next post: %v", err)
	}
	calls := f.Calls("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != http.StatusTooManyRequests || calls[0].Error != "ratelimited" || calls[1].Error != "" {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[0].Params.Get("text") != "hi" || calls[0].Token != f.BotToken() {
		t.Errorf("recorded params %v token %q", calls[0].Params, calls[0].Token)
	}
}

func TestFaults(t *testing.T) {
	ctx := testCtx(t)

	t.Run("server error", func(t *testing.T) {
		f := New(t)
		f.FailNext("chat.update", ServerError())
		_, _, _, err := f.Client().UpdateMessageContext(ctx, "C1", "1.1", slack.MsgOptionText("x", false))
		var sc slack.StatusCodeError
		if !errors.As(err, &sc) || sc.Code != 500 {
			t.Fatalf("err = %v, want StatusCodeError 500", err)
		}
	})

	t.Run("slack error", func(t *testing.T) {
		f := New(t)
		f.FailNext("chat.postMessage", SlackError("channel_not_found"))
		_, _, err := f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != "channel_not_found" {
			t.Fatalf("err = %v", err)
		}
		if len(f.Messages("C1")) != 0 {
			t.Fatal("failed post stored")
		}
	})

	t.Run("lost response", func(t *testing.T) {
		f := New(t)
		f.FailNext("chat.postMessage", LostResponse())
		_, _, err := f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		if err == nil {
			t.Fatal("want an error when the connection drops")
		}
		if got := f.Messages("C1"); len(got) != 1 {
			t.Fatalf("the post should have gone through: %d messages", len(got))
		}
	})

	t.Run("timeout", func(t *testing.T) {
		f := New(t)
		f.FailNext("chat.postMessage", Timeout())
		meta := slack.SlackMetadata{EventType: "outbox", EventPayload: map[string]any{"id": "ob-1"}}
		// The client gives up once the fake has the call, not after a fixed
		// 200 ms: on a loaded machine those could pass before the request
		// arrived, and then nothing would have been posted.
		giveUp, cancel := context.WithCancel(ctx)
		defer cancel()
		errc := make(chan error, 1)
		go func() {
			_, _, err := f.Client().PostMessageContext(giveUp, "C1", slack.MsgOptionText("x", false), slack.MsgOptionMetadata(meta))
			errc <- err
		}()
		if _, err := f.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-errc:
			t.Fatalf("the client heard back (%v) from a call that hangs", err)
		default:
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want the client's own giving up", err)
		}
		// The client can find its message by metadata before re-sending.
		h, err := f.Client().GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", IncludeAllMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Messages) != 1 || h.Messages[0].Metadata.EventPayload["id"] != "ob-1" {
			t.Fatalf("history = %+v", h.Messages)
		}
		if c := f.Calls("chat.postMessage"); c[0].Fault != "hang after effect" || c[0].Status != 0 {
			t.Fatalf("call = %+v", c[0])
		}
	})

	t.Run("hang released by close", func(t *testing.T) {
		f := New(t)
		f.FailNext("auth.test", Hang())
		errc := make(chan error, 1)
		go func() {
			_, err := f.Client().AuthTestContext(ctx)
			errc <- err
		}()
		if _, err := f.WaitCalls(ctx, "auth.test", 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
		select {
		case err := <-errc:
			if err == nil {
				t.Fatal("hung call succeeded")
			}
		case <-ctx.Done():
			t.Fatal("hung call not released by Close")
		}
	})

	t.Run("queue in order", func(t *testing.T) {
		f := New(t)
		f.FailNext("reactions.add", RateLimited(1), ServerError())
		api := f.Client()
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		if err != nil {
			t.Fatal(err)
		}
		ref := slack.NewRefToMessage("C1", ts)
		for range 2 {
			if err := api.AddReactionContext(ctx, "eyes", ref); err == nil {
				t.Fatal("want a fault")
			}
		}
		if err := api.AddReactionContext(ctx, "eyes", ref); err != nil {
			t.Fatal(err)
		}
		if err := api.AddReactionContext(ctx, "eyes", ref); err == nil || err.Error() != "already_reacted" {
			t.Fatalf("second reaction: %v", err)
		}
		m, _ := f.Message("C1", ts)
		if len(m.Reactions) != 1 || m.Reactions[0].Name != "eyes" {
			t.Fatalf("reactions = %+v", m.Reactions)
		}
	})
}

func TestWaitCalls(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	go func() {
		for range 3 {
			_, _, _ = f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
		}
	}()
	calls, err := f.WaitCalls(ctx, "chat.postMessage", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || len(f.Messages("C1")) != 3 {
		t.Fatalf("calls %d messages %d", len(calls), len(f.Messages("C1")))
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := f.WaitCalls(short, "chat.postMessage", 4); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline", err)
	}
}

func TestOtherMethods(t *testing.T) {
	f := New(t)
	api := f.Client()
	ctx := testCtx(t)

	f.AddUser(slack.User{ID: "U1", Name: "ana", RealName: "Ana Editor", IsAdmin: true})
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.RealName != "Ana Editor" || !u.IsAdmin || u.TeamID != f.TeamID() {
		t.Fatalf("users.info = %+v, %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("unknown user: %v", err)
	}

	f.AddUsergroup(slack.UserGroup{ID: "S1", Handle: "desk", Name: "Verification desk", Users: []string{"U1", "U2"}})
	f.AddUsergroup(slack.UserGroup{ID: "S2", Handle: "old", Name: "Old", DateDelete: 1})
	groups, err := api.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	if err != nil || len(groups) != 1 || groups[0].Handle != "desk" || len(groups[0].Users) != 2 {
		t.Fatalf("usergroups.list = %+v, %v", groups, err)
	}
	members, err := api.GetUserGroupMembersContext(ctx, "S1")
	if err != nil || len(members) != 2 || members[1] != "U2" {
		t.Fatalf("usergroups.users.list = %v, %v", members, err)
	}
	f.SetUsergroupUsers("S1", "U3")
	if members, _ = api.GetUserGroupMembersContext(ctx, "S1"); len(members) != 1 || members[0] != "U3" {
		t.Fatalf("after SetUsergroupUsers: %v", members)
	}

	view := slack.ModalViewRequest{
		Type:  slack.VTModal,
		Title: slack.NewTextBlockObject(slack.PlainTextType, "New claim", false, false),
	}
	resp, err := api.OpenViewContext(ctx, "trig-1", view)
	if err != nil || resp.ID == "" {
		t.Fatalf("views.open = %+v, %v", resp, err)
	}
	if vs := f.Views(); len(vs) != 1 || vs[0].TriggerID != "trig-1" || !strings.Contains(string(vs[0].View), "New claim") {
		t.Fatalf("Views = %+v", vs)
	}
	if _, err := api.OpenViewContext(ctx, "trig-1", view); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Fatalf("reused trigger: %v", err)
	}
	if c := f.Calls("views.open"); c[0].Params.Get("trigger_id") != "trig-1" || len(c[0].JSON) == 0 {
		t.Fatalf("views.open call = %+v", c[0])
	}

	userTS := f.AddMessage(Message{Channel: "C1", User: "U1", Text: "is this true?"})
	_, replyTS, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("checking", false), slack.MsgOptionTS(userTS))
	if err != nil {
		t.Fatal(err)
	}
	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: replyTS})
	if err != nil || !strings.Contains(link, "/archives/C1/p"+strings.ReplaceAll(replyTS, ".", "")) || !strings.Contains(link, "thread_ts="+userTS) {
		t.Fatalf("permalink = %q, %v", link, err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", userTS, slack.MsgOptionText("edited", false)); err == nil || err.Error() != "cant_update_message" {
		t.Fatalf("updating a user's message: %v", err)
	}

	ets, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("only you", false))
	if err != nil || ets == "" {
		t.Fatalf("postEphemeral = %q, %v", ets, err)
	}
	if e := f.Ephemerals("C1"); len(e) != 1 || e[0].User != "U1" || e[0].Text != "only you" {
		t.Fatalf("Ephemerals = %+v", e)
	}
	if n := len(f.Messages("C1")); n != 2 {
		t.Fatalf("ephemeral stored as a message: %d messages", n)
	}
}

func TestBlockLimits(t *testing.T) {
	f := New(t)
	ctx := testCtx(t)
	var blocks []slack.Block
	for range 51 {
		blocks = append(blocks, slack.NewDividerBlock())
	}
	_, _, err := f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionBlocks(blocks...))
	if err == nil || err.Error() != "invalid_blocks" {
		t.Fatalf("51 blocks: %v", err)
	}
	long := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", 3001), false, false), nil, nil)
	_, _, err = f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionBlocks(long))
	if err == nil || err.Error() != "invalid_blocks" {
		t.Fatalf("3001-char section: %v", err)
	}
	_, _, err = f.Client().PostMessageContext(ctx, "C1")
	if err == nil || err.Error() != "no_text" {
		t.Fatalf("empty message: %v", err)
	}
}

func TestWithNowTimestamps(t *testing.T) {
	at := time.Unix(1750000000, 123456000)
	f := New(t, WithNow(func() time.Time { return at }))
	ctx := testCtx(t)
	_, ts1, err := f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("a", false))
	if err != nil {
		t.Fatal(err)
	}
	_, ts2, _ := f.Client().PostMessageContext(ctx, "C1", slack.MsgOptionText("b", false))
	if ts1 != "1750000000.123456" || ts2 != "1750000000.123457" {
		t.Fatalf("ts = %s, %s", ts1, ts2)
	}
	if c := f.Calls("chat.postMessage"); !c[0].Time.Equal(at) {
		t.Fatalf("call time = %v", c[0].Time)
	}
}

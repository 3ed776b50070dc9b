package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goldenfile "github.com/factdesk/factdesk/internal/golden"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// golden checks a rendering against testdata/NAME.golden.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name+".golden", got)
}

func testClaim() *workflows.Claim {
	at := time.Date(2017, 3, 20, 9, 30, 0, 0, time.UTC)
	c := &workflows.Claim{ID: 12, Statement: "140 civilians killed in the March 17 Mosul airstrike",
		Figure:  &workflows.Figure{Value: 140, Qualifier: workflows.Exact, Unit: "civilians killed"},
		FiledBy: "matrix:@rita:example.org", State: workflows.Corroborated, Decision: workflows.Pending,
		CreatedAt: at, UpdatedAt: at, StateSince: at, Version: 3}
	c.Evidence = []workflows.Evidence{
		{Source: "UN human rights office", Stance: workflows.Supports, Figure: &workflows.Figure{Value: 140, Qualifier: workflows.Exact}, URL: "https://example.org/un"},
		{Source: "Reuters", Stance: workflows.Supports, Via: "Associated Press", Quote: "at least 140 <dead>"},
	}
	return c
}

// sent is what a fake homeserver saw of one send.
type sent struct {
	Room    string
	Type    string
	TxnID   string
	Content json.RawMessage
}

type fakeSender struct {
	sends []sent
	err   error
}

func (f *fakeSender) Messages(ctx context.Context, roomID id.RoomID, from, to string, dir mautrix.Direction, filter *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error) {
	resp := &mautrix.RespMessages{}
	for i := len(f.sends) - 1; i >= 0; i-- {
		s := f.sends[i]
		resp.Chunk = append(resp.Chunk, &event.Event{ID: id.EventID("$" + s.TxnID), Sender: "@desk:example.org",
			Type: event.Type{Type: s.Type, Class: event.MessageEventType}, Content: event.Content{VeryRaw: s.Content}})
	}
	return resp, nil
}

func (f *fakeSender) SendMessageEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, content any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	if f.err != nil {
		return nil, f.err
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	f.sends = append(f.sends, sent{Room: roomID.String(), Type: eventType.Type, TxnID: extra[0].TransactionID, Content: raw})
	return &mautrix.RespSendEvent{EventID: id.EventID("$" + extra[0].TransactionID)}, nil
}

type fakeStore struct {
	Store
	messages map[int64]string
}

func (f fakeStore) MatrixInboundMessage(ctx context.Context, inboxID int64) (string, error) {
	return f.messages[inboxID], nil
}

func TestDeliverGolden(t *testing.T) {
	card := workflows.CardMessage(testClaim(), workflows.DefaultRules().Assess(testClaim().Figure, testClaim().Evidence))
	cases := []struct {
		name string
		del  workflows.Delivery
	}{
		{"card", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 41, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindCard, ClaimID: 12, Message: card}}},
		{"card_update", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 42, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindCardUpdate, ClaimID: 12, Message: card}, CardID: "$card"}},
		{"reply_in_thread", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 43, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindReply, ClaimID: 12, InboxID: 7,
			Message: workflows.Message{Title: "#12", Text: "rita added evidence: Reuters supports. Now corroborated"}}, ThreadRoot: "$card"}},
		{"notice_in_thread", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 44, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindNotice, ClaimID: 12,
			Message: workflows.Message{Title: "#12", Text: "ed approved #12", Tone: workflows.ToneSuccess}}, ThreadRoot: "$card"}},
		{"error_reply", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 45, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindReply, InboxID: 8,
			Message: workflows.Message{Text: "only editors can approve claims", Tone: workflows.ToneError}}}},
		{"list_post", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 46, Platform: Platform, Channel: "!desk:example.org", Kind: workflows.KindPost,
			Message: workflows.ListMessage("Pending claims", []workflows.Claim{*testClaim()})}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeSender{}
			d := &Deliverer{Client: f, Store: fakeStore{messages: map[int64]string{7: "$evidence-command", 8: "$approve-command"}}}
			remote, err := d.Deliver(context.Background(), tc.del)
			if err != nil {
				t.Fatal(err)
			}
			if want := "$" + TxnID(tc.del.ID, 0); remote != want {
				t.Errorf("remote id = %q, want %q", remote, want)
			}
			if len(f.sends) != 1 {
				t.Fatalf("%d sends, want 1", len(f.sends))
			}
			var pretty map[string]any
			_ = json.Unmarshal(f.sends[0].Content, &pretty)
			var out bytes.Buffer
			enc := json.NewEncoder(&out)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			_ = enc.Encode(map[string]any{"room": f.sends[0].Room, "type": f.sends[0].Type, "txn_id": f.sends[0].TxnID, "content": pretty})
			golden(t, tc.name, out.Bytes())
		})
	}
}

// TestHostileInputIsEscaped: everything people write is text, never markup.
func TestHostileInputIsEscaped(t *testing.T) {
	hostile := `<script>alert(1)</script><a href="https://evil.example">x</a> & <img src=x onerror=alert(2)> "quoted" 'single'`
	m := workflows.Message{Title: hostile, Text: hostile + "\nsecond line", Fields: []workflows.Field{{Label: hostile, Value: hostile}},
		Items: []string{hostile}, Footer: hostile}
	c := Content(m, true)
	for _, bad := range []string{"<script", "<a ", "<img", `"quoted"`, "'single'", "& "} {
		if strings.Contains(c.FormattedBody, bad) {
			t.Errorf("formatted_body contains %q unescaped:\n%s", bad, c.FormattedBody)
		}
	}
	if !strings.Contains(c.FormattedBody, "&lt;script&gt;") || !strings.Contains(c.FormattedBody, "second line") {
		t.Errorf("formatted_body lost the text:\n%s", c.FormattedBody)
	}
	if !strings.Contains(c.Body, hostile) {
		t.Errorf("the plain body must keep the text as written:\n%s", c.Body)
	}
	if c.MsgType != event.MsgNotice || c.Format != event.FormatHTML {
		t.Errorf("msgtype %q format %q", c.MsgType, c.Format)
	}
}

// TestSplitKeepsEventsSmall: a long list within Limits renders as events
// well under the 64 KiB event limit, even as an edit of escaped text.
func TestSplitKeepsEventsSmall(t *testing.T) {
	item := strings.Repeat(`&<>"`, 300) // 1,200 characters that all escape
	m := workflows.Message{Title: "History of #1"}
	for range 200 {
		m.Items = append(m.Items, item)
	}
	parts := workflows.Split(m, Limits)
	if len(parts) < 2 {
		t.Fatalf("a %d-character message was not split", m.Size())
	}
	seen := 0
	for i, p := range parts {
		seen += len(p.Items)
		for _, it := range p.Items {
			if utf8.RuneCountInString(it) > Limits.MaxItemChars {
				t.Errorf("part %d has an item of %d characters", i, utf8.RuneCountInString(it))
			}
		}
		raw, _ := json.Marshal(Content(p, false))
		if len(raw) > 50*1024 {
			t.Errorf("part %d renders to %d bytes", i, len(raw))
		}
	}
	if seen != 200 {
		t.Errorf("parts carry %d items, want 200", seen)
	}
}

func TestFitCutsWhatLimitsMissed(t *testing.T) {
	c := fit(Content(workflows.Message{Text: strings.Repeat("&", 100_000)}, false))
	raw, _ := json.Marshal(Edit("$x", c))
	if len(raw) > 60*1024 {
		t.Fatalf("an oversized message is still %d bytes", len(raw))
	}
	if c.FormattedBody != "" || !strings.HasSuffix(c.Body, "…") {
		t.Errorf("an oversized message should drop its HTML and mark the cut")
	}
}

func TestRelation(t *testing.T) {
	if r := Relation("", ""); r != nil {
		t.Errorf("no thread, no reply: %+v", r)
	}
	r := Relation("$root", "")
	if r.Type != event.RelThread || r.EventID != "$root" || r.InReplyTo.EventID != "$root" || !r.IsFallingBack {
		t.Errorf("thread fallback: %+v", r)
	}
	r = Relation("$root", "$cmd")
	if r.Type != event.RelThread || r.InReplyTo.EventID != "$cmd" || r.IsFallingBack {
		t.Errorf("reply in thread: %+v", r)
	}
	r = Relation("", "$cmd")
	if r.Type != "" || r.InReplyTo.EventID != "$cmd" {
		t.Errorf("plain reply: %+v", r)
	}
}

// TestRateLimitIsRetryLater runs the real client against a homeserver that
// answers 429.
func TestRateLimitIsRetryLater(t *testing.T) {
	cases := []struct {
		name   string
		header string
		body   string
		want   time.Duration
	}{
		{"Retry-After", "7", `{"errcode":"M_LIMIT_EXCEEDED","error":"slow down"}`, 7 * time.Second},
		{"retry_after_ms", "", `{"errcode":"M_LIMIT_EXCEEDED","error":"slow down","retry_after_ms":2500}`, 2500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(r.URL.Path, "/send/m.room.message/factdesk-9-0") {
					t.Errorf("sent to %s", r.URL.Path)
				}
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			cli, _ := mautrix.NewClient(srv.URL, "@desk:example.org", "token")
			d := &Deliverer{Client: cli}
			_, err := d.Deliver(context.Background(), workflows.Delivery{Outgoing: workflows.Outgoing{ID: 9, Channel: "!r:example.org", Kind: workflows.KindPost, Message: workflows.Message{Text: "hi"}}})
			var later *workflows.RetryLater
			if !errors.As(err, &later) || later.After != tc.want {
				t.Fatalf("err = %v, want RetryLater after %s", err, tc.want)
			}
		})
	}
}

func TestForbiddenIsPermanent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"errcode":"M_FORBIDDEN","error":"not in room"}`))
	}))
	defer srv.Close()
	cli, _ := mautrix.NewClient(srv.URL, "@desk:example.org", "token")
	_, err := (&Deliverer{Client: cli}).Deliver(context.Background(), workflows.Delivery{Outgoing: workflows.Outgoing{ID: 1, Channel: "!r:x", Kind: workflows.KindPost}})
	if !workflows.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

// TestResendFindsTheEarlierEvent: a row that may have been sent before a
// crash is looked up in the room instead of being sent twice.
func TestResendFindsTheEarlierEvent(t *testing.T) {
	f := &fakeSender{}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := &Deliverer{Client: f, Account: "@desk:example.org"}
	row := workflows.Delivery{Outgoing: workflows.Outgoing{ID: 5, Channel: "!r:x", Kind: workflows.KindCard, CreatedAt: now,
		Message: workflows.Message{Title: "#1 · unverified"}}}
	first, err := d.Deliver(context.Background(), row)
	if err != nil {
		t.Fatal(err)
	}
	row.MaybeSent = true // as after a crash: the row was leased before
	again, err := d.Deliver(context.Background(), row)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || len(f.sends) != 1 {
		t.Fatalf("resend gave %q (first %q) after %d sends; want the first event and one send", again, first, len(f.sends))
	}
	other := row
	other.ID = 6
	if _, err := d.Deliver(context.Background(), other); err != nil || len(f.sends) != 2 {
		t.Fatalf("an old row never sent was not sent: %v, %d sends", err, len(f.sends))
	}
}

// TestEveryMessageMentionsOnlyWhomItMeans: every event the desk sends
// carries m.mentions (the edit's m.new_content too), empty unless the
// message is for one person, so text it repeats (a statement with "@room",
// a source named like a colleague) notifies nobody.
func TestEveryMessageMentionsOnlyWhomItMeans(t *testing.T) {
	hostile := workflows.Message{Title: "#12", Text: "@room: @ana:example.org said Ana was there"}
	for _, tc := range []struct {
		name string
		del  workflows.Delivery
		want []string
	}{
		{"card", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 1, Channel: "!d:x", Kind: workflows.KindCard, Message: hostile}}, nil},
		{"card_update", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 2, Channel: "!d:x", Kind: workflows.KindCardUpdate, Message: hostile}, CardID: "$card"}, nil},
		{"reply", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 3, Channel: "!d:x", Kind: workflows.KindReply, InboxID: 7, Message: hostile}}, nil},
		{"notice", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 4, Channel: "!d:x", Kind: workflows.KindNotice, Message: hostile}, ThreadRoot: "$card"}, nil},
		{"digest", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 5, Channel: "!d:x", Kind: workflows.KindPost, Message: hostile}}, nil},
		{"for one editor", workflows.Delivery{Outgoing: workflows.Outgoing{ID: 6, Channel: "!d:x", Kind: workflows.KindNotice, User: "@ed:x", Message: hostile}, ThreadRoot: "$card"}, []string{"@ed:x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeSender{}
			d := &Deliverer{Client: f, Store: fakeStore{messages: map[int64]string{7: "$cmd"}}}
			if _, err := d.Deliver(context.Background(), tc.del); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Mentions   *event.Mentions `json:"m.mentions"`
				NewContent *struct {
					Mentions *event.Mentions `json:"m.mentions"`
				} `json:"m.new_content"`
			}
			if err := json.Unmarshal(f.sends[0].Content, &got); err != nil {
				t.Fatal(err)
			}
			check := func(where string, m *event.Mentions) {
				if m == nil {
					t.Errorf("%s has no m.mentions: %s", where, f.sends[0].Content)
					return
				}
				var ids []string
				for _, u := range m.UserIDs {
					ids = append(ids, u.String())
				}
				if m.Room || strings.Join(ids, ",") != strings.Join(tc.want, ",") {
					t.Errorf("%s mentions %+v, want exactly %v", where, m, tc.want)
				}
			}
			check("the event", got.Mentions)
			if tc.del.Kind == workflows.KindCardUpdate {
				if got.NewContent == nil {
					t.Fatal("the edit has no m.new_content")
				}
				check("m.new_content", got.NewContent.Mentions)
			}
		})
	}
}

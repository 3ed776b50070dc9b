package slackfake

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// verify checks r the way an HTTP-mode handler must: raw body first.
func verify(t *testing.T, r *http.Request, secret string) ([]byte, error) {
	t.Helper()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sv, err := slack.NewSecretsVerifier(r.Header, secret)
	if err != nil {
		return body, err
	}
	_, _ = sv.Write(body)
	return body, sv.Ensure()
}

func TestSignedRequestVerifies(t *testing.T) {
	body := EventCallbackJSON(EventCallback{EventID: "Ev9", Event: Event{
		User: "U1", Text: "hello", Channel: "C1", TS: "1700000001.000200", ThreadTS: "1700000001.000100",
	}})
	r := SignedRequest(secret, "http://example.invalid/slack/events", body, time.Now())
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("content type = %q", r.Header.Get("Content-Type"))
	}
	if _, err := verify(t, r, secret); err != nil {
		t.Fatalf("valid signature rejected: %v", err)
	}
	r = SignedRequest(secret, "http://example.invalid/slack/events", body, time.Now())
	if _, err := verify(t, r, "other-secret"); err == nil {
		t.Fatal("wrong secret accepted")
	}
	r = SignedRequest(secret, "http://example.invalid/slack/events", body, time.Now().Add(-6*time.Minute))
	if _, err := verify(t, r, secret); err == nil {
		t.Fatal("stale timestamp accepted")
	}

	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || msg.ThreadTimeStamp != "1700000001.000100" || msg.Text != "hello" || ev.TeamID != DefaultTeamID {
		t.Fatalf("parsed = %+v / %+v", ev, ev.InnerEvent.Data)
	}
	bot := EventCallbackJSON(EventCallback{Event: Event{BotID: "B1", Text: "x", Channel: "C1", TS: "1.1"}})
	ev, _ = slackevents.ParseEvent(bot, slackevents.OptionNoVerifyToken())
	if m := ev.InnerEvent.Data.(*slackevents.MessageEvent); m.BotID != "B1" {
		t.Fatalf("bot_id = %q", m.BotID)
	}
}

func TestSignedSlashCommandAndInteraction(t *testing.T) {
	form := SlashCommandForm(slack.SlashCommand{Command: "/claim", Text: "a & b", UserID: "U1", ChannelID: "C1", ResponseURL: "https://hooks.example/1"})
	body := []byte(form.Encode())
	var got slack.SlashCommand
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := verify(t, r, secret); err != nil {
			t.Errorf("verify: %v", err)
		}
		var err error
		if got, err = slack.SlashCommandParse(r); err != nil {
			t.Errorf("parse: %v", err)
		}
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, SignedRequest(secret, "http://example.invalid/slack/commands", body, time.Now()))
	if got.Command != "/claim" || got.Text != "a & b" || got.TeamID != DefaultTeamID || got.ResponseURL != "https://hooks.example/1" {
		t.Fatalf("slash command = %+v", got)
	}

	payload := BlockActionsJSON(BlockActions{
		UserID: "U2", ChannelID: "C1", MessageTS: "1700000000.000100", TriggerID: "t1",
		Actions: []BlockAction{{ActionID: "assign", BlockID: "claim-7", Value: "7"}},
	})
	body = []byte(InteractionForm(payload).Encode())
	var cb slack.InteractionCallback
	h = func(w http.ResponseWriter, r *http.Request) {
		if _, err := verify(t, r, secret); err != nil {
			t.Errorf("verify: %v", err)
		}
		var err error
		if cb, err = slack.InteractionCallbackParse(r); err != nil {
			t.Errorf("parse: %v", err)
		}
	}
	req := SignedRequest(secret, "http://example.invalid/slack/interactions", body, time.Now())
	SetRetry(req, 1, "http_timeout")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "U2" || cb.TriggerID != "t1" ||
		len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].ActionID != "assign" ||
		cb.Container.MessageTs != "1700000000.000100" {
		t.Fatalf("interaction = %+v", cb)
	}
	if req.Header.Get("X-Slack-Retry-Num") != "1" {
		t.Fatal("retry header not set")
	}
}

func TestEventIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewEventID()
		if seen[id] {
			t.Fatalf("duplicate event id %s", id)
		}
		seen[id] = true
	}
}

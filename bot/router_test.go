package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/bot/bottest"
	"github.com/factdesk/factdesk/workflows"
)

// only returns the one message of kind in sent, or fails.
func only(t *testing.T, sent []bottest.Sent, kind workflows.OutboxKind) bottest.Sent {
	t.Helper()
	var got []bottest.Sent
	for _, s := range sent {
		if s.Kind == kind {
			got = append(got, s)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d %s messages, want 1: %+v", len(got), kind, sent)
	}
	return got[0]
}

func claim(t *testing.T, d *bottest.Desk, id int64) *workflows.Claim {
	t.Helper()
	c, err := d.DB.Claim(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRouterFilesAClaimAndReadsItsThread(t *testing.T) {
	d := bottest.New(t)
	sent := d.Say("rita", "newsroom", "", "claim 140 civilians killed in Mosul")
	card := only(t, sent, workflows.KindCard)
	if card.ClaimID != 1 || !strings.Contains(card.Text(), "140 civilians killed in Mosul") {
		t.Fatalf("card = %+v", card)
	}
	if reply := only(t, sent, workflows.KindReply); reply.Thread != card.ID {
		t.Errorf("the filing reply went to thread %q, want the card's thread %q", reply.Thread, card.ID)
	}

	// In the card's thread the claim needs no id.
	sent = d.Say("rita", "newsroom", card.ID, `evidence supports source="UN" figure=140`)
	if upd := only(t, sent, workflows.KindCardUpdate); upd.Edits != card.ID || !strings.Contains(upd.Text(), "UN supports: 140") {
		t.Errorf("card update = %+v, want an edit of %s naming the UN's 140", upd, card.ID)
	}
	if c := claim(t, d, 1); len(c.Evidence) != 1 || c.Evidence[0].Source != "UN" {
		t.Errorf("claim #1 evidence = %+v", c.Evidence)
	}
}

func TestRouterRedeliveryHasNoSecondEffect(t *testing.T) {
	d := bottest.New(t)
	ev := d.Event("rita", "newsroom", "", "claim 40 people were injured")
	if sent := d.Deliver(ev); len(sent) == 0 {
		t.Fatal("the first delivery sent nothing")
	}
	if sent := d.Deliver(ev); len(sent) != 0 {
		t.Errorf("a redelivered event sent %d more messages: %+v", len(sent), sent)
	}
	if _, err := d.DB.Claim(context.Background(), 2); workflows.ErrorCode(err) != workflows.ENOTFOUND {
		t.Errorf("a second claim exists after a redelivery (err %v)", err)
	}
}

func TestRouterRefusalsAnswerAndChangeNothing(t *testing.T) {
	d := bottest.New(t, bottest.Editors("eve"))
	card := only(t, d.Say("rita", "newsroom", "", "claim 140 civilians killed in Mosul"), workflows.KindCard)
	for _, tc := range []struct {
		who, thread, text, want string
	}{
		{"rita", card.ID, "approve", "only editors"},
		{"rita", "", "aprove 1", "did you mean approve?"},
		{"rita", "", "claim", "usage"},
		{"rita", "", "claim \u200b\u200b\u202e", "usage"},
		{"rita", "", "claim \u2060\ufeff \u3164\u0301", "usage"},
		{"rita", "", "edit 1 \u200b", "usage"},
		{"rita", card.ID, "evidence supports source=\"\u200b\u200d\"", "needs a source"},
		{"eve", card.ID, "reject", "reason"},
		{"eve", card.ID, "reject \u200b\u202e", "reason"},
		{"eve", card.ID, "approve", "unverified"},
		{"rita", "", "show 99", "#99"},
	} {
		sent := d.Say(tc.who, "newsroom", tc.thread, tc.text)
		reply := only(t, sent, workflows.KindReply)
		if !strings.Contains(strings.ToLower(reply.Text()), strings.ToLower(tc.want)) {
			t.Errorf("%s: %q answered %q, want it to mention %q", tc.who, tc.text, reply.Text(), tc.want)
		}
		for _, s := range sent {
			if s.Kind != workflows.KindReply {
				t.Errorf("%q, refused, also sent a %s", tc.text, s.Kind)
			}
		}
	}
	if c := claim(t, d, 1); c.Version != 1 || c.Decision != workflows.Pending {
		t.Errorf("after refusals claim #1 is version %d, %s; want version 1, pending", c.Version, c.Decision)
	}
}

func TestRouterEditorDecidesInTheThread(t *testing.T) {
	d := bottest.New(t, bottest.Editors("eve"))
	card := only(t, d.Say("rita", "newsroom", "", "claim 140 civilians killed in Mosul"), workflows.KindCard)
	d.Say("rita", "newsroom", card.ID, `evidence supports source="UN" figure=140`)
	d.Say("rita", "newsroom", card.ID, `evidence supports source="Reuters" figure=140`)
	sent := d.Say("eve", "newsroom", card.ID, "approve")
	if upd := only(t, sent, workflows.KindCardUpdate); !strings.Contains(upd.Text(), "approved") {
		t.Errorf("card after approval:\n%s", upd.Text())
	}
	c := claim(t, d, 1)
	if c.Decision != workflows.Approved || c.DecidedBy != "test:eve" {
		t.Errorf("claim #1: %s by %q, want approved by test:eve", c.Decision, c.DecidedBy)
	}
}

// TestPlainNameSaysWhy: a refused name is refused for its own reason.
func TestPlainNameSaysWhy(t *testing.T) {
	for _, tc := range []struct{ name, why string }{
		{"ev\x1b[31mil", "control or text-direction"},
		{"\u202eeditor", "control or text-direction"},
		{"two words", "one word"},
		{"edi\u200btor", "invisible"},
		{"FactDesk", "the desk's own name"},
	} {
		_, err := bot.PlainName(tc.name)
		if err == nil || !strings.Contains(workflows.ErrorMessage(err), tc.why) {
			t.Errorf("PlainName(%q): %v, want a reason naming %q", tc.name, err, tc.why)
		}
	}
	if got, err := bot.PlainName("@rita"); err != nil || got != "rita" {
		t.Errorf("PlainName(@rita) = %q, %v", got, err)
	}
}

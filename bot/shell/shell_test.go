package shell

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/golden"

	"github.com/factdesk/factdesk/workflows"
)

func sampleClaim() *workflows.Claim {
	at := time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)
	return &workflows.Claim{
		ID: 12, Statement: "140 civilians killed in the March 17 strike, per the UN human rights office",
		Figure:  &workflows.Figure{Value: 140, Qualifier: workflows.Exact, Unit: "civilians killed"},
		FiledBy: "shell:rita", State: workflows.Disputed, Decision: workflows.Pending, CreatedAt: at, Version: 4,
		Evidence: []workflows.Evidence{
			{Source: "UN human rights office", Stance: workflows.Supports, Figure: &workflows.Figure{Value: 140, Qualifier: workflows.Exact}},
			{Source: "Iraqi army", Stance: workflows.Supports, Figure: &workflows.Figure{Value: 3864, Qualifier: workflows.UpTo}, Via: "Reuters"},
		},
	}
}

func TestRenderGolden(t *testing.T) {
	c := sampleClaim()
	card := workflows.CardMessage(c, workflows.DefaultRules().Assess(c.Figure, c.Evidence))
	var b strings.Builder
	for _, d := range []workflows.Delivery{
		{Outgoing: workflows.Outgoing{Kind: workflows.KindCard, Message: card}},
		{Outgoing: workflows.Outgoing{Kind: workflows.KindCardUpdate, Message: card}},
		{Outgoing: workflows.Outgoing{Kind: workflows.KindNotice, Message: workflows.Message{Title: "#12", Text: "ed approved #12"}}},
		{Outgoing: workflows.Outgoing{Kind: workflows.KindReply, Message: workflows.Message{Text: "no claim #99", Tone: workflows.ToneError}}},
		{Outgoing: workflows.Outgoing{Kind: workflows.KindReply, Message: workflows.ListMessage("Claims: disputed", []workflows.Claim{*c})}},
	} {
		b.WriteString(Render(d))
		b.WriteString("---\n")
	}
	golden.Check(t, "render.golden", []byte(b.String()))
}

// TestTranscriptDeliversOnce: a row already in the transcript (written just
// before a crash) is not written again after a restart.
func TestTranscriptDeliversOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "transcript.log")
	row := workflows.Delivery{Outgoing: workflows.Outgoing{ID: 7, Kind: workflows.KindReply, Message: workflows.Message{Text: "#3 filed"}}}
	var first bytes.Buffer
	d, err := NewDeliverer(&first, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deliver(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	d.Close()
	var second bytes.Buffer
	d2, err := NewDeliverer(&second, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if _, err := d2.Deliver(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	row.ID = 8
	if _, err := d2.Deliver(context.Background(), row); err != nil {
		t.Fatal(err)
	}
	if first.String() != "#3 filed\n" || second.String() != "#3 filed\n" {
		t.Errorf("first run wrote %q, second %q; want each line once", first.String(), second.String())
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "@outbox "); n != 2 {
		t.Errorf("transcript has %d records, want 2", n)
	}
}

// TestRenderTitleAndList: a one-line answer shares its title's line; a
// numbered list starts under its title, as the README shows ingest's.
func TestRenderTitleAndList(t *testing.T) {
	one := Render(workflows.Delivery{Outgoing: workflows.Outgoing{Kind: workflows.KindReply,
		Message: workflows.Message{Title: "#1 filed", Text: "unverified"}}})
	if one != "#1 filed: unverified\n" {
		t.Errorf("one line: %q", one)
	}
	list := Render(workflows.Delivery{Outgoing: workflows.Outgoing{Kind: workflows.KindReply,
		Message: workflows.Message{Title: "2 figures in pasted text", Text: "1. 40 killed (ministry)\n2. 60 killed (UN)\n"}}})
	if want := "2 figures in pasted text\n1. 40 killed (ministry)\n2. 60 killed (UN)\n"; list != want {
		t.Errorf("a list:\n%q\nwant\n%q", list, want)
	}
}

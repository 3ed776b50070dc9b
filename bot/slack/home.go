package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/workflows"
)

// homeEvent is the part of an app_home_opened event the desk reads.
type homeEvent struct {
	Type string `json:"type"`
	User string `json:"user"`
	Tab  string `json:"tab"`
}

// homeOpened answers app_home_opened on the Home tab: a refresh of the
// person's queue is written to the outbox before Slack hears back, and the
// dispatcher draws it. It reports whether the event was one.
func (a *Adapter) homeOpened(ctx context.Context, cb callback) bool {
	var ev homeEvent
	if cb.Type != "event_callback" || json.Unmarshal(cb.Event, &ev) != nil || ev.Type != "app_home_opened" {
		return false
	}
	if ev.Tab != "home" || ev.User == "" || a.foreign(cb.TeamID) {
		return true
	}
	if err := a.router.RefreshHome(ctx, workflows.Actor{Platform: Platform, ID: ev.User}); err != nil {
		a.log.Warn("queueing a home view", "user", ev.User, "err", err)
	}
	return true
}

// publishHome draws a person's Home tab from their queue as it is now.
func (a *Adapter) publishHome(ctx context.Context, user string) error {
	q, err := a.router.Queue(ctx, workflows.Actor{Platform: Platform, ID: user}, "")
	if err != nil {
		return err
	}
	_, err = a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: HomeView(q)})
	return a.classify("", err)
}

// maxHomeBlocks is Slack's limit on blocks in a Home tab view
// (docs.slack.dev/reference/views/home-tab-views).
const maxHomeBlocks = 100

// HomeView renders a person's queue as their Home tab: claims assigned to
// them, claims they filed that lack sources, for editors the claims
// waiting for a decision (corroborated first, then disputed with their
// spread), each with its buttons, and the switch for direct notices.
// Statements are escaped. A click there comes without a channel: its
// answer goes to the person's direct messages (see click). Claims that do
// not fit in Slack's 100 blocks are left out whole, with a line that says
// so.
func HomeView(q workflows.Queue) slack.HomeTabViewRequest {
	// Each claim is a group of blocks (its line and its buttons), kept or
	// left out whole.
	var groups [][]slack.Block
	mdSection := func(text string) *slack.SectionBlock {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
	}
	note := func(blockID, text string) *slack.ContextBlock {
		return slack.NewContextBlock(blockID, slack.NewTextBlockObject(slack.MarkdownType, text, false, false))
	}
	claimGroup := func(list string, c workflows.Claim, extra string, keep ...string) []slack.Block {
		text := mrkdwn.Escape(workflows.Shorten(workflows.ClaimLine(c), 2900)) + extra
		var actions []workflows.Button
		for _, b := range workflows.ClaimActions(c) {
			if slices.Contains(keep, b.ID) {
				actions = append(actions, b)
			}
		}
		g := []slack.Block{mdSection(text)}
		if len(actions) > 0 {
			// Block ids are unique in the view: the list and the claim.
			g = append(g, buttons(fmt.Sprintf("%s_%d", list, c.ID), actions))
		}
		return g
	}
	section := func(title, empty string, claims [][]slack.Block) {
		groups = append(groups, []slack.Block{slack.NewHeaderBlock(plain(title))})
		if len(claims) == 0 {
			groups = append(groups, []slack.Block{note("", empty)})
		}
		groups = append(groups, claims...)
	}
	var assigned, unsourced, decide [][]slack.Block
	for _, c := range q.Assigned {
		assigned = append(assigned, claimGroup("assigned", c, "", actEvidence))
	}
	for _, c := range q.Unsourced {
		unsourced = append(unsourced, claimGroup("unsourced", c, "", actEvidence))
	}
	for _, c := range q.Decide {
		spread := ""
		if lo, hi := c.Assessment.Low, c.Assessment.High; c.State == workflows.Disputed && lo != nil && hi != nil {
			spread = "\n_Spread:_ " + mrkdwn.Escape(fmt.Sprintf("%s (%s) to %s (%s)", lo.Figure.String(), lo.Source, hi.Figure.String(), hi.Source))
		} else if c.Assessment.Conflict != "" {
			spread = "\n_Spread:_ " + mrkdwn.Escape(c.Assessment.Conflict)
		}
		decide = append(decide, claimGroup("decide", c.Claim, spread, actApprove, actReject, actEvidence))
	}
	section("Assigned to you", "Nothing is assigned to you.", assigned)
	section("Filed by you, without sources", "Every claim you filed has a source.", unsourced)
	if q.Editor {
		section("Waiting for your decision", "No claim is waiting for a decision.", decide)
	}

	notice, label, value := "Direct notices are *on*: you are told privately when your claims are assigned, disputed, approved or rejected (or say `notify off`).", "Turn off", "off"
	if q.NotifyOff {
		notice, label, value = "Direct notices are *off* (or say `notify on`).", "Turn on", "on"
	}
	toggle := slack.NewButtonBlockElement(actNotify, value, plain(label))
	tail := []slack.Block{slack.NewDividerBlock(),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, notice, false, false), nil,
			slack.NewAccessory(toggle), slack.SectionBlockOptionBlockID("notify"))}

	room := maxHomeBlocks - len(tail) - 1 // one for the "more" line
	var blocks []slack.Block
	cut := false
	for _, g := range groups {
		if len(blocks)+len(g) > room {
			cut = true
			break
		}
		blocks = append(blocks, g...)
	}
	if cut {
		blocks = append(blocks, note("more", "More claims than fit here: use `list` in a channel."))
	}
	blocks = append(blocks, tail...)
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

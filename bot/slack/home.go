package slack

import (
	"context"
	"encoding/json"
	"fmt"

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

// maxHomeBlocks is Slack's limit on blocks in a Home tab view.
const maxHomeBlocks = 100

// HomeView renders a person's queue as their Home tab: claims assigned to
// them, claims they filed that lack sources, for editors the claims
// waiting for a decision (corroborated first, then disputed with their
// spread), and whether direct notices are on. Statements are escaped.
func HomeView(q workflows.Queue) slack.HomeTabViewRequest {
	var blocks []slack.Block
	section := func(title, empty string, lines []string) {
		blocks = append(blocks, slack.NewHeaderBlock(plain(title)))
		if len(lines) == 0 {
			blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, empty, false, false)))
			return
		}
		for _, l := range lines {
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, l, false, false), nil, nil))
		}
	}
	line := func(c workflows.Claim) string {
		return mrkdwn.Escape(workflows.Shorten(workflows.ClaimLine(c), 2900))
	}
	var assigned, unsourced, decide []string
	for _, c := range q.Assigned {
		assigned = append(assigned, line(c))
	}
	for _, c := range q.Unsourced {
		unsourced = append(unsourced, line(c)+"\n_Add a source:_ `evidence "+fmt.Sprint(c.ID)+" supports source=\"…\"`")
	}
	for _, c := range q.Decide {
		l := line(c.Claim)
		if lo, hi := c.Assessment.Low, c.Assessment.High; c.State == workflows.Disputed && lo != nil && hi != nil {
			l += "\n_Spread:_ " + mrkdwn.Escape(fmt.Sprintf("%s (%s) to %s (%s)", lo.Figure.String(), lo.Source, hi.Figure.String(), hi.Source))
		} else if c.Assessment.Conflict != "" {
			l += "\n_Spread:_ " + mrkdwn.Escape(c.Assessment.Conflict)
		}
		decide = append(decide, l)
	}
	section("Assigned to you", "Nothing is assigned to you.", assigned)
	section("Filed by you, without sources", "Every claim you filed has a source.", unsourced)
	if q.Editor {
		section("Waiting for your decision", "No claim is waiting for a decision.", decide)
	}
	notice := "Direct notices are *on*: you are told privately when your claims are assigned, disputed, approved or rejected. Say `notify off` to stop them."
	if q.NotifyOff {
		notice = "Direct notices are *off*. Say `notify on` to have them again."
	}
	blocks = append(blocks, slack.NewDividerBlock(),
		slack.NewContextBlock("notify", slack.NewTextBlockObject(slack.MarkdownType, notice, false, false)))
	if len(blocks) > maxHomeBlocks {
		blocks = append(blocks[:maxHomeBlocks-1], slack.NewContextBlock("more",
			slack.NewTextBlockObject(slack.MarkdownType, "More claims than fit here: use `list` in a channel.", false, false)))
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

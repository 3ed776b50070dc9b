package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/workflows"
)

// Shortcut callback ids, as the app manifest declares them
// (features.shortcuts[].callback_id).
const (
	// ShortcutFileClaim is the message shortcut "File as claim".
	ShortcutFileClaim = "factdesk_file_claim"
	// ShortcutNewClaim is the global shortcut "New claim".
	ShortcutNewClaim = "factdesk_new_claim"
)

// viewClaim is the callback id of the claim form (both shortcuts).
const viewClaim = "factdesk_claim"

// Limits of the claim form. Slack's private_metadata holds at most 3000
// characters: the quote kept there is cut well below it, and the whole
// message stays one click away through its permalink.
const (
	maxMetadataQuote = 1500
	maxSourceLen     = 200
)

// captureState travels in the claim form's private_metadata: where the
// captured message is, and where the card goes.
type captureState struct {
	Action  string `json:"action"` // "claim"
	Channel string `json:"channel"`
	TS      string `json:"ts,omitempty"`    // the captured message; "" for a new claim
	Link    string `json:"link,omitempty"`  // its permalink
	Quote   string `json:"quote,omitempty"` // its text, decoded, maybe cut
}

// shortcut answers a message or global shortcut by opening the claim form.
// It runs after the shortcut was acknowledged: opening a form changes
// nothing, so a shortcut lost to a crash here only needs using again (its
// trigger_id is good for 3 s, so a form could not be opened later anyway).
func (a *Adapter) shortcut(ctx context.Context, ic slack.InteractionCallback) {
	switch {
	case ic.Type == slack.InteractionTypeMessageAction && ic.CallbackID == ShortcutFileClaim:
		a.fileClaimForm(ctx, ic)
	case ic.Type == slack.InteractionTypeMessageAction && ic.CallbackID == ShortcutAddEvidence:
		a.addEvidenceForm(ctx, ic)
	case ic.Type == slack.InteractionTypeShortcut && ic.CallbackID == ShortcutNewClaim:
		a.newClaimForm(ctx, ic)
	default:
		a.log.Info("ignoring a shortcut that is not the desk's", "callback_id", ic.CallbackID)
	}
}

// fileClaimForm opens the claim form for a message: its text decoded, the
// figure the desk reads in it, its author as the source and its permalink.
// A message already filed gets its claim's number instead.
func (a *Adapter) fileClaimForm(ctx context.Context, ic slack.InteractionCallback) {
	channel, ts := ic.Channel.ID, firstOf(ic.Message.Timestamp, ic.MessageTs)
	if channel == "" || ts == "" || ic.User.ID == "" {
		a.log.Warn("ignoring a message shortcut without a message")
		return
	}
	if id, err := a.router.CapturedAs(ctx, Platform, channel, ts); err == nil {
		a.openModal(ctx, ic.TriggerID, infoModal("File as claim",
			fmt.Sprintf("That message is already filed as %s.", workflows.Ref(id))))
		return
	}
	text := strings.TrimSpace(mrkdwn.Decode(ic.Message.Text))
	if text == "" {
		a.openModal(ctx, ic.TriggerID, infoModal("File as claim", "That message has no text to file."))
		return
	}
	link := a.permalink(ctx, channel, ts)
	s := captureState{Action: "claim", Channel: channel, TS: ts, Link: link, Quote: workflows.Shorten(text, maxMetadataQuote)}
	a.openModal(ctx, ic.TriggerID, claimModal(s, text, a.messageAuthor(ctx, ic.Message)))
}

// newClaimForm opens the empty claim form: a claim from nowhere in
// particular, whose card goes to the desk's channel.
func (a *Adapter) newClaimForm(ctx context.Context, ic slack.InteractionCallback) {
	if a.cfg.CaptureChannel == "" {
		a.openModal(ctx, ic.TriggerID, infoModal("New claim",
			"The desk has no channel for new claims (slack.capture_channel). Type "+a.cfg.command()+" claim … in a channel instead."))
		return
	}
	a.openModal(ctx, ic.TriggerID, claimModal(captureState{Action: "claim", Channel: a.cfg.CaptureChannel}, "", ""))
}

// permalink asks chat.getPermalink for a message's link; "" when Slack
// does not say (the claim then has no link back, and says so nowhere
// worse than a missing link).
func (a *Adapter) permalink(ctx context.Context, channel, ts string) string {
	cctx, cancel := context.WithTimeout(ctx, a.cfg.CallTimeout)
	defer cancel()
	link, err := a.api.GetPermalinkContext(cctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
	if err != nil {
		a.log.Warn("chat.getPermalink", "channel", channel, "err", err)
		return ""
	}
	return link
}

// messageAuthor names who wrote a message, for the form's source field.
func (a *Adapter) messageAuthor(ctx context.Context, m slack.Message) string {
	if m.User != "" {
		if n := a.Names().Name(ctx, Platform+":"+m.User); n != "" {
			return n
		}
		return "@" + m.User
	}
	return m.Username // a bot's or an integration's name
}

// claimModal is the claim form: the statement (prefilled with the message's
// text), the source (prefilled with its author), and what the desk reads:
// the figure and the link back.
func claimModal(s captureState, text, source string) slack.ModalViewRequest {
	statement := textInput("statement", "Claim", "The army now says 3,864 were killed", true, false)
	statement.Element.(*slack.PlainTextInputBlockElement).InitialValue = workflows.Shorten(text, workflows.MaxStatementLen)
	blocks := []slack.Block{statement}
	if s.TS != "" {
		src := textInput("source", "Who says it", "Army spokesman", false, true)
		el := src.Element.(*slack.PlainTextInputBlockElement)
		el.MaxLength = maxSourceLen
		el.InitialValue = workflows.Shorten(source, maxSourceLen)
		src.Hint = plain("Leave it empty to file the claim without this message as its first source.")
		blocks = append(blocks, src)
	}
	var notes []string
	if fig, _ := workflows.ReadStatement(text); fig != nil {
		notes = append(notes, "Figure the desk reads: *"+mrkdwn.Escape(fig.String())+"*")
	}
	if s.Link != "" {
		notes = append(notes, "From <"+s.Link+"|this message>")
	}
	if len(notes) > 0 {
		blocks = append(blocks, slack.NewContextBlock("about",
			slack.NewTextBlockObject(slack.MarkdownType, strings.Join(notes, " · "), false, false)))
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewClaim, PrivateMetadata: captureMetadata(s),
		Title: plain("File as claim"), Submit: plain("File"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

func captureMetadata(s captureState) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// infoModal tells something in a modal with nothing to submit.
func infoModal(title, text string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(workflows.Shorten(title, 24)), Close: plain("OK"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, mrkdwn.Escape(text), false, false), nil, nil),
		}},
	}
}

// claimSubmission turns the claim form into the command a person could
// have typed ("claim …"), carrying the captured message, if any. The card
// goes to the captured message's channel, or to slack.capture_channel.
func (a *Adapter) claimSubmission(ic slack.InteractionCallback, values func(string) string) (workflows.Inbound, bool) {
	var s captureState
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &s); err != nil || s.Action != "claim" || s.Channel == "" {
		return workflows.Inbound{}, false
	}
	statement := strings.Join(strings.Fields(values("statement")), " ")
	ev := workflows.Inbound{
		Platform: Platform,
		Actor:    workflows.Actor{Platform: Platform, ID: ic.User.ID, Name: ic.User.Name},
		Conv:     workflows.Conversation{Platform: Platform, Channel: s.Channel, User: ic.User.ID},
		Text:     "claim " + statement,
	}
	if s.TS != "" {
		if a.cfg.CaptureChannel != "" {
			ev.Conv.Channel = a.cfg.CaptureChannel
		}
		ev.Conv.Captured = &workflows.Captured{Platform: Platform, Channel: s.Channel, MessageID: s.TS,
			Link: s.Link, Source: strings.TrimSpace(values("source")), Text: s.Quote, Via: "slack message shortcut"}
	}
	return ev, true
}

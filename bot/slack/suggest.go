package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/workflows"
)

// ShortcutAddEvidence is the message shortcut "Add as evidence".
const ShortcutAddEvidence = "factdesk_add_evidence"

// viewMessageEvidence is the callback id of the "Add as evidence" form.
const viewMessageEvidence = "factdesk_message_evidence"

// Limits of an external select's options, from Slack's Block Kit reference
// (option objects): at most 100 options, each text at most 75 characters.
// The desk offers fewer: a person picks among what they can read.
const (
	maxSuggestions   = 20
	maxSuggestionLen = 75
)

// evidenceState travels in the "Add as evidence" form's private_metadata.
type evidenceState struct {
	Action  string `json:"action"` // "evidence"
	Channel string `json:"channel"`
	Link    string `json:"link,omitempty"`
	Quote   string `json:"quote,omitempty"`
}

// addEvidenceForm opens the "Add as evidence" form for a message: the claim
// picked from a list searched as the person types, the stance, the source
// (the message's author) and the figure the desk reads in it; the
// message's permalink and text become the evidence's link and quote.
func (a *Adapter) addEvidenceForm(ctx context.Context, ic slack.InteractionCallback) {
	channel, ts := ic.Channel.ID, firstOf(ic.Message.Timestamp, ic.MessageTs)
	if channel == "" || ts == "" || ic.User.ID == "" {
		a.log.Warn("ignoring a message shortcut without a message")
		return
	}
	text := strings.TrimSpace(mrkdwn.Decode(ic.Message.Text))
	s := evidenceState{Action: "evidence", Channel: channel, Link: a.permalink(ctx, channel, ts),
		Quote: workflows.Shorten(text, maxMetadataQuote)}
	a.openModal(ctx, ic.TriggerID, messageEvidenceModal(s, text, a.messageAuthor(ctx, ic.Message)))
}

func messageEvidenceModal(s evidenceState, text, source string) slack.ModalViewRequest {
	claim := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, plain("Type words of the claim, or its number"), "claim")
	minQuery := 0 // offer the newest claims before anything is typed
	claim.MinQueryLength = &minQuery
	stance := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("supports or contradicts"), "stance",
		slack.NewOptionBlockObject(string(workflows.Supports), plain("supports the claim"), nil),
		slack.NewOptionBlockObject(string(workflows.Contradicts), plain("contradicts the claim"), nil))
	src := textInput("source", "Source", "UN human rights office", false, false)
	srcEl := src.Element.(*slack.PlainTextInputBlockElement)
	srcEl.MaxLength = maxSourceLen
	srcEl.InitialValue = workflows.Shorten(source, maxSourceLen)
	fig := textInput("figure", "Figure", "at least 300", false, true)
	if f, _ := workflows.ReadStatement(text); f != nil {
		fig.Element.(*slack.PlainTextInputBlockElement).InitialValue = f.String()
	}
	blocks := []slack.Block{
		slack.NewInputBlock("claim", plain("Claim"), nil, claim),
		slack.NewInputBlock("stance", plain("Stance"), nil, stance),
		src, fig,
	}
	if s.Link != "" {
		blocks = append(blocks, slack.NewContextBlock("about",
			slack.NewTextBlockObject(slack.MarkdownType, "Link and quote: <"+s.Link+"|this message>", false, false)))
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewMessageEvidence, PrivateMetadata: evidenceMetadata(s),
		Title: plain("Add as evidence"), Submit: plain("Add"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

func evidenceMetadata(s evidenceState) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// evidenceSubmission turns the "Add as evidence" form into the typed
// command ("evidence 12 supports source=… url=… quote=…").
func evidenceSubmission(ic slack.InteractionCallback, values func(string) string) (workflows.Inbound, bool) {
	var s evidenceState
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &s); err != nil || s.Action != "evidence" || s.Channel == "" {
		return workflows.Inbound{}, false
	}
	id, err := strconv.ParseInt(values("claim"), 10, 64)
	if err != nil || id <= 0 {
		return workflows.Inbound{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "evidence %d %s source=%s", id, values("stance"), quoteArg(values("source")))
	if v := values("figure"); v != "" {
		fmt.Fprintf(&b, " figure=%s", quoteArg(v))
	}
	if s.Link != "" {
		fmt.Fprintf(&b, " url=%s", quoteArg(s.Link))
	}
	if s.Quote != "" {
		fmt.Fprintf(&b, " quote=%s", quoteArg(s.Quote))
	}
	return workflows.Inbound{
		Platform: Platform,
		Actor:    workflows.Actor{Platform: Platform, ID: ic.User.ID, Name: ic.User.Name},
		Conv:     workflows.Conversation{Platform: Platform, Channel: s.Channel, User: ic.User.ID},
		Text:     b.String(),
	}, true
}

// suggest answers a block_suggestion from the desk's workspace; another
// workspace is offered nothing.
func (a *Adapter) suggest(ctx context.Context, ic slack.InteractionCallback) map[string]any {
	if a.foreign(firstOf(ic.User.TeamID, ic.Team.ID)) {
		return map[string]any{"options": []any{}}
	}
	ctx, cancel := context.WithTimeout(ctx, suggestTimeout)
	defer cancel()
	return a.suggestions(ctx, ic)
}

// suggestTimeout keeps a suggestion within Slack's three seconds.
const suggestTimeout = 2 * time.Second

// suggestions answers a block_suggestion (an external select being typed
// into) with the claims it matches: "#12" or "12" is that claim, words are
// searched in statements, nothing typed is the newest pending claims. It
// reads only, so it is answered at once, in the acknowledgement.
func (a *Adapter) suggestions(ctx context.Context, ic slack.InteractionCallback) map[string]any {
	options := []map[string]any{}
	if ic.ActionID != "claim" {
		return map[string]any{"options": options}
	}
	query := strings.TrimSpace(ic.Value)
	claims, err := a.router.FindClaims(ctx, query, maxSuggestions)
	if err != nil {
		a.log.Warn("searching claims for a suggestion", "err", err)
	}
	for i, c := range claims {
		if i == maxSuggestions {
			break
		}
		options = append(options, map[string]any{
			"text":  map[string]any{"type": "plain_text", "text": workflows.Shorten(c.Ref()+" "+c.Statement, maxSuggestionLen)},
			"value": strconv.FormatInt(c.ID, 10),
		})
	}
	return map[string]any{"options": options}
}

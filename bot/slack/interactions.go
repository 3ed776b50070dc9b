package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// Button ids on a card (workflows.Button.ID, the Slack action_id).
const (
	actApprove  = "approve"
	actReject   = "reject"
	actEvidence = "evidence"
	actAssignMe = "assign_me"
	// actNotify is the Home tab's switch for direct notices; its value is
	// "on" or "off".
	actNotify = "notify"
)

// Modal callback ids.
const (
	viewNote     = "factdesk_note"
	viewEvidence = "factdesk_evidence"
)

// modalState travels in a modal's private_metadata: what the modal is for.
type modalState struct {
	Action  string `json:"action"` // approve, reject, evidence
	Claim   int64  `json:"claim"`
	Version int    `json:"version"`
	Channel string `json:"channel"`
}

// parseValue reads a button value "claimID:version". The value is whatever
// the client sent, so it decides nothing: it only names the claim the
// command is about, and the engine checks the clicker for that claim.
func parseValue(v string) (id int64, version int, ok bool) {
	idText, verText, _ := strings.Cut(v, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, false
	}
	if verText != "" {
		version, err = strconv.Atoi(verText)
		if err != nil || version < 0 {
			return 0, 0, false
		}
	}
	return id, version, true
}

// interaction handles a button click or a modal submission. Every change
// goes through the router as the command a person could have typed.
func (a *Adapter) interaction(ctx context.Context, ic slack.InteractionCallback, raw []byte) {
	if team := firstOf(ic.User.TeamID, ic.Team.ID); a.foreign(team) {
		a.log.Info("refused a click from another workspace", "team", team)
		channel := firstOf(ic.Channel.ID, ic.Container.ChannelID)
		a.tellForeign(ctx, channel, ic.User.ID, ic.Container.ThreadTs)
		return
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		for _, act := range ic.ActionCallback.BlockActions {
			a.click(ctx, ic, act, raw)
		}
	case slack.InteractionTypeViewSubmission:
		a.submit(ctx, ic, raw)
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		a.shortcut(ctx, ic)
	}
}

func (a *Adapter) click(ctx context.Context, ic slack.InteractionCallback, act *slack.BlockAction, raw []byte) {
	channel := firstOf(ic.Channel.ID, ic.Container.ChannelID)
	// A click on the Home tab comes from a view, not a channel: its answer
	// goes to the person's direct messages with the desk (Deliver opens
	// them), the claim's thread still gets the public notice.
	fromHome := channel == "" && ic.View.Type == slack.VTHomeTab
	if ic.User.ID == "" || (channel == "" && !fromHome) {
		a.log.Warn("ignoring a click from nowhere", "action", act.ActionID)
		return
	}
	ev := workflows.Inbound{
		Platform: Platform, EventID: stableID("act", ic.TriggerID+"/"+act.ActionID, raw),
		Actor: workflows.Actor{Platform: Platform, ID: ic.User.ID, Name: ic.User.Name},
		// Thread stays empty: the claim's thread gets the public notice,
		// the clicker the answer.
		Conv: workflows.Conversation{Platform: Platform, Channel: channel, MessageID: ic.Container.MessageTs, User: ic.User.ID},
	}
	if ic.TriggerID == "" {
		ev.EventID = stableID("act", "", raw)
	}
	if act.ActionID == actNotify {
		if act.Value != "on" && act.Value != "off" {
			a.log.Warn("ignoring a notify switch without on or off")
			return
		}
		ev.Text = "notify " + act.Value
		a.receive(ctx, ev)
		return
	}
	id, version, ok := parseValue(act.Value)
	if !ok {
		a.log.Warn("ignoring a click without a claim", "action", act.ActionID)
		return
	}
	state := modalState{Claim: id, Version: version, Channel: channel}
	switch act.ActionID {
	case actApprove:
		// A modal is only a way to ask for the note: whether the click may
		// approve is decided by the engine when the command arrives.
		if a.needsNote(ctx, ev, id) {
			state.Action = actApprove
			a.openModal(ctx, ic.TriggerID, noteModal(state, false))
			return
		}
		ev.Text = fmt.Sprintf("approve %d version=%d", id, version)
	case actReject:
		state.Action = actReject
		a.openModal(ctx, ic.TriggerID, noteModal(state, true))
		return
	case actEvidence:
		state.Action = actEvidence
		a.openModal(ctx, ic.TriggerID, evidenceModal(state))
		return
	case actAssignMe:
		ev.Text = fmt.Sprintf("assign %d me", id)
	default:
		return
	}
	a.receive(ctx, ev)
}

// needsNote reports whether approving needs a note first: the clicker is an
// editor and the engine's rule asks for one. Anyone else's click goes to the
// engine as it is, which answers them.
func (a *Adapter) needsNote(ctx context.Context, ev workflows.Inbound, id int64) bool {
	editor, err := a.router.IsEditor(ctx, workflows.Request{Actor: ev.Actor, Conv: ev.Conv})
	if err != nil || !editor {
		return false
	}
	c, err := a.router.Claim(ctx, id)
	if err != nil {
		return false
	}
	return c.Decision == workflows.Pending && a.router.ApprovalNeedsNote(c)
}

func (a *Adapter) openModal(ctx context.Context, trigger string, v slack.ModalViewRequest) {
	if trigger == "" {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, a.cfg.CallTimeout)
	defer cancel()
	if _, err := a.api.OpenViewContext(cctx, trigger, v); err != nil {
		a.log.Warn("opening a modal", "err", err)
	}
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func metadata(s modalState) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func textInput(block, label, placeholder string, multiline, optional bool) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), block)
	el.Multiline = multiline
	el.MaxLength = workflows.MaxStatementLen
	in := slack.NewInputBlock(block, plain(label), nil, el)
	in.Optional = optional
	return in
}

// noteModal asks for an approval note or a rejection reason.
func noteModal(s modalState, reject bool) slack.ModalViewRequest {
	title, label, submit := "Approve "+workflows.Ref(s.Claim), "Resolution note: what to publish and how to attribute it", "Approve"
	if reject {
		title, label, submit = "Reject "+workflows.Ref(s.Claim), "Reason", "Reject"
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewNote, PrivateMetadata: metadata(s),
		Title: plain(workflows.Shorten(title, 24)), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{textInput("note", label, "", true, false)}},
	}
}

// evidenceModal asks for a source's account.
func evidenceModal(s modalState) slack.ModalViewRequest {
	stance := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("supports or contradicts"), "stance",
		slack.NewOptionBlockObject(string(workflows.Supports), plain("supports the claim"), nil),
		slack.NewOptionBlockObject(string(workflows.Contradicts), plain("contradicts the claim"), nil))
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewEvidence, PrivateMetadata: metadata(s),
		Title: plain(workflows.Shorten("Evidence for "+workflows.Ref(s.Claim), 24)), Submit: plain("Add"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			textInput("source", "Source", "UN human rights office", false, false),
			slack.NewInputBlock("stance", plain("Stance"), nil, stance),
			textInput("figure", "Figure", "at least 300", false, true),
			textInput("url", "Link", "https://…", false, true),
			textInput("quote", "Quote", "", true, true),
		}},
	}
}

// recordable returns the event a modal submission from the desk's own
// workspace stands for; a click, a shortcut or a foreign submission is
// not recorded before it is acknowledged (a click may have to open a
// modal within Slack's three seconds; a foreign one is only answered).
func (a *Adapter) recordable(ic slack.InteractionCallback, raw []byte) (workflows.Inbound, bool) {
	if ic.Type != slack.InteractionTypeViewSubmission || a.foreign(firstOf(ic.User.TeamID, ic.Team.ID)) {
		return workflows.Inbound{}, false
	}
	return a.submissionInbound(ic, raw)
}

// submit handles a modal submission that was not recorded before it was
// acknowledged (one from another path than Handler and Socket Mode).
func (a *Adapter) submit(ctx context.Context, ic slack.InteractionCallback, raw []byte) {
	if ev, ok := a.submissionInbound(ic, raw); ok {
		a.receive(ctx, ev)
	}
}

// submissionInbound turns a modal submission into the command it stands
// for, without any I/O, so it can be recorded before Slack is answered: a
// crash after the answer leaves it in the inbox, and a submission Slack
// sends again (same view id and hash) is the same event. ok is false for a
// submission that is not the desk's or names nothing.
func (a *Adapter) submissionInbound(ic slack.InteractionCallback, raw []byte) (workflows.Inbound, bool) {
	if ic.User.ID == "" {
		return workflows.Inbound{}, false
	}
	// A plain_text_input's value is the text as typed, not message markup,
	// so it is not decoded (decoding would turn a typed "&amp;" into "&").
	values := func(block string) string {
		v := ic.View.State
		if v == nil {
			return ""
		}
		act := v.Values[block][block]
		if act.SelectedOption.Value != "" {
			return act.SelectedOption.Value
		}
		return strings.TrimSpace(act.Value)
	}
	id := ic.View.ID
	if ic.View.Hash != "" {
		id += "/" + ic.View.Hash
	}
	switch ic.View.CallbackID {
	case viewClaim, viewMessageEvidence:
		ev, ok := a.claimSubmission(ic, values)
		if ic.View.CallbackID == viewMessageEvidence {
			ev, ok = evidenceSubmission(ic, values)
		}
		ev.EventID = stableID("view", id, raw)
		return ev, ok
	}
	var s modalState
	// An empty channel is a modal opened from the Home tab: the answer goes
	// to the person's direct messages.
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &s); err != nil || s.Claim <= 0 {
		a.log.Warn("ignoring a modal submission without a claim", "callback_id", ic.View.CallbackID)
		return workflows.Inbound{}, false
	}
	var text string
	switch {
	case ic.View.CallbackID == viewNote && (s.Action == actApprove || s.Action == actReject):
		text = fmt.Sprintf("%s %d version=%d %s", s.Action, s.Claim, s.Version, values("note"))
	case ic.View.CallbackID == viewEvidence:
		var b strings.Builder
		fmt.Fprintf(&b, "evidence %d %s source=%s", s.Claim, values("stance"), quoteArg(values("source")))
		for _, k := range []string{"figure", "url", "quote"} {
			if v := values(k); v != "" {
				fmt.Fprintf(&b, " %s=%s", k, quoteArg(v))
			}
		}
		text = b.String()
	default:
		return workflows.Inbound{}, false
	}
	return workflows.Inbound{
		Platform: Platform, EventID: stableID("view", id, raw),
		Actor: workflows.Actor{Platform: Platform, ID: ic.User.ID, Name: ic.User.Name},
		Conv:  workflows.Conversation{Platform: Platform, Channel: s.Channel, User: ic.User.ID},
		Text:  text,
	}, true
}

// quoteArg quotes a modal value for the command grammar; quote marks inside
// become apostrophes so the value cannot end early and add arguments.
func quoteArg(v string) string {
	v = strings.NewReplacer(`"`, "'", "“", "'", "”", "'", "\n", " ", "\r", " ").Replace(v)
	return `"` + v + `"`
}

// receive hands an event to the router: recorded once, then handled.
func (a *Adapter) receive(ctx context.Context, ev workflows.Inbound) {
	if _, err := a.router.Receive(ctx, ev); err != nil {
		a.log.Error("recording a slack event", "event_id", ev.EventID, "err", err)
	}
}

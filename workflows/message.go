package workflows

import "time"

// Message is what the desk says, independent of any platform: each adapter
// renders it (Slack blocks, Matrix HTML, terminal text). All text in it is
// plain text written by people or the desk; adapters escape it.
type Message struct {
	// Title is a short heading: "#12 · disputed".
	Title string `json:"title,omitempty"`
	// Text is the body: a statement, a sentence of reply.
	Text string `json:"text,omitempty"`
	// Fields are labelled facts shown side by side where the platform can.
	Fields []Field `json:"fields,omitempty"`
	// Items are list entries (sources, claims, digest entries). An item is
	// never split across messages when a platform's size limit forces a split.
	Items []string `json:"items,omitempty"`
	// Footer is small print: who decided and when, counts.
	Footer string `json:"footer,omitempty"`
	// Actions are buttons where the platform has them.
	Actions []Button `json:"actions,omitempty"`
	// Tone lets a platform colour the message.
	Tone Tone `json:"tone,omitempty"`
	// Unverified marks material that must not be unfurled or previewed.
	Unverified bool `json:"unverified,omitempty"`
}

// Field is one labelled fact.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Button is an action a person can click. Value carries what the desk needs
// to check the click: the claim id and the version the card showed.
type Button struct {
	ID    string `json:"id"` // approve, reject, evidence, assign_me
	Label string `json:"label"`
	Value string `json:"value"`
	Style string `json:"style,omitempty"` // primary, danger
}

// Tone is a message's mood.
type Tone string

const (
	ToneInfo    Tone = ""
	ToneSuccess Tone = "success"
	ToneWarning Tone = "warning"
	ToneError   Tone = "error"
)

// OutboxKind says how a platform must deliver an outgoing message.
type OutboxKind string

const (
	// KindCard posts a claim card at the top of a channel; its message id
	// becomes the claim's thread root there.
	KindCard OutboxKind = "card"
	// KindCardUpdate edits the claim's card in place.
	KindCardUpdate OutboxKind = "card_update"
	// KindReply answers a command.
	KindReply OutboxKind = "reply"
	// KindNotice tells a claim's thread what changed.
	KindNotice OutboxKind = "notice"
	// KindPost is a standalone message in a channel (a digest).
	KindPost OutboxKind = "post"
)

// Outgoing is one outbox row: a message a change caused, written in the same
// transaction as the change and delivered later by the Dispatcher. Rows of one
// (platform, channel) are delivered in id order.
type Outgoing struct {
	ID       int64
	Platform string
	Channel  string
	Kind     OutboxKind
	// Thread is the platform's thread root to post in, when known.
	Thread string
	// ClaimID is the claim the message is about (0 for none). With
	// InClaimThread, the message goes into that claim's thread in Channel,
	// resolved at delivery time because the card may not be posted yet.
	ClaimID       int64
	InClaimThread bool
	// User, when set, asks for a message only that user sees (where the
	// platform can; others post it in the thread).
	User    string
	Message Message
	// InboxID is the inbound event that caused the message, 0 for none.
	InboxID int64
	// Requester is the actor whose request caused the message (Actor.Key),
	// "" for none; a channel's queue gives requesters turns, so one
	// person's burst does not hold up another's answer.
	Requester string
	Attempts  int
	// MaybeSent says an earlier delivery of this row may have reached the
	// platform without being recorded: a process leased it and died, or a
	// send failed ambiguously (a timeout, a 5xx). A Deliverer must then look
	// for the earlier message before sending again.
	MaybeSent bool
	CreatedAt time.Time
}

package workflows

import (
	"context"
	"fmt"
)

// Captured is a chat message a person turned into a claim where it was
// said, rather than retyping it: a Slack message shortcut or a Matrix
// reply. A message is filed at most once: (Platform, Channel, MessageID)
// is unique among captures.
type Captured struct {
	Platform  string `json:"platform"`
	Channel   string `json:"channel"`    // Slack channel id, Matrix room id
	MessageID string `json:"message_id"` // Slack ts, Matrix event id
	// Link leads back to the message (Slack permalink, matrix.to link);
	// it becomes the link of the claim's first evidence.
	Link string `json:"link,omitempty"`
	// Source is who the message reports as saying it, as the person who
	// captured it confirmed it (the message's author by default): the
	// first evidence's source. "" leaves the claim without evidence.
	Source string `json:"source,omitempty"`
	// Text is the message's text as people read it (decoded): the first
	// evidence's quote.
	Text string `json:"text,omitempty"`
	// Via names the capture path for the audit trail ("slack message
	// shortcut", "matrix reply").
	Via string `json:"via,omitempty"`
}

// String names the message for the audit trail and logs.
func (c *Captured) String() string {
	return fmt.Sprintf("%s message %s in %s", c.Platform, c.MessageID, c.Channel)
}

// EvCaptured records where a claim filed from a chat message came from.
const EvCaptured EventKind = "captured"

// ErrCaptured is returned by Tx.AddCapture when the message is already
// some claim's capture.
var ErrCaptured = &Error{Code: ECONFLICT, Message: "that message is already filed as a claim"}

// CapturedAs returns the claim a chat message was filed as.
// ENOTFOUND: it was not filed.
func (e *Engine) CapturedAs(ctx context.Context, platform, channel, messageID string) (int64, error) {
	return e.Store.ClaimByCapture(ctx, platform, channel, messageID)
}

// alreadyFiled is the answer to filing a message twice.
func alreadyFiled(id int64) error {
	return Errorf(ECONFLICT, "that message is already filed as %s", Ref(id))
}

// checkCapture refuses a message already filed; ENOTFOUND from the store
// means it is new.
func (e *Engine) checkCapture(ctx context.Context, c *Captured) error {
	if c == nil {
		return nil
	}
	if c.Platform == "" || c.Channel == "" || c.MessageID == "" {
		return Errorf(EINVALID, "that message cannot be filed: it has no address")
	}
	if c.Link != "" {
		if err := CheckURL(c.Link); err != nil {
			return err
		}
	}
	id, err := e.Store.ClaimByCapture(ctx, c.Platform, c.Channel, c.MessageID)
	switch {
	case err == nil:
		return alreadyFiled(id)
	case ErrorCode(err) == ENOTFOUND:
		return nil
	default:
		return err
	}
}

// captureEvidence is the first evidence of a claim filed from a message:
// its source says the claim's figure, and the link leads to the message.
func captureEvidence(c *Captured, figure *Figure, quote string) []EvidenceInput {
	if c == nil || c.Source == "" {
		return nil
	}
	return []EvidenceInput{{Source: c.Source, URL: c.Link, Quote: quote, Stance: Supports, Figure: figure}}
}

// capturedNote says in the audit trail where a claim came from.
func capturedNote(c *Captured) string {
	note := c.String()
	if c.Link != "" {
		note += " " + c.Link
	}
	return note
}

package archive

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
)

// Commands answers the chat commands recheck and archive.
type Commands struct {
	Engine  *workflows.Engine
	Store   Store
	Fetcher Fetcher
	// TextCap is the archive's text cap, so a recheck compares text cut
	// the same way (DefaultTextCap when 0).
	TextCap int
}

// linked returns the claim's evidence that has a snapshot, numbered as on
// the card (1-based position among all its evidence).
func linked(c *workflows.Claim) (nums []int, evs []workflows.Evidence) {
	for i, e := range c.Evidence {
		if e.Archive != nil {
			nums, evs = append(nums, i+1), append(evs, e)
		}
	}
	return nums, evs
}

// pick chooses the evidence a command means: number n as on the card, or
// the only linked one when n is 0.
func pick(c *workflows.Claim, n int, usage string) ([]int, []workflows.Evidence, error) {
	nums, evs := linked(c)
	if len(evs) == 0 {
		return nil, nil, workflows.Errorf(workflows.EINVALID, "%s has no evidence with a link to archive", c.Ref())
	}
	if n == 0 {
		return nums, evs, nil
	}
	for i, num := range nums {
		if num == n {
			return nums[i : i+1], evs[i : i+1], nil
		}
	}
	return nil, nil, workflows.Errorf(workflows.EINVALID, "%s has no evidence %d with a link; its links are evidence %s (%s)",
		c.Ref(), n, joinInts(nums), usage)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// MaxRecheck bounds the links one recheck fetches: each may take the
// fetcher's whole timeout while the person waits for the answer.
const MaxRecheck = 5

// Recheck fetches the claim's archived links again (or only evidence n,
// numbered as on the card) and says, for each, whether the page changed
// or vanished since it was archived. Each recheck is recorded.
func (k *Commands) Recheck(ctx context.Context, req workflows.Request, claimID int64, n int) error {
	c, err := k.Engine.Store.Claim(ctx, claimID)
	if err != nil {
		return err
	}
	nums, evs, err := pick(c, n, fmt.Sprintf("recheck %d N", claimID))
	if err != nil {
		return err
	}
	msg := workflows.Message{Title: fmt.Sprintf("Recheck of %s", c.Ref()), Unverified: true}
	if len(evs) > MaxRecheck {
		msg.Footer = fmt.Sprintf("%d of %d links rechecked; recheck %d N rechecks evidence N", MaxRecheck, len(evs), claimID)
		nums, evs = nums[:MaxRecheck], evs[:MaxRecheck]
	}
	for i, e := range evs {
		snap, err := k.Store.Snapshot(ctx, e.ID)
		if err != nil {
			return err
		}
		r := k.recheck(ctx, req, snap)
		if err := k.Store.AddRecheck(ctx, r); err != nil {
			return err
		}
		msg.Items = append(msg.Items, fmt.Sprintf("evidence %d · %s: %s", nums[i], e.Source, RecheckLine(snap, r)))
	}
	return k.Engine.Reply(ctx, req, msg)
}

// recheck fetches snap's link and compares.
func (k *Commands) recheck(ctx context.Context, req workflows.Request, snap *workflows.Snapshot) Recheck {
	now := k.Engine.Clock.Now()
	r := Recheck{EvidenceID: snap.EvidenceID, At: now, Actor: req.Actor.Key()}
	resp, err := k.Fetcher.FetchPage(ctx, snap.URL)
	if err != nil {
		r.Outcome, r.Detail = Unreachable, Reason(err)
		return r
	}
	r.Status, r.FinalURL = resp.Status, resp.FinalURL
	if resp.Status == 404 || resp.Status == 410 {
		r.Outcome, r.Detail = Vanished, statusError(resp.Status).Error()
		return r
	}
	if resp.Status < 200 || resp.Status > 299 {
		r.Outcome, r.Detail = Unreachable, statusError(resp.Status).Error()
		return r
	}
	now2 := Capture(resp, now, k.TextCap)
	r.SHA256 = now2.SHA256
	switch {
	case snap.State != workflows.Archived:
		r.Outcome, r.Detail = Changed, "nothing was archived to compare with"
	case now2.SHA256 == snap.SHA256:
		r.Outcome = Unchanged
	case normalizeText(now2.Text) == normalizeText(snap.Text):
		r.Outcome, r.Detail = Unchanged, "the page's markup changed, its readable text did not"
	default:
		r.Outcome, r.Detail = Changed, textChange(snap.Text, now2.Text)
	}
	return r
}

func normalizeText(s string) string { return strings.Join(strings.Fields(s), " ") }

// textChange says how much the readable text changed, in characters.
func textChange(before, after string) string {
	a, b := utf8.RuneCountInString(before), utf8.RuneCountInString(after)
	return fmt.Sprintf("its readable text changed (%d characters then, %d now)", a, b)
}

// RecheckLine says what a recheck found against the snapshot:
// "unchanged since archived 12:03 UTC (sha256 3f2a9c1e…)",
// "CHANGED since archived … : its readable text changed (…)",
// "VANISHED: the page answered 404 Not Found".
func RecheckLine(snap *workflows.Snapshot, r Recheck) string {
	since := "since it was archived"
	if snap.State == workflows.Archived {
		since = fmt.Sprintf("since archived %s (sha256 %s…)", snap.FetchedAt.UTC().Format("2 Jan 15:04 MST"), short(snap.SHA256))
	}
	switch r.Outcome {
	case Unchanged:
		line := "unchanged " + since
		if r.Detail != "" {
			line += ": " + r.Detail
		}
		return line
	case Changed:
		return fmt.Sprintf("CHANGED %s: %s; now sha256 %s…", since, r.Detail, short(r.SHA256))
	case Vanished:
		return "VANISHED " + since + ": " + r.Detail
	}
	return "could not check it now: " + r.Detail
}

func short(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// textItemRunes bounds one item of archived text in chat: items are never
// split across messages, and every platform takes items of this size.
const textItemRunes = 900

// Show answers with the archived text of the claim's evidence n (as
// numbered on the card), or lists the claim's snapshots when it has
// several links and n is 0.
func (k *Commands) Show(ctx context.Context, req workflows.Request, claimID int64, n int) error {
	c, err := k.Engine.Store.Claim(ctx, claimID)
	if err != nil {
		return err
	}
	nums, evs, err := pick(c, n, fmt.Sprintf("archive %d N", claimID))
	if err != nil {
		return err
	}
	if len(evs) > 1 {
		msg := workflows.Message{Title: fmt.Sprintf("Archived links of %s", c.Ref()), Unverified: true,
			Footer: fmt.Sprintf("archive %d N prints the text of evidence N", claimID)}
		for i, e := range evs {
			msg.Items = append(msg.Items, fmt.Sprintf("evidence %d · %s · %s · %s", nums[i], e.Source, e.Archive.URL, e.Archive.Line()))
		}
		return k.Engine.Reply(ctx, req, msg)
	}
	snap, err := k.Store.Snapshot(ctx, evs[0].ID)
	if err != nil {
		return err
	}
	return k.Engine.Reply(ctx, req, TextMessage(c, nums[0], snap))
}

// TextMessage is a snapshot's stored text, in paragraphs a chat message
// can carry: the desk splits it over several messages when it is long.
func TextMessage(c *workflows.Claim, n int, s *workflows.Snapshot) workflows.Message {
	m := workflows.Message{Title: fmt.Sprintf("%s evidence %d · %s", c.Ref(), n, s.Line()), Unverified: true}
	if s.State != workflows.Archived {
		m.Text = "No text is stored for " + s.URL
		return m
	}
	m.Text = s.URL
	if s.FinalURL != "" && s.FinalURL != s.URL {
		m.Text += " → " + s.FinalURL
	}
	if s.Title != "" {
		m.Text += "\n" + s.Title
	}
	m.Items = Paragraphs(s.Text, textItemRunes)
	if len(m.Items) == 0 {
		m.Items = []string{"(the page had no readable text)"}
	}
	foot := fmt.Sprintf("HTTP %d · %s · sha256 %s", s.Status, s.ContentType, s.SHA256)
	if s.Truncated {
		foot += " · text cut at the archive's cap"
	}
	if s.ArchiveURL != "" {
		foot += " · web archive " + s.ArchiveURL
	}
	m.Footer = foot
	return m
}

// Paragraphs splits text at blank lines, and paragraphs longer than max
// runes at spaces, so none exceeds max.
func Paragraphs(text string, max int) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.TrimSpace(p)
		for utf8.RuneCountInString(p) > max {
			r := []rune(p)
			cut := max
			for cut > max/2 && r[cut] != ' ' {
				cut--
			}
			out = append(out, strings.TrimSpace(string(r[:cut])))
			p = strings.TrimSpace(string(r[cut:]))
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

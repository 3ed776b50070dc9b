package ingest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

// Defaults for Limits left zero.
const (
	// DefaultRunning is the ingests read at once, desk-wide: each holds a
	// page of up to a few megabytes and its extraction, so a burst of
	// ingests cannot take the desk's memory and cores from everyone else.
	DefaultRunning = 4
	// DefaultPerPerson is the ingests one person may have under way.
	DefaultPerPerson = 1
	// DefaultKeepMax is the figures one keep files: 20 cards at Slack's
	// pacing of about one message a second per channel hold a channel for
	// some 20 s, and more would delay everyone else's answers there.
	DefaultKeepMax = 20
	// answerTimeout bounds writing an ingest's answer once its work is done.
	answerTimeout = 10 * time.Second
)

// Limits bound the work chat ingest does for its users.
type Limits struct {
	Running   int // ingests (fetch and extraction) at once, desk-wide
	PerPerson int // ingests at once for one person
	KeepMax   int // figures one keep files; "keep all" beyond it asks to choose
}

func (l Limits) withDefaults() Limits {
	if l.Running <= 0 {
		l.Running = DefaultRunning
	}
	if l.PerPerson <= 0 {
		l.PerPerson = DefaultPerPerson
	}
	if l.KeepMax <= 0 {
		l.KeepMax = DefaultKeepMax
	}
	return l
}

// Chat runs the chat commands "ingest <url>|<pasted text>" and
// "keep 1 3 4 | keep all".
//
// An ingest's work (fetching and extraction) runs under its own time
// budget, the fetcher's, not the deadline of the handler that called it,
// and its answer is written even when that deadline has passed. The answer
// marks the inbound event handled, so an ingest that took long is answered
// once and never run a second time by the inbox sweep, which re-runs only
// events left unanswered.
type Chat struct {
	Engine   *workflows.Engine
	Pending  PendingStore
	Ingester *Ingester
	Pages    workflows.PageFetcher
	Clock    workflows.Clock
	Limits   Limits

	once    sync.Once
	slots   chan struct{}
	mu      sync.Mutex
	running map[string]int // actor key → ingests under way
}

func (c *Chat) init() {
	c.once.Do(func() {
		c.Limits = c.Limits.withDefaults()
		c.slots = make(chan struct{}, c.Limits.Running)
		c.running = map[string]int{}
	})
}

// Ingest reads a link or pasted text, lists the figures in it and keeps
// the list for "keep". Errors: EINVALID for a link the fetcher refused or
// could not read (with its reason), a person with an ingest already under
// way, or a desk reading Limits.Running articles until ctx ends.
func (c *Chat) Ingest(ctx context.Context, req workflows.Request, text string) error {
	c.init()
	release, err := c.acquire(ctx, req.Actor.Key())
	if err != nil {
		return err
	}
	defer release()
	// From here the handler's deadline no longer applies: the fetch has its
	// own, and the answer must be written for the work to count as done.
	// Only the person can stop the fetch (Ctrl-C at the terminal), and
	// nothing is kept then.
	fetching, stop := workflows.Outlive(ctx)
	defer stop()
	work := context.WithoutCancel(ctx)
	var doc Document
	if link, ok := LinkOf(text); ok {
		if workflows.CheckURL(link) != nil {
			// Answered here, as the fetcher answers "ftp://…": no request
			// is made for what is not an http(s) link.
			if workflows.NoHost(link) {
				return workflows.Errorf(workflows.EINVALID, "I could not read that page: the link has no host; give the whole address, such as https://example.org/news.")
			}
			return workflows.Errorf(workflows.EINVALID, "I could not read that page: only http(s) links can be read.")
		}
		page, err := c.Pages.FetchPage(fetching, link)
		if err != nil {
			if workflows.Cancelled(fetching) {
				return workflows.ErrCancelled
			}
			if workflows.ErrorCode(err) == workflows.EINVALID {
				return workflows.Errorf(workflows.EINVALID, "I could not read that page: %s.", workflows.ErrorMessage(err))
			}
			return err
		}
		if err := readablePage(page); err != nil {
			return err
		}
		// A page is cleaned like a chat message: its escape sequences must not
		// split "\x1b[1mkilled" from its figure, nor reach a terminal.
		doc, text = NewDocument(link), workflows.CleanText(page.Text)
	} else {
		doc = Document{
			Name:        fmt.Sprintf("text pasted by %s at %s", req.Actor.Display(), c.Clock.Now().UTC().Format(time.RFC3339)),
			Publication: "pasted text",
		}
	}
	figs := extract.Extract(text)
	answer, cancel := context.WithTimeout(work, answerTimeout)
	defer cancel()
	if len(figs) == 0 {
		return c.Engine.Reply(answer, Threaded(req), workflows.Message{Text: "I found no figures to check in that article."})
	}
	p := &Pending{Platform: req.Conv.Platform, Channel: req.Conv.Channel, User: req.Actor.Key(),
		Document: doc, Figures: figs, CreatedAt: c.Clock.Now()}
	if err := c.Pending.SavePending(answer, p); err != nil {
		return err
	}
	how := fmt.Sprintf("Say %s (or keep all) to file them.", keepExample(len(figs)))
	switch {
	case len(figs) == 1:
		how = "Say keep 1 to file it."
	case len(figs) > c.Limits.KeepMax:
		how = fmt.Sprintf("Say %s to file some; keep files up to %d at a time (keep 1-%d).", keepExample(len(figs)), c.Limits.KeepMax, c.Limits.KeepMax)
	}
	return c.Engine.Reply(answer, Threaded(req), workflows.Message{
		Title: fmt.Sprintf("%s in %s", Figures(len(figs)), doc.Publication),
		Text:  Numbered(figs) + how,
	})
}

// readablePage refuses pages that hold no article to read.
func readablePage(p *workflows.Page) error {
	switch {
	case !p.OK():
		return workflows.Errorf(workflows.EINVALID, "I could not read that page: it answered with HTTP status %d.", p.Status)
	case p.ContentType != "text/html" && p.ContentType != "application/xhtml+xml" && p.ContentType != "text/plain":
		return workflows.Errorf(workflows.EINVALID, "I could not read that page: it is not a web page or text (it is %s).", workflows.Shorten(p.ContentType, 60))
	case p.Truncated:
		return workflows.Errorf(workflows.EINVALID, "I could not read that page: it is larger than the desk reads (%d KB), more than an article.", len(p.Body)>>10)
	}
	return nil
}

// acquire takes one of the desk's ingest slots for who, waiting for one
// until ctx ends.
func (c *Chat) acquire(ctx context.Context, who string) (release func(), err error) {
	c.mu.Lock()
	if c.running[who] >= c.Limits.PerPerson {
		c.mu.Unlock()
		return nil, workflows.Errorf(workflows.EINVALID, "I am still reading your last article; its list comes first, then send the next.")
	}
	c.running[who]++
	c.mu.Unlock()
	done := func() {
		c.mu.Lock()
		if c.running[who]--; c.running[who] <= 0 {
			delete(c.running, who)
		}
		c.mu.Unlock()
	}
	// A free slot is taken even when ctx has just ended: select picks at
	// random among ready cases, and the handler that got this far would
	// otherwise be told the desk is busy when it is not.
	select {
	case c.slots <- struct{}{}:
		return func() { <-c.slots; done() }, nil
	default:
	}
	select {
	case c.slots <- struct{}{}:
		return func() { <-c.slots; done() }, nil
	case <-ctx.Done():
		done()
		return nil, workflows.Errorf(workflows.EINVALID, "the desk is reading as many articles as it may at once; try again in a minute.")
	}
}

// Keep files the chosen figures of the user's latest ingest in the channel,
// at most Limits.KeepMax at a time. Errors: ENOTFOUND when there is no
// ingest; EINVALID for numbers not in the list or too many at once.
func (c *Chat) Keep(ctx context.Context, req workflows.Request, args []string) error {
	c.init()
	p, err := c.Pending.LatestPending(ctx, req.Conv.Platform, req.Conv.Channel, req.Actor.Key())
	if err != nil {
		return err
	}
	nums, err := ParseKeep(args, len(p.Figures))
	if err != nil {
		return err
	}
	if max := c.Limits.KeepMax; len(nums) > max {
		pages := ""
		if nums[len(nums)-1]-nums[0] == len(nums)-1 { // a run such as "all"
			pages = fmt.Sprintf(", or go in pages: %s, then %s", keepRange(nums[0], nums[max-1]),
				keepRange(nums[max], nums[min(2*max, len(nums))-1]))
		}
		return workflows.Errorf(workflows.EINVALID,
			"that is %d figures; keep files up to %d at a time so the channel stays usable. Choose the ones worth checking (keep 1 3 4)%s.",
			len(nums), max, pages)
	}
	// Each figure commits on its own; the inbox event is marked handled by
	// the final answer, so a crash part way re-runs keep and the figures
	// already kept are skipped.
	fileReq := req
	fileReq.Event = nil
	evidenceReq := workflows.Request{Actor: req.Actor}
	var done []int
	var outs []Outcome
	already := 0
	for _, n := range nums {
		if id, ok := p.Kept[n]; ok {
			already++
			done = append(done, n)
			outs = append(outs, Outcome{Why: "already kept as " + workflows.Ref(id)})
			continue
		}
		o, err := c.Ingester.File(ctx, fileReq, evidenceReq, p.Document, p.Figures[n-1])
		if err != nil {
			return err
		}
		if o.Claim != nil { // nil: a figure its source revised, not filed
			if err := c.Pending.MarkKept(ctx, p.ID, n, o.Claim.ID); err != nil {
				return err
			}
		}
		done = append(done, n)
		outs = append(outs, o)
	}
	fresh := len(done) - already
	answer, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
	defer cancel()
	title := fmt.Sprintf("kept %s from %s", Figures(len(done)), p.Document.Publication)
	if fresh == 0 {
		title = fmt.Sprintf("nothing new: %s already filed from %s", plural(len(done), "that figure was", "those figures were"), p.Document.Publication)
	}
	return c.Engine.Reply(answer, Threaded(req), workflows.Message{
		Title: title,
		Text:  Summary(done, outs),
	})
}

// Figures counts figures in words: "1 figure", "3 figures".
func Figures(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "figure", "figures")) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// keepExample is a keep command that fits a list of n figures: "keep 1 2"
// for two, "keep 1 3 4" for four or more.
func keepExample(n int) string {
	switch n {
	case 1:
		return "keep 1"
	case 2:
		return "keep 1 2"
	case 3:
		return "keep 1 3"
	}
	return "keep 1 3 4"
}

// keepRange writes "keep 1-20", or "keep 21" for one figure.
func keepRange(from, to int) string {
	if from == to {
		return fmt.Sprintf("keep %d", from)
	}
	return fmt.Sprintf("keep %d-%d", from, to)
}

// Threaded answers under the command itself when it was not said in a
// thread.
func Threaded(req workflows.Request) workflows.Request {
	if req.Conv.Thread == "" && !req.Conv.Threadless && req.Conv.MessageID != "" {
		req.Conv.Thread = req.Conv.MessageID
	}
	return req
}

// LinkOf returns the link when text is one link, as typed or as a platform
// formats it ("<https://…>", "<https://…|label>"). A link of any scheme
// counts ("ftp://…", "mailto:x@y", "javascript:…": a word starting with
// "scheme:", RFC 3986 §3.1), and so does a malformed http(s) one
// ("http:/host"), so that it is refused with a reason instead of being
// read as pasted text.
func LinkOf(text string) (string, bool) {
	link := strings.TrimSpace(text)
	if strings.HasPrefix(link, "<") && strings.HasSuffix(link, ">") {
		// Slack's form; its label may have spaces.
		link, _, _ = strings.Cut(link[1:len(link)-1], "|")
	}
	if link == "" || strings.ContainsAny(link, " \n\t<>") {
		return "", false
	}
	if lower := strings.ToLower(link); strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:") {
		return link, true
	}
	scheme, after, ok := strings.Cut(link, ":")
	if !ok || scheme == "" || after == "" || !isLetter(rune(scheme[0])) || strings.IndexFunc(scheme, notSchemeRune) >= 0 {
		return "", false
	}
	return link, true
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// notSchemeRune is false for the letters of a URL scheme (RFC 3986 3.1).
func notSchemeRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
}

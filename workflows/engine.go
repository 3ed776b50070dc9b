package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Engine applies the desk's commands: it checks permission and the transition
// table, recomputes the evidence state, and writes the change, its audit
// events, the messages it causes and the inbox mark in one transaction.
type Engine struct {
	Store  Store
	Roles  Roles
	Rules  Rules
	Clock  Clock
	Logger *slog.Logger
	// Limits are each platform's message limits; replies and notices that
	// exceed them are split into several messages.
	Limits map[string]Limits
	// Notify is called after a commit that enqueued messages, to wake the
	// dispatcher. It must not block.
	Notify func()
	// Names, when set, gives people's display names for messages, so a card
	// says "assigned Ana Ruiz" rather than a platform's user id.
	Names Names
	// Direct lists the platforms that deliver direct notices (KindDirect):
	// a claim's reporter and assignee there are told privately when it is
	// assigned, disputed, approved or rejected.
	Direct map[string]bool
	// Home lists the platforms with a home view per person (KindHome):
	// a change to a claim redraws its reporter's and assignee's.
	Home map[string]bool
}

// name fills c.Names for the given actor keys. The engine calls it before
// a change is written, so no look-up ever happens inside a write
// transaction.
func (e *Engine) name(ctx context.Context, c *Claim, keys ...string) {
	if e.Names == nil {
		return
	}
	if c.Names == nil {
		c.Names = map[string]string{}
	}
	for _, k := range keys {
		if _, done := c.Names[k]; !done && k != "" {
			// Names come from the platform's profiles, which anyone edits.
			c.Names[k] = CleanLine(e.Names.Name(ctx, k))
		}
	}
}

// nameCard names the people a card names: filer, assignee, last decider.
func (e *Engine) nameCard(ctx context.Context, c *Claim) {
	e.name(ctx, c, c.FiledBy, c.Assignee, c.DecidedBy)
}

// display names an actor in messages: by Names, else by the name the
// platform gave with the request, else by id.
func (e *Engine) display(ctx context.Context, a Actor) string {
	if e.Names != nil {
		if n := lineValue(e.Names.Name(ctx, a.Key())); n != "" {
			return n
		}
	}
	return CleanLine(a.Display())
}

// Request is who asks and where; the engine replies there. Event is the
// inbound event being answered (nil for the command line and schedules,
// which also get no chat reply when Conv.Platform is empty): the change
// that answers it marks it handled in the same transaction, or, when it
// has no inbox id yet, records it there already handled.
type Request struct {
	Actor Actor
	Conv  Conversation
	Event *Inbound
	// Note is a sentence the chat layer adds to the answer's small print:
	// how it read a command that could be read two ways.
	Note string
}

// EvidenceInput is a source's account as a reporter gives it.
type EvidenceInput struct {
	Source   string
	Via      string
	URL      string
	Quote    string
	Stance   Stance
	Figure   *Figure
	Document string
}

// FileInput is a new claim. Figure, when nil, is parsed from the statement.
// Evidence, when given, is filed with the claim in the same transaction (an
// ingested article is its claim's first source): one card, no update.
type FileInput struct {
	Statement                  string
	Figure                     *Figure
	Metric, Who, Place, Period string
	Evidence                   []EvidenceInput
	// Capture, when the claim is filed from a chat message, is that
	// message: filing it twice is refused ("already filed as #N"), its
	// source and link become the first evidence (unless Evidence is
	// given), and the audit trail says where the claim came from.
	Capture *Captured
}

// change collects what one command does, so every command commits the same way.
type change struct {
	claim    *Claim // the claim after the change (nil for replies only)
	version  int    // the version it was read at
	created  bool
	evidence []*Evidence
	events   []Event
	out      []Outgoing
	// afterCreate builds the messages that need the new claim's id, known
	// only once it is inserted.
	afterCreate func(c *Claim) []Outgoing
	// capture is the chat message a new claim was filed from.
	capture *Captured
	// notify is a person's new choice of direct notices.
	notify *notifySetting
	// formerAssignee is whom an assignment took the claim from.
	formerAssignee string
	// homeViewer is a person who opened their home view.
	homeViewer *homeViewer
}

// commit writes ch in one transaction together with the inbox mark.
func (e *Engine) commit(ctx context.Context, req Request, ch *change) error {
	var enqueued int
	err := e.Store.Within(ctx, func(tx Tx) error {
		// Within may run this more than once: it sets what it leaves
		// outside rather than adding to it.
		out := slices.Clip(ch.out)
		var inboxID int64
		if req.Event != nil {
			var err error
			if inboxID, err = tx.MarkHandled(ctx, *req.Event, e.Clock.Now()); err != nil {
				return err
			}
		}
		if ch.notify != nil {
			if err := tx.SetNotify(ctx, ch.notify.actor, ch.notify.on, e.Clock.Now()); err != nil {
				return err
			}
		}
		if v := ch.homeViewer; v != nil {
			if err := tx.SawHome(ctx, v.actor.Key(), v.editor, e.Clock.Now()); err != nil {
				return err
			}
			out = append(out, homeRow(v.actor.Platform, v.actor.ID, ""))
		}
		if ch.claim != nil {
			if ch.created {
				if err := tx.CreateClaim(ctx, ch.claim); err != nil {
					return err
				}
				if ch.capture != nil {
					if err := tx.AddCapture(ctx, ch.claim.ID, *ch.capture); err != nil {
						return err
					}
				}
				for i := range ch.claim.Threads {
					ch.claim.Threads[i].ClaimID = ch.claim.ID
					if err := tx.AddThread(ctx, ch.claim.Threads[i]); err != nil {
						return err
					}
				}
			} else if ch.version != 0 {
				if err := tx.UpdateClaim(ctx, ch.claim, ch.version); err != nil {
					return err
				}
			}
			for _, ev := range ch.evidence {
				ev.ClaimID = ch.claim.ID
				if err := tx.AddEvidence(ctx, ev); err != nil {
					return err
				}
			}
			for i := range ch.events {
				ch.events[i].ClaimID = ch.claim.ID
			}
			if ch.afterCreate != nil {
				out = append(out, ch.afterCreate(ch.claim)...)
			}
			homes, err := e.homeRefreshes(ctx, tx, req, ch)
			if err != nil {
				return err
			}
			out = append(out, homes...)
		}
		if len(ch.events) > 0 {
			if err := tx.AppendEvents(ctx, ch.events...); err != nil {
				return err
			}
		}
		out = SplitOutgoing(out, e.Limits)
		for i := range out {
			out[i].InboxID = inboxID
			out[i].Requester = req.Actor.Key()
			out[i].CreatedAt = e.Clock.Now()
		}
		enqueued = len(out)
		if len(out) > 0 {
			return tx.Enqueue(ctx, out...)
		}
		return nil
	})
	if err == nil && enqueued > 0 && e.Notify != nil {
		e.Notify()
	}
	return err
}

// Reply answers a request with msg and marks its inbox event handled, changing
// nothing else. Errors and read-only answers go this way.
func (e *Engine) Reply(ctx context.Context, req Request, msg Message) error {
	ch := &change{}
	ch.out = e.replyTo(req, 0, msg)
	return e.commit(ctx, req, ch)
}

// ReplyError answers a refused request with the error's sentence.
func (e *Engine) ReplyError(ctx context.Context, req Request, err error) error {
	return e.Reply(ctx, req, Message{Text: ErrorMessage(err), Tone: ToneError})
}

// replyTo addresses msg back to where the request was said.
func (e *Engine) replyTo(req Request, claimID int64, msg Message) []Outgoing {
	if req.Conv.Platform == "" {
		return nil
	}
	if req.Note != "" {
		msg.Footer = strings.TrimSpace(msg.Footer + " " + req.Note)
	}
	return []Outgoing{{
		Platform: req.Conv.Platform, Channel: req.Conv.Channel, Thread: req.Conv.Thread,
		Kind: KindReply, ClaimID: claimID, User: req.Conv.User, Message: msg,
	}}
}

// File records a new claim, posts its card where it was filed and answers in
// the card's thread.
func (e *Engine) File(ctx context.Context, req Request, in FileInput) (*Claim, error) {
	statement := lineValue(in.Statement)
	in.Metric, in.Who, in.Place, in.Period = CleanLine(in.Metric), CleanLine(in.Who), CleanLine(in.Place), CleanLine(in.Period)
	if err := checkStatement(statement); err != nil {
		return nil, err
	}
	for i := range in.Evidence {
		if err := checkEvidence(&in.Evidence[i]); err != nil {
			return nil, err
		}
	}
	if err := in.Figure.Check(); err != nil {
		return nil, err
	}
	if err := e.checkCapture(ctx, in.Capture); err != nil {
		return nil, err
	}
	now := e.Clock.Now()
	c := &Claim{
		Statement: statement, Figure: in.Figure,
		Metric: in.Metric, Who: in.Who, Place: in.Place, Period: in.Period,
		FiledBy: req.Actor.Key(), State: Unverified, Decision: Pending,
		CreatedAt: now, UpdatedAt: now, StateSince: now, Version: 1,
	}
	if c.Figure == nil || c.Metric == "" { // ingest gives both: no need to read it again
		figure, topic, note := StatementFigure(statement)
		if c.Figure == nil {
			c.Figure, c.FigureNote = figure, note
		}
		if c.Metric == "" {
			c.Metric, c.Who, c.Place, c.Period = topic.Metric, topic.Who, topic.Place, topic.Period
		}
	}
	ch := &change{claim: c, created: true, capture: in.Capture}
	ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvFiled, New: string(Unverified), Note: statement})
	if in.Capture != nil {
		ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvCaptured,
			New: in.Capture.Via, Note: capturedNote(in.Capture)})
		if len(in.Evidence) == 0 {
			in.Evidence = captureEvidence(in.Capture, c.Figure, in.Capture.Text)
			for i := range in.Evidence {
				if err := checkEvidence(&in.Evidence[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, in := range in.Evidence {
		ev := e.newEvidence(req, in, now)
		ch.evidence = append(ch.evidence, ev)
		ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvEvidenceAdded, New: string(in.Stance), Note: evidenceNote(in)})
		c.Evidence = append(c.Evidence, *ev)
	}
	a := e.assessInto(c, now)
	if c.State != Unverified {
		ch.events = append(ch.events, Event{At: now, Actor: System.Key(), Kind: EvStateChanged, Old: string(Unverified), New: string(c.State), Note: a.Conflict})
	}
	if req.Conv.Platform != "" {
		e.nameCard(ctx, c)
		c.Threads = []Thread{{Platform: req.Conv.Platform, Channel: req.Conv.Channel}}
		ch.afterCreate = func(c *Claim) []Outgoing {
			return []Outgoing{
				{Platform: req.Conv.Platform, Channel: req.Conv.Channel, Kind: KindCard, ClaimID: c.ID,
					Message: CardMessage(c, a)},
				{Platform: req.Conv.Platform, Channel: req.Conv.Channel, Kind: KindReply, ClaimID: c.ID,
					InClaimThread: true, User: req.Conv.User, Message: FiledMessage(c)},
			}
		}
	}
	if err := e.commit(ctx, req, ch); err != nil {
		if errors.Is(err, ErrCaptured) { // filed by someone else since checkCapture
			return nil, e.checkCapture(ctx, in.Capture)
		}
		return nil, err
	}
	e.log(ctx, req, c.ID, "claim filed")
	return c, nil
}

func checkStatement(s string) error {
	if s == "" {
		return Errorf(EINVALID, "a claim needs a statement")
	}
	if n := utf8.RuneCountInString(s); n > MaxStatementLen {
		return Errorf(EINVALID, "that statement is %d characters; the limit is %d. Shorten it and file it again", n, MaxStatementLen)
	}
	return nil
}

// AddEvidence records a source's account and recomputes the claim's state. An
// approved claim that becomes disputed is reopened, and its thread is told.
func (e *Engine) AddEvidence(ctx context.Context, req Request, id int64, in EvidenceInput) (*Claim, error) {
	if err := checkEvidence(&in); err != nil {
		return nil, err
	}
	// Evidence from two people at once commutes: retry on a version conflict.
	return e.retryOnConflict(ctx, func() (*Claim, error) {
		c, err := e.Store.Claim(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := Next(c.Decision, ActAddEvidence); err != nil {
			return nil, err
		}
		now := e.Clock.Now()
		ev := e.newEvidence(req, in, now)
		ch := &change{claim: c, version: c.Version, evidence: []*Evidence{ev}}
		note := evidenceNote(in)
		ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvEvidenceAdded, New: string(in.Stance), Note: note})
		c.Evidence = append(c.Evidence, *ev)
		old := c.State
		a := e.assessInto(c, now)
		summary := fmt.Sprintf("%s added evidence: %s", e.display(ctx, req.Actor), note)
		if c.State != old {
			ch.events = append(ch.events, Event{At: now, Actor: System.Key(), Kind: EvStateChanged, Old: string(old), New: string(c.State), Note: a.Conflict})
			summary += fmt.Sprintf(". Now %s", c.State)
			if a.Conflict != "" {
				summary += ": " + a.Conflict
			}
		}
		// The table's automatic reopen: an approval the new evidence disputes
		// is withdrawn.
		if next, _ := step(c.Decision, ActAddEvidence, stepFacts{Claim: c, Assessment: a, Actor: req.Actor.Key(), Rules: e.Rules}); next != c.Decision {
			c.Decision = next
			c.DecidedBy, c.DecidedAt, c.DecisionNote = "", time.Time{}, "" // pending: no decision stands; the event keeps why
			ch.events = append(ch.events, Event{At: now, Actor: System.Key(), Kind: EvReopened, Old: string(Approved), New: string(Pending), Note: "new evidence disputes the approved claim: " + a.Conflict})
			summary += ". The approval is withdrawn and the claim reopened: an editor must decide again"
		}
		e.touch(c, now)
		ch.out = append(ch.out, e.announce(ctx, req, c, a, summary)...)
		if c.State == Disputed && old != Disputed {
			ch.out = append(ch.out, e.directNotices(ctx, req, c,
				DirectText(c, fmt.Sprintf("is now disputed: %s (evidence from %s).", a.Conflict, e.display(ctx, req.Actor))), ToneWarning)...)
		}
		if err := e.commit(ctx, req, ch); err != nil {
			return nil, err
		}
		e.log(ctx, req, c.ID, "evidence added")
		return c, nil
	})
}

// newEvidence is the evidence a request adds.
func (e *Engine) newEvidence(req Request, in EvidenceInput, now time.Time) *Evidence {
	return &Evidence{Source: in.Source, Via: in.Via, URL: in.URL, Quote: in.Quote, Stance: in.Stance,
		Figure: in.Figure, Document: in.Document, AddedBy: req.Actor.Key(), AddedAt: now}
}

// evidenceNote is how the audit trail and notices name a source's account:
// "UN supports: at least 300".
func evidenceNote(in EvidenceInput) string {
	note := fmt.Sprintf("%s %s", in.Source, in.Stance)
	if in.Figure != nil {
		note += ": " + in.Figure.String()
	}
	return note
}

func checkEvidence(in *EvidenceInput) error {
	in.Source = lineValue(in.Source)
	in.Via, in.Quote, in.URL, in.Document = lineValue(in.Via), lineValue(in.Quote), lineValue(in.URL), lineValue(in.Document)
	if NormalizeSource(in.Source) == "" {
		// Blank, or only punctuation and invisible characters: no origin.
		return Errorf(EINVALID, `evidence needs a source: source="UN human rights office"`)
	}
	if in.Stance != Supports && in.Stance != Contradicts {
		return Errorf(EINVALID, "evidence must say supports or contradicts")
	}
	if in.URL != "" {
		if err := CheckURL(in.URL); err != nil {
			return err
		}
	}
	if err := in.Figure.Check(); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Quote) > MaxStatementLen || utf8.RuneCountInString(in.Source) > 200 || utf8.RuneCountInString(in.Via) > 200 {
		return Errorf(EINVALID, "that evidence is too long: sources and via up to 200 characters, a quote up to %d", MaxStatementLen)
	}
	return nil
}

// CheckURL accepts absolute http and https URLs only. Errors: EINVALID,
// saying the link has a space in it, or no host for "https://" or
// "https:///a" (see NoHost), else that it is not an http(s) link.
func CheckURL(raw string) error {
	if strings.ContainsFunc(raw, unicode.IsSpace) {
		// A link with a space is two words run together, or one a browser
		// would have written with %20.
		return Errorf(EINVALID, "%q: a link has no spaces (write a space in it as %%20)", raw)
	}
	if NoHost(raw) {
		return Errorf(EINVALID, "%q has no host: give the whole link, such as https://example.org/news", raw)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Errorf(EINVALID, "%q is not an http(s) link", raw)
	}
	return nil
}

// NoHost reports an http(s) link whose authority is there but empty:
// "http://", "https:///news" (RFC 3986 §3.2: "//" starts the authority).
// "http:/news" has no authority at all: it is malformed, not hostless.
func NoHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != "" || u.User != nil {
		return false
	}
	return strings.HasPrefix(raw[len(u.Scheme)+1:], "//")
}

// assessInto recomputes c's evidence state, keeping when it last changed.
func (e *Engine) assessInto(c *Claim, now time.Time) Assessment {
	a := e.Rules.Assess(c.Figure, c.Evidence)
	if a.State != c.State {
		c.State = a.State
		c.StateSince = now
	}
	return a
}

func (e *Engine) touch(c *Claim, now time.Time) {
	c.UpdatedAt = now
	c.Version++
}

// announce updates the claim's cards and tells its threads what changed,
// and answers the request. The thread the request came from gets the answer
// only, not the same news twice.
func (e *Engine) announce(ctx context.Context, req Request, c *Claim, a Assessment, summary string) []Outgoing {
	e.nameCard(ctx, c)
	card := CardMessage(c, a)
	notice := Message{Title: c.Ref(), Text: summary, Tone: toneFor(c)}
	var out []Outgoing
	for _, t := range c.Threads {
		out = append(out, Outgoing{Platform: t.Platform, Channel: t.Channel, Kind: KindCardUpdate, ClaimID: c.ID, Message: card})
		inThisThread := t.Platform == req.Conv.Platform && t.Channel == req.Conv.Channel &&
			(req.Conv.Threadless || req.Conv.Thread != "" && req.Conv.Thread == t.RootID)
		if !inThisThread {
			out = append(out, Outgoing{Platform: t.Platform, Channel: t.Channel, Kind: KindNotice, ClaimID: c.ID, InClaimThread: true, Message: notice})
		}
	}
	return append(out, e.replyTo(req, c.ID, notice)...)
}

func toneFor(c *Claim) Tone {
	switch {
	case c.Decision == Approved:
		return ToneSuccess
	case c.Decision == Rejected || c.State == Disputed:
		return ToneWarning
	}
	return ToneInfo
}

// Approve records an editor's approval. A claim that is not corroborated needs
// a resolution note saying what to publish and how to attribute it.
func (e *Engine) Approve(ctx context.Context, req Request, id int64, seenVersion int, note string) (*Claim, error) {
	return e.decide(ctx, req, id, seenVersion, ActApprove, lineValue(note))
}

// Reject records an editor's rejection; it needs a reason.
func (e *Engine) Reject(ctx context.Context, req Request, id int64, seenVersion int, reason string) (*Claim, error) {
	return e.decide(ctx, req, id, seenVersion, ActReject, lineValue(reason))
}

// Reopen returns a decided claim to pending.
func (e *Engine) Reopen(ctx context.Context, req Request, id int64, seenVersion int, note string) (*Claim, error) {
	return e.decide(ctx, req, id, seenVersion, ActReopen, lineValue(note))
}

// decide applies an editorial action. seenVersion is the claim version the
// editor was looking at (a card's button carries it); 0 means "whatever is
// current when the command arrives". Two editors deciding at once: exactly one
// wins, the other learns what happened instead of overwriting it.
func (e *Engine) decide(ctx context.Context, req Request, id int64, seenVersion int, action Action, note string) (*Claim, error) {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := e.authorize(ctx, req, action, c); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(note); n > MaxStatementLen {
		// A note is shown on the card, in digests and in notices: it is
		// bounded as a statement is, and refused, not cut.
		return nil, Errorf(EINVALID, "that note is %d characters; the limit is %d. Shorten it and say it again", n, MaxStatementLen)
	}
	if err := checkSeen(c, seenVersion); err != nil {
		return nil, err
	}
	if _, err := Next(c.Decision, action); err != nil {
		return nil, Errorf(EINVALID, "%s: %s", c.Ref(), err.Error())
	}
	a := e.Rules.Assess(c.Figure, c.Evidence)
	next, err := step(c.Decision, action, stepFacts{Claim: c, Assessment: a, Actor: req.Actor.Key(), Note: note, Rules: e.Rules})
	if err != nil {
		return nil, err
	}
	now := e.Clock.Now()
	ch := &change{claim: c, version: c.Version}
	old := c.Decision
	c.Decision, c.DecidedBy, c.DecidedAt, c.DecisionNote = next, req.Actor.Key(), now, note
	if next == Pending {
		// A reopened claim has no decision standing: the card and exports
		// show it pending, not "pending by ana"; the audit trail keeps who
		// reopened it and why.
		c.DecidedBy, c.DecidedAt, c.DecisionNote = "", time.Time{}, ""
	}
	kind := map[Action]EventKind{ActApprove: EvApproved, ActReject: EvRejected, ActReopen: EvReopened}[action]
	ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: kind, Old: string(old), New: string(next), Note: note})
	e.touch(c, now)
	summary := fmt.Sprintf("%s %s %s", e.display(ctx, req.Actor), pastTense(action), c.Ref())
	if note != "" {
		summary += ": " + note
	}
	ch.out = e.announce(ctx, req, c, a, summary)
	if action == ActApprove || action == ActReject {
		happened := fmt.Sprintf("was %s by %s.", pastTense(action), e.display(ctx, req.Actor))
		if note != "" {
			happened += " Note: " + note
		}
		tone := ToneSuccess
		if action == ActReject {
			tone = ToneWarning
		}
		ch.out = append(ch.out, e.directNotices(ctx, req, c, DirectText(c, happened), tone)...)
	}
	if err := e.commit(ctx, req, ch); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, e.conflict(ctx, id)
		}
		return nil, err
	}
	e.log(ctx, req, c.ID, "claim "+pastTense(action))
	return c, nil
}

func pastTense(a Action) string {
	switch a {
	case ActApprove:
		return "approved"
	case ActReject:
		return "rejected"
	case ActReopen:
		return "reopened"
	case ActEdit:
		return "edited"
	case ActAssign:
		return "assigned"
	}
	return string(a)
}

// conflict reloads a claim that changed under a writer and says how it is now.
func (e *Engine) conflict(ctx context.Context, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	return changedWhileLooking(c)
}

// checkSeen refuses a decision made on a view of c other than its current
// version: an older one (it changed meanwhile) or one it never had.
func checkSeen(c *Claim, seenVersion int) error {
	switch {
	case seenVersion == 0 || seenVersion == c.Version:
		return nil
	case seenVersion > c.Version:
		return Errorf(EINVALID, "claim %s is at version %d; there is no version %d", c.Ref(), c.Version, seenVersion)
	}
	return changedWhileLooking(c)
}

func changedWhileLooking(c *Claim) error {
	return Errorf(ECONFLICT, "claim %s changed while you were looking; now %s", c.Ref(), c.Status())
}

// retryOnConflict reruns a commutative change (evidence, assignment) that lost
// a race, a few times, instead of bothering the user.
func (e *Engine) retryOnConflict(ctx context.Context, f func() (*Claim, error)) (*Claim, error) {
	for attempt := 0; ; attempt++ {
		c, err := f()
		if ErrorCode(err) != ECONFLICT || attempt == 4 || ctx.Err() != nil {
			return c, err
		}
	}
}

// authorize is the one place permission is checked.
func (e *Engine) authorize(ctx context.Context, req Request, action Action, c *Claim) error {
	if req.Actor == System {
		return nil
	}
	if EditorOnly(action) {
		return e.RequireEditor(ctx, req, string(action)+" claims")
	}
	if action != ActEdit || c.FiledBy == req.Actor.Key() {
		return nil // the filer may edit without asking who the editors are
	}
	editor, err := e.IsEditor(ctx, req)
	if err != nil {
		return err
	}
	if !editor {
		return Errorf(EFORBIDDEN, "only the reporter who filed %s or an editor can edit it", c.Ref())
	}
	return nil
}

// ApprovalNeedsNote reports whether approving c needs a resolution note:
// whenever its evidence, assessed now, does not corroborate it. Platforms
// ask before approving (a Slack modal), so they apply the engine's rule.
func (e *Engine) ApprovalNeedsNote(c *Claim) bool {
	return e.Rules.Assess(c.Figure, c.Evidence).State != Corroborated
}

// RequireEditor refuses, with EFORBIDDEN "only editors can <what>", a
// requester who is not an editor where they asked. The desk itself may do
// anything. Features outside the claim workflow (digests) check here too.
func (e *Engine) RequireEditor(ctx context.Context, req Request, what string) error {
	if req.Actor == System {
		return nil
	}
	editor, err := e.IsEditor(ctx, req)
	if err != nil {
		return err
	}
	if !editor {
		return Errorf(EFORBIDDEN, "only editors can %s", what)
	}
	return nil
}

// IsEditor reports whether the requester is an editor where they asked.
func (e *Engine) IsEditor(ctx context.Context, req Request) (bool, error) {
	if e.Roles == nil {
		return false, nil
	}
	ok, err := e.Roles.IsEditor(ctx, req.Actor, req.Conv.Channel)
	if err != nil {
		return false, fmt.Errorf("checking editor role: %w", err)
	}
	return ok, nil
}

// Assign gives a claim to someone to verify; assignee is an actor key, or ""
// to unassign.
func (e *Engine) Assign(ctx context.Context, req Request, id int64, assignee Actor) (*Claim, error) {
	return e.retryOnConflict(ctx, func() (*Claim, error) {
		c, err := e.Store.Claim(ctx, id)
		if err != nil {
			return nil, err
		}
		if _, err := Next(c.Decision, ActAssign); err != nil {
			return nil, err
		}
		key := ""
		if assignee.ID != "" {
			key = assignee.Key()
		}
		if key == c.Assignee {
			return nil, Errorf(EINVALID, "%s is already assigned to %s", c.Ref(), e.display(ctx, assignee))
		}
		now := e.Clock.Now()
		ch := &change{claim: c, version: c.Version}
		ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvAssigned, Old: c.Assignee, New: key})
		ch.formerAssignee = c.Assignee
		c.Assignee = key
		e.touch(c, now)
		who := e.display(ctx, assignee)
		if key == "" {
			who = "nobody"
		}
		ch.out = e.announce(ctx, req, c, e.Rules.Assess(c.Figure, c.Evidence), fmt.Sprintf("%s assigned %s to %s", e.display(ctx, req.Actor), c.Ref(), who))
		ch.out = append(ch.out, e.directNotices(ctx, req, c,
			DirectText(c, fmt.Sprintf("is now assigned to %s (by %s).", who, e.display(ctx, req.Actor))), ToneInfo)...)
		if err := e.commit(ctx, req, ch); err != nil {
			return nil, err
		}
		return c, nil
	})
}

// Edit replaces a claim's statement (and the figure parsed from it). Only the
// filer or an editor may, and only while no decision stands.
func (e *Engine) Edit(ctx context.Context, req Request, id int64, seenVersion int, statement string) (*Claim, error) {
	statement = lineValue(statement)
	if err := checkStatement(statement); err != nil {
		return nil, err
	}
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := e.authorize(ctx, req, ActEdit, c); err != nil {
		return nil, err
	}
	if err := checkSeen(c, seenVersion); err != nil {
		return nil, err
	}
	if _, err := Next(c.Decision, ActEdit); err != nil {
		return nil, Errorf(EINVALID, "%s: %s", c.Ref(), err.Error())
	}
	now := e.Clock.Now()
	ch := &change{claim: c, version: c.Version}
	ch.events = append(ch.events, Event{At: now, Actor: req.Actor.Key(), Kind: EvEdited, Old: c.Statement, New: statement})
	oldState := c.State
	c.Statement = statement
	var topic Topic
	c.Figure, topic, c.FigureNote = StatementFigure(statement)
	if topic.Metric != "" {
		c.Metric, c.Who, c.Place, c.Period = topic.Metric, topic.Who, topic.Place, topic.Period
	}
	a := e.assessInto(c, now)
	summary := fmt.Sprintf("%s edited %s: %s", e.display(ctx, req.Actor), c.Ref(), statement)
	if c.FigureNote != "" {
		summary += ". " + strings.TrimSuffix(c.FigureNote, ".")
	}
	if c.State != oldState {
		ch.events = append(ch.events, Event{At: now, Actor: System.Key(), Kind: EvStateChanged, Old: string(oldState), New: string(c.State), Note: a.Conflict})
		summary += fmt.Sprintf(". Now %s", c.State)
	}
	e.touch(c, now)
	ch.out = e.announce(ctx, req, c, a, summary)
	if err := e.commit(ctx, req, ch); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, e.conflict(ctx, id)
		}
		return nil, err
	}
	return c, nil
}

func (e *Engine) log(ctx context.Context, req Request, id int64, msg string) {
	if e.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.Int64("claim_id", id),
		slog.String("platform", req.Conv.Platform), slog.String("channel", req.Conv.Channel),
		slog.String("user", req.Actor.Key())}
	if req.Event != nil && req.Event.EventID != "" {
		attrs = append(attrs, slog.String("event_id", req.Event.EventID))
	}
	e.Logger.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
}

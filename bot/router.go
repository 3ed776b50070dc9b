package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
)

// Handler runs a command registered by a feature outside the core grammar.
type Handler func(ctx context.Context, req workflows.Request, cmd Command) error

// Observer receives command outcomes, for metrics.
type Observer interface {
	Command(name, outcome string)
}

// Router records every inbound event in the inbox, parses it and calls the
// engine. User mistakes and refusals are answered in chat and change
// nothing; a redelivered event has no second effect.
//
// An event is recorded either before it is handled (Receive: for platforms
// that acknowledge it before the answer is written, so a crash in between
// leaves it for Recover) or by the change that answers it (Handle of an
// event with no inbox id: for the terminal, whose line is not acknowledged
// until its answer is shown, which saves a commit per command).
type Router struct {
	Engine  *workflows.Engine
	Inbox   workflows.Inbox
	Grammar *Grammar
	Logger  *slog.Logger
	Clock   workflows.Clock
	// Mentions turns a user mention as typed on a platform ("<@U123>",
	// "@ana:example.org", "ana") into that platform's user id.
	Mentions map[string]func(string) (string, bool)
	// Resolve, when set for a platform, is asked instead of Mentions: it
	// may ask the platform who a typed name is (a Slack handle, a user id
	// Slack does not know), and its error is the answer the user gets.
	Resolve  map[string]func(ctx context.Context, typed string) (string, error)
	Observer Observer
	// Order, when set for a platform, gives the key within which its events
	// must be handled in the order they came (Slack: the person; Matrix: the
	// room), as its adapter's pool takes them. The sweep handles events of
	// different keys at once; a platform with none has its events handled
	// one after another.
	Order map[string]func(workflows.Inbound) string
	// Help is what help adds on one platform.
	Help map[string]PlatformHelp
}

// PlatformHelp is what help adds on one platform: its own commands (the
// terminal's "as NAME", "quit") and how a command is typed there.
type PlatformHelp struct {
	// Items are added to the list of commands: "as NAME — …".
	Items []string
	// Topics add a sentence to help TOPIC; for a topic that is no command
	// ("as"), they are the whole answer.
	Topics map[string]string
}

// Register adds a feature's command (digest, ingest, keep) to the table,
// with h as its Run.
func (r *Router) Register(s Spec, h Handler) {
	if r.Grammar == nil {
		r.Grammar = NewGrammar()
	}
	s.Run = func(_ *Router, ctx context.Context, req workflows.Request, cmd Command) error {
		return h(ctx, req, cmd)
	}
	r.Grammar.Add(s)
}

// Receive records ev in the inbox and handles it, unless it was recorded
// before (a redelivery), in which case it does nothing and returns false.
// An error means the event could not even be recorded: the platform should
// redeliver it.
func (r *Router) Receive(ctx context.Context, ev workflows.Inbound) (bool, error) {
	fresh, err := r.Record(ctx, &ev)
	if err != nil || !fresh {
		return false, err
	}
	r.Handle(ctx, ev)
	return true, nil
}

// Record stores ev in the inbox (setting its id) unless it was recorded
// before, for platforms that must answer between recording and handling
// (Slack's HTTP mode acknowledges at once, then handles).
func (r *Router) Record(ctx context.Context, ev *workflows.Inbound) (fresh bool, err error) {
	clean(ev)
	if ev.ReceivedAt.IsZero() {
		ev.ReceivedAt = r.Clock.Now()
	}
	fresh, err = r.Inbox.Record(ctx, ev)
	if err != nil {
		return false, fmt.Errorf("recording inbound event: %w", err)
	}
	return fresh, nil
}

// Recover handles events recorded but never handled, after a crash. Events
// received within the last minute are left to whoever is handling them now.
// It stops at a batch with an event that could not even be answered, which
// would otherwise come back in the next batch for ever.
func (r *Router) Recover(ctx context.Context) error {
	for {
		evs, err := r.Inbox.Unhandled(ctx, r.Clock.Now().Add(-time.Minute), 100)
		if err != nil || len(evs) == 0 {
			return err
		}
		if err := r.handleAll(ctx, evs); err != nil {
			return err
		}
		if len(evs) < 100 {
			return nil
		}
	}
}

// Sweep calls Recover now and then every interval until ctx ends: it
// answers inbound events that were recorded but never handled, those of a
// replica that died between acknowledging an event and handling it, and
// those the bounded pool had no room for. Recover only takes events older
// than a minute, so a live replica's own work is left to it; two replicas
// sweeping at once are safe, since handling an event marks it handled in
// the same transaction and the second attempt rolls back. The first pass
// is at once, for what a crashed process left.
func (r *Router) Sweep(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := r.Recover(ctx); err != nil && ctx.Err() == nil {
			r.logger().Warn("answering events left unhandled", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepWorkers bounds how many events the sweep handles at once. Handling
// an event is mostly waiting for its change to commit, and on SQLite the
// changes waiting together commit together: a backlog (what the pool had no
// room for, which it leaves exactly when the desk is busiest) is worked off
// many events to a commit instead of one, as fast as the reporters filing
// at once that made it.
const sweepWorkers = 16

// handleAll handles events and returns the error of the first, in evs'
// order, that failed. Events of one order key (see Router.Order) are
// handled one after another in evs' order; those of different keys at once,
// up to sweepWorkers.
func (r *Router) handleAll(ctx context.Context, evs []workflows.Inbound) error {
	var lanes [][]int // indexes into evs, one lane per key, in order of first event
	lane := map[string]int{}
	for i, ev := range evs {
		key := r.orderKey(ev)
		l, ok := lane[key]
		if !ok {
			l = len(lanes)
			lane[key] = l
			lanes = append(lanes, nil)
		}
		lanes[l] = append(lanes[l], i)
	}
	errs := make([]error, len(evs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(sweepWorkers, len(lanes)) {
		wg.Go(func() {
			for l := int(next.Add(1)) - 1; l < len(lanes); l = int(next.Add(1)) - 1 {
				for _, i := range lanes[l] {
					errs[i] = r.Handle(ctx, evs[i])
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// orderKey is the lane of ev in handleAll: its platform's order key, or the
// platform alone, so a platform that names none has its events handled
// one after another.
func (r *Router) orderKey(ev workflows.Inbound) string {
	if key := r.Order[ev.Platform]; key != nil {
		return ev.Platform + "\x00" + key(ev)
	}
	return ev.Platform
}

// RecoverAll handles every unhandled event, however recent, of the given
// platforms (all when none is given): for the one process that can be
// handling them, such as the replica that has just taken over the Matrix
// sync. Other platforms' recent events may be in a live replica's hands, and
// are left to Recover.
func (r *Router) RecoverAll(ctx context.Context, platforms ...string) error {
	evs, err := r.Inbox.Unhandled(ctx, r.Clock.Now().Add(time.Hour), 1<<30)
	if err != nil {
		return err
	}
	evs = slices.DeleteFunc(evs, func(ev workflows.Inbound) bool {
		return len(platforms) > 0 && !slices.Contains(platforms, ev.Platform)
	})
	return r.handleAll(ctx, evs)
}

// UnhandledOf returns up to limit of platform's events recorded but not
// handled, however recent, that keep accepts, oldest (lowest inbox id)
// first: for a pool working off, in order, the events of one key it had no
// room for (Pool.Drain). It reads the platform's unhandled events a page
// at a time until it has limit of them or there are no more.
func (r *Router) UnhandledOf(ctx context.Context, platform string, limit int, keep func(workflows.Inbound) bool) ([]workflows.Inbound, error) {
	const page = 200
	var out []workflows.Inbound
	var after int64
	for {
		evs, err := r.Inbox.UnhandledOn(ctx, platform, after, page)
		if err != nil {
			return nil, err
		}
		for _, ev := range evs {
			if keep(ev) {
				out = append(out, ev)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(evs) < page {
			return out, nil
		}
		after = evs[len(evs)-1].ID
	}
}

// Handle parses and runs an event. One with no inbox id is recorded by the
// change that answers it. It never panics: a panic is logged with its stack
// and answered as an internal error. It returns an error only when not
// even that answer could be written: a recorded event then stays unhandled
// for Recover, an unrecorded one changed nothing and must be sent again.
func (r *Router) Handle(ctx context.Context, ev workflows.Inbound) (err error) {
	clean(&ev)
	req := workflows.Request{Actor: ev.Actor, Conv: ev.Conv, Event: &ev}
	log := r.logger().With("platform", ev.Platform, "channel", ev.Conv.Channel, "user", ev.Actor.Key(), "inbox_id", ev.ID,
		"event_id", ev.EventID)
	// Every command is counted under its own name whatever becomes of it;
	// words that name no command are "unknown", so metrics stay bounded.
	name := "unknown"
	if word, _ := commandWord(ev.Text); r.IsCommand(word) {
		name = word
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("command panicked", "command", name, "panic", p, "stack", string(debug.Stack()))
			r.observe(name, "error")
			err = r.answerError(ctx, log, req, fmt.Errorf("panic: %v", p))
		}
	}()
	threadClaim, err := r.threadClaim(ctx, ev, name)
	var cmd Command
	if err == nil {
		cmd, err = r.grammar().ParseInThread(ev.Text, threadClaim)
	}
	if err == nil {
		err = r.fillClaimID(threadClaim, &cmd)
	}
	if err == nil && cmd.BareNumber != 0 && cmd.ClaimID != cmd.BareNumber {
		// Read both ways, the command could have meant another claim: the
		// answer says which one it acted on.
		req.Note = fmt.Sprintf("(Acted on #%d, this thread's claim; %d was read as part of the text. To act on claim %d, write #%d.)",
			cmd.ClaimID, cmd.BareNumber, cmd.BareNumber, cmd.BareNumber)
	}
	if err == nil {
		err = r.run(ctx, req, cmd)
	}
	if workflows.ErrorCode(err) == workflows.EINTERNAL && workflows.Cancelled(ctx) {
		// The person took it back while it ran (Ctrl-C at the terminal):
		// what failed is the cancelled work, not the desk.
		err = workflows.ErrCancelled
	}
	switch code := workflows.ErrorCode(err); {
	case errors.Is(err, workflows.ErrHandled):
		log.Debug("event already handled elsewhere", "command", name)
		return nil
	case err == nil:
		r.observe(name, "ok")
		return nil
	case code == workflows.EINTERNAL:
		log.Error("command failed", "command", name, "claim_id", cmd.ClaimID, "err", err)
		r.observe(name, "error")
	default:
		r.observe(name, "refused")
	}
	return r.answerError(ctx, log, req, err)
}

// answerTimeout bounds writing an error's answer.
const answerTimeout = 10 * time.Second

// answerError replies with the error's sentence, and returns why if even
// that cannot be written.
func (r *Router) answerError(ctx context.Context, log *slog.Logger, req workflows.Request, err error) error {
	// Written even when the handler's deadline has passed (that may be why
	// it failed): the answer marks the event handled, and an event left
	// unanswered is run again by Recover, work and all.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
	defer cancel()
	rerr := r.Engine.ReplyError(ctx, req, err)
	if rerr == nil || errors.Is(rerr, workflows.ErrHandled) {
		return nil
	}
	log.Error("could not answer", "err", rerr)
	return fmt.Errorf("could not answer: %w", rerr)
}

func (r *Router) observe(name, outcome string) {
	if r.Observer != nil {
		r.Observer.Command(name, outcome)
	}
}

func (r *Router) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// IsCommand reports whether text starts with a command's name; see
// Grammar.IsCommand.
func (r *Router) IsCommand(text string) bool { return r.grammar().IsCommand(text) }

func (r *Router) grammar() *Grammar {
	if r.Grammar == nil {
		r.Grammar = NewGrammar()
	}
	return r.Grammar
}

// clean makes an inbound event's text and the sender's name safe to store
// and show (workflows.CleanText): nothing else in the desk sees them raw.
func clean(ev *workflows.Inbound) {
	ev.Text = workflows.CleanText(ev.Text)
	ev.Actor.Name = workflows.CleanLine(ev.Actor.Name)
}

// threadClaim is the claim whose thread a command about one claim was said
// in, 0 when it was said elsewhere (or is no such command).
func (r *Router) threadClaim(ctx context.Context, ev workflows.Inbound, name string) (int64, error) {
	spec, ok := r.grammar().Lookup(name)
	if !ok || !spec.ClaimArg || ev.Conv.Thread == "" {
		return 0, nil
	}
	id, err := r.Engine.Store.ClaimByThread(ctx, ev.Platform, ev.Conv.Channel, ev.Conv.Thread)
	if workflows.ErrorCode(err) == workflows.ENOTFOUND {
		return 0, nil
	}
	return id, err
}

// fillClaimID takes the claim from the thread the command was said in when
// no "#N" named another.
func (r *Router) fillClaimID(threadClaim int64, cmd *Command) error {
	spec, _ := r.grammar().Lookup(cmd.Name)
	if !spec.ClaimArg || cmd.ClaimID != 0 {
		return nil
	}
	if threadClaim != 0 {
		cmd.ClaimID = threadClaim
		return nil
	}
	return workflows.Errorf(workflows.EINVALID, "which claim? Give its number (usage: %s), or say it in the claim's thread", spec.Usage)
}

// run calls the engine for a parsed command.
func (r *Router) run(ctx context.Context, req workflows.Request, cmd Command) error {
	spec, ok := r.grammar().Lookup(cmd.Name)
	if !ok || spec.Run == nil {
		return fmt.Errorf("command %q has no handler", cmd.Name)
	}
	return spec.Run(r, ctx, req, cmd)
}

// The built-in commands' handlers, named in the grammar's table.

func (r *Router) runClaim(ctx context.Context, req workflows.Request, cmd Command) error {
	// A claim made from a chat message (a shortcut, a reply) carries that
	// message: the engine refuses it filed twice and links back.
	_, err := r.Engine.File(ctx, req, workflows.FileInput{Statement: cmd.Text, Capture: req.Conv.Captured})
	return err
}

func (r *Router) runEvidence(ctx context.Context, req workflows.Request, cmd Command) error {
	_, err := r.Engine.AddEvidence(ctx, req, cmd.ClaimID, cmd.Evidence)
	return err
}

func (r *Router) runShow(ctx context.Context, req workflows.Request, cmd Command) error {
	return r.Engine.Show(ctx, req, cmd.ClaimID)
}

func (r *Router) runHistory(ctx context.Context, req workflows.Request, cmd Command) error {
	return r.Engine.History(ctx, req, cmd.ClaimID)
}

func (r *Router) runSearch(ctx context.Context, req workflows.Request, cmd Command) error {
	return r.Engine.Search(ctx, req, cmd.Args, cmd.Page)
}

func (r *Router) runAssign(ctx context.Context, req workflows.Request, cmd Command) error {
	who, err := r.mention(ctx, req, cmd.User)
	if err != nil {
		return err
	}
	_, err = r.Engine.Assign(ctx, req, cmd.ClaimID, who)
	return err
}

func (r *Router) runApprove(ctx context.Context, req workflows.Request, cmd Command) error {
	_, err := r.Engine.Approve(ctx, req, cmd.ClaimID, cmd.Version, cmd.Text)
	return err
}

func (r *Router) runReject(ctx context.Context, req workflows.Request, cmd Command) error {
	_, err := r.Engine.Reject(ctx, req, cmd.ClaimID, cmd.Version, cmd.Text)
	return err
}

func (r *Router) runReopen(ctx context.Context, req workflows.Request, cmd Command) error {
	_, err := r.Engine.Reopen(ctx, req, cmd.ClaimID, cmd.Version, cmd.Text)
	return err
}

func (r *Router) runEdit(ctx context.Context, req workflows.Request, cmd Command) error {
	_, err := r.Engine.Edit(ctx, req, cmd.ClaimID, cmd.Version, cmd.Text)
	return err
}

func (r *Router) runHelp(ctx context.Context, req workflows.Request, cmd Command) error {
	editor, err := r.Engine.IsEditor(ctx, req)
	if err != nil {
		return err
	}
	topic := ""
	if len(cmd.Args) > 0 {
		topic = cmd.Args[0]
	}
	return r.Engine.Reply(ctx, req, r.help(req.Conv.Platform, editor, topic))
}

// help is the grammar's help with what the platform adds.
func (r *Router) help(platform string, editor bool, topic string) workflows.Message {
	ph := r.Help[platform]
	t := strings.ToLower(topic)
	if note, ok := ph.Topics[t]; ok {
		if _, isCommand := r.grammar().Lookup(t); !isCommand {
			return workflows.Message{Text: note}
		}
	}
	m := r.grammar().HelpMessage(editor, topic)
	if note := ph.Topics[t]; note != "" && topic != "" && m.Tone != workflows.ToneError {
		m.Text += " " + note
	}
	if topic == "" {
		m.Items = append(m.Items, ph.Items...)
	}
	return m
}

func (r *Router) runList(ctx context.Context, req workflows.Request, cmd Command) error {
	f := workflows.ClaimFilter{State: cmd.State, Decision: cmd.Decision}
	if cmd.Mine {
		f.FiledBy = req.Actor.Key()
	}
	switch cmd.Assignee {
	case "", workflows.NoAssignee:
		f.Assignee = cmd.Assignee
	default:
		who, err := r.mention(ctx, req, cmd.Assignee)
		if err != nil {
			return err
		}
		f.Assignee = who.Key()
	}
	return r.Engine.List(ctx, req, f, cmd.Page, strings.Join(append([]string{"list"}, cmd.Args...), " "))
}

// mention resolves a typed user mention on the requester's platform. "me" is
// the requester; "nobody" is no one.
func (r *Router) mention(ctx context.Context, req workflows.Request, typed string) (workflows.Actor, error) {
	switch strings.ToLower(typed) {
	case "me", "@me":
		return req.Actor, nil
	case "nobody", "none", "-":
		return workflows.Actor{}, nil
	}
	if resolve := r.Resolve[req.Actor.Platform]; resolve != nil {
		id, err := resolve(ctx, typed)
		if err != nil {
			return workflows.Actor{}, err
		}
		return workflows.Actor{Platform: req.Actor.Platform, ID: id}, nil
	}
	parse := r.Mentions[req.Actor.Platform]
	if parse == nil {
		name, err := PlainName(typed)
		if err != nil {
			return workflows.Actor{}, workflows.Errorf(workflows.EINVALID, "%q is not a name I can assign: %s", workflows.Shorten(typed, 60), workflows.ErrorMessage(err))
		}
		return workflows.Actor{Platform: req.Actor.Platform, ID: name}, nil
	}
	id, ok := parse(typed)
	if !ok {
		return workflows.Actor{}, workflows.Errorf(workflows.EINVALID, "%q is not a user I can assign; mention them, e.g. @ana", workflows.Shorten(typed, 60))
	}
	return workflows.Actor{Platform: req.Actor.Platform, ID: id}, nil
}

// MaxPlainName is the longest plain user name, in characters: the
// terminal's "as NAME" and a name given to assign where the platform has no
// user ids of its own.
const MaxPlainName = 64

// PlainName checks a plain user name, "@ana" or "ana", and returns it
// without the "@": one word of at most MaxPlainName characters, with no
// control, bidirectional formatting or other invisible characters (a
// zero-width space would make "editor\u200b" show as "editor" in a claim's
// history), and not the desk's own name (workflows.System), which its
// history shows for what the desk did itself. It is the rule of the
// terminal's "as NAME", shell.user and --user. The error says why not.
func PlainName(s string) (string, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	switch {
	case s == "":
		return "", workflows.Errorf(workflows.EINVALID, "a name is needed")
	case utf8.RuneCountInString(s) > MaxPlainName:
		return "", workflows.Errorf(workflows.EINVALID, "a name is at most %d characters", MaxPlainName)
	case workflows.CleanText(s) != s:
		// CleanText removes what a terminal would obey: control characters,
		// escape sequences, bidirectional controls.
		return "", workflows.Errorf(workflows.EINVALID, "a name holds no control or text-direction characters")
	case strings.ContainsAny(s, "<>#") || strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return "", workflows.Errorf(workflows.EINVALID, "a name is one word, without spaces, <, > or #")
	case strings.IndexFunc(s, workflows.Invisible) >= 0:
		return "", workflows.Errorf(workflows.EINVALID, "a name holds no invisible characters (a zero-width space or joiner, a soft hyphen, a variation selector)")
	case strings.EqualFold(s, workflows.System.ID) || strings.EqualFold(s, workflows.System.Name):
		return "", workflows.Errorf(workflows.EINVALID, "%s is the desk's own name; choose another", workflows.System.Name)
	}
	return s, nil
}

// StaticRoles are the editors named in config, per platform, optionally
// extended by a platform's own notion of editor (a Slack user group, a
// Matrix power level).
type StaticRoles struct {
	Editors map[string][]string // platform → user ids
	// Dynamic is asked when the config does not name the user.
	Dynamic map[string]workflows.Roles

	mu sync.RWMutex // guards Editors once the desk runs; see SetEditors
}

// SetEditors replaces the configured editors while the desk runs (a config
// reload); checks in progress finish with the old list.
func (s *StaticRoles) SetEditors(editors map[string][]string) {
	s.mu.Lock()
	s.Editors = editors
	s.mu.Unlock()
}

// IsEditor implements workflows.Roles.
func (s *StaticRoles) IsEditor(ctx context.Context, actor workflows.Actor, channel string) (bool, error) {
	s.mu.RLock()
	ids := s.Editors[actor.Platform]
	s.mu.RUnlock()
	for _, id := range ids {
		if id == actor.ID {
			return true, nil
		}
	}
	if d := s.Dynamic[actor.Platform]; d != nil {
		return d.IsEditor(ctx, actor, channel)
	}
	return false, nil
}

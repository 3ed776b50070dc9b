package matrix

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// Platform is Matrix's name in config and storage.
const Platform = "matrix"

// Options are the adapter's settings.
type Options struct {
	// Prefix starts a command: "!fd claim …". Default "!fd".
	Prefix string
	// AllowInvites are user ids (@ana:example.org) and server suffixes
	// (:example.org) whose invites the bot accepts. Default: users on the
	// bot's own homeserver.
	AllowInvites []string
	// Owner names this replica in the sync lease.
	Owner string
	// LeaseTTL is how long the lease lasts unless renewed (default 30s);
	// another replica takes over that long after this one dies.
	LeaseTTL time.Duration
	// SyncTimeout is the long-poll timeout of /sync (default 10s, or a
	// third of LeaseTTL when that is shorter); it must stay well under
	// LeaseTTL, which is renewed between two syncs.
	SyncTimeout time.Duration
	// TimelineLimit caps the events per room in one /sync response (0: the
	// server's default). A gap beyond it is filled from /messages.
	TimelineLimit int
	// KeyWait is how long an encrypted event whose key is missing is held
	// for the key before the desk says it could not read it (default
	// DecryptWait).
	KeyWait time.Duration
}

// Bot syncs the bot account's rooms and hands commands to the router.
type Bot struct {
	Client *mautrix.Client
	Router bot.Port // the desk, as far as an adapter may see it
	Store  Store
	Clock  workflows.Clock
	Logger *slog.Logger
	// Notify wakes the dispatcher after a batch queued a notice.
	Notify func()
	// Crypto reads and writes encrypted rooms; nil when encryption is off.
	Crypto  E2EE
	Options Options

	names []string // how people address the bot, for mentions

	// pool handles recorded events off the sync loop, a room's in the
	// order they were said (a reporter's "notify on" after the editor's
	// decision must come after it) and rooms in turn, so a slow command (an
	// ingest of a slow page) delays neither the sync nor other rooms;
	// inflight counts the jobs it took, which Run waits for before giving
	// up the lease.
	pool     *bot.Pool
	inflight *sync.WaitGroup

	// status is what /readyz says of the sync (see Status); nil until Run
	// has tried.
	status atomic.Pointer[syncStatus]
}

// syncStatus is the state of the sync loop, for Status.
type syncStatus struct {
	ready  bool
	detail string
}

func (b *Bot) setStatus(ready bool, detail string) {
	b.status.Store(&syncStatus{ready: ready, detail: detail})
}

// Status says whether the bot receives what is said in its rooms
// (bot.StatusReporter): ready once a sync has come back, or while another
// replica holds the sync lease (this one stands by); not ready before the
// first sync and while syncing fails.
func (b *Bot) Status() (bool, string) {
	s := b.status.Load()
	if s == nil {
		return false, "logged in; waiting for the first sync"
	}
	return s.ready, s.detail
}

// handleTimeout bounds handling one recorded event.
const handleTimeout = 30 * time.Second

// orderKey is the pool's key for ev, and the sweep's (bot.Orderer): a
// room's commands are handled in sync order, across people too (notify off
// before the editor's decision), and rooms at once.
func orderKey(ev workflows.Inbound) string { return ev.Conv.Channel }

// handle hands recorded events to the pool, one job per event, in each
// room's order. An event the pool has no room for stays recorded and
// unhandled in the inbox, where the pool's drain finds it once the room's
// queued events are done (bot.Pool), or failing that the sweep
// (Router.Recover).
func (b *Bot) handle(evs []workflows.Inbound) {
	for _, ev := range evs {
		b.inflight.Add(1)
		took := b.pool.Submit(orderKey(ev), func(ctx context.Context) {
			defer b.inflight.Done()
			// Handle logs its own failures; one left unanswered stays in
			// the inbox for the sweep.
			_ = b.Router.Handle(ctx, ev)
		})
		if !took {
			b.inflight.Done()
			b.log().Warn("event queue full; the event waits in the inbox for its turn",
				"event_id", ev.EventID, "inbox_id", ev.ID, "channel", ev.Conv.Channel)
		}
	}
}

// Reactions that decide: approve and reject.
var (
	approveKeys = []string{"✅", "✔", "☑"}
	rejectKeys  = []string{"❌", "✖", "❎"}
)

// noCryptoNotice is said once in each encrypted room when the desk runs
// without encryption.
const noCryptoNotice = "This room is encrypted, and this desk runs without encryption, so I cannot read commands here. " +
	"Ask the desk's operator to turn encryption on (matrix.pickle_key), or use an unencrypted room."

func (b *Bot) account() string { return b.Client.UserID.String() }

// log is the bot's logger; every line names the platform.
func (b *Bot) log() *slog.Logger {
	if b.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Logger.With("platform", Platform)
}

func (b *Bot) defaults() {
	if b.Options.Prefix == "" {
		b.Options.Prefix = "!fd"
	}
	if b.Options.LeaseTTL == 0 {
		b.Options.LeaseTTL = 30 * time.Second
	}
	if b.Options.KeyWait == 0 {
		b.Options.KeyWait = DecryptWait
	}
	if b.Options.SyncTimeout == 0 {
		b.Options.SyncTimeout = min(10*time.Second, b.Options.LeaseTTL/3)
	}
	if len(b.Options.AllowInvites) == 0 {
		b.Options.AllowInvites = []string{":" + b.Client.UserID.Homeserver()}
	}
	if b.Clock == nil {
		b.Clock = workflows.SystemClock{}
	}
	if b.pool == nil {
		b.pool, b.inflight = bot.NewPool(0, 0, 0, handleTimeout, b.log()), &sync.WaitGroup{}
		b.pool.SetDrain(bot.DrainOf(b.Router, Platform, orderKey))
	}
}

// Run syncs until ctx ends. It never stops on an error: it logs it and
// tries again after a growing pause. Only the replica holding the lease
// syncs; the others wait to take over.
func (b *Bot) Run(ctx context.Context) error {
	b.defaults()
	b.names = b.mentionNames(ctx)
	log := b.log().With("account", b.account())
	failures := 0
	for ctx.Err() == nil {
		held, err := b.Store.MatrixLease(ctx, b.account(), b.Options.Owner, b.Clock.Now(), b.Options.LeaseTTL)
		if err != nil {
			log.Error("taking the sync lease", "err", err)
		}
		if !held {
			b.setStatus(true, "standing by: another replica syncs")
			wait(ctx, b.Options.LeaseTTL/3)
			continue
		}
		log.Info("syncing: this replica holds the sync lease")
		err = b.syncHeld(ctx)
		if ctx.Err() != nil {
			break
		}
		if errors.Is(err, errLeaseLost) {
			// A handover, not a failure: wait for the lease like any replica.
			log.Info("another replica took the sync lease")
			failures = 0
			continue
		}
		failures++
		b.setStatus(false, "sync failing, trying again")
		pause := min(time.Second<<min(failures, 5), 30*time.Second)
		log.Error("sync stopped; starting again", "err", err, "pause", pause)
		wait(ctx, pause)
	}
	b.inflight.Wait() // what was taken is answered before the lease goes
	b.pool.Wait()     // and what the pool works off of what it refused
	rel, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = b.Store.MatrixReleaseLease(rel, b.account(), b.Options.Owner)
	return nil
}

var errLeaseLost = errors.New("another replica took the sync lease")

// syncHeld syncs while this replica holds the lease. Events recorded by a
// crashed holder but never handled are handled first.
func (b *Bot) syncHeld(ctx context.Context) error {
	if b.Crypto != nil {
		// Crypto state is loaded afresh with each lease: another replica
		// may have used the account since this one last held it.
		if err := b.Crypto.Start(ctx, b.Clock.Now().Add(b.Options.LeaseTTL)); err != nil {
			return fmt.Errorf("starting encryption: %w", err)
		}
		defer b.Crypto.Stop()
	}
	if err := b.safely(func() error { return b.Router.RecoverAll(ctx, Platform) }); err != nil {
		b.log().Error("handling events left over from before", "err", err)
	}
	since, err := b.Store.MatrixSyncToken(ctx, b.account())
	if err != nil {
		return err
	}
	filter := ""
	if b.Options.TimelineLimit > 0 {
		filter = fmt.Sprintf(`{"room":{"timeline":{"limit":%d}}}`, b.Options.TimelineLimit)
	}
	// Events older than a minute that nobody handled are swept up by the
	// run command for every platform; this loop only syncs.
	for {
		held, err := b.Store.MatrixLease(ctx, b.account(), b.Options.Owner, b.Clock.Now(), b.Options.LeaseTTL)
		if err != nil {
			return err
		}
		if !held {
			return errLeaseLost
		}
		if b.Crypto != nil {
			b.Crypto.Extend(b.Clock.Now().Add(b.Options.LeaseTTL))
		}
		resp, err := b.Client.FullSyncRequest(ctx, mautrix.ReqSync{
			Timeout: int(b.Options.SyncTimeout / time.Millisecond), Since: since, FilterID: filter})
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if err := b.Process(ctx, since, resp); err != nil {
			return err
		}
		b.setStatus(true, "syncing")
		since = resp.NextBatch
	}
}

// Process records one /sync response (the events it turns into commands,
// with its next_batch, in one transaction) and then handles each new one.
// since is the token the response was asked with, "" for the first sync.
func (b *Bot) Process(ctx context.Context, since string, resp *mautrix.RespSync) error {
	b.defaults()
	if b.Crypto != nil {
		// Keys that arrive in this batch decrypt the batch's own events.
		if err := b.Crypto.ProcessSync(ctx, resp, since); err != nil {
			return fmt.Errorf("reading the batch's keys: %w", err)
		}
	}
	held := map[string]string{}
	evs, once := b.collect(ctx, since, resp, held)
	// Held before the batch commits: a crash between the two finds the
	// event held, or gets the batch again.
	if err := b.Store.MatrixHold(ctx, b.account(), held, b.Clock.Now()); err != nil {
		return fmt.Errorf("holding undecryptable events: %w", err)
	}
	fresh, err := b.Store.MatrixCommitBatch(ctx, b.account(), b.Options.Owner, resp.NextBatch, evs, once, b.Clock.Now())
	if err != nil {
		return fmt.Errorf("recording a sync batch: %w", err)
	}
	if len(once) > 0 && b.Notify != nil {
		b.Notify()
	}
	b.handle(fresh)
	// Held events stay held when this fails; the next batch tries again,
	// so the sync goes on.
	if err := b.safely(func() error { return b.retryHeld(ctx) }); err != nil {
		b.log().Error("trying held encrypted events again", "err", err)
	}
	return nil
}

// safely runs f, turning a panic into an error so the sync loop goes on.
func (b *Bot) safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			b.log().Error("matrix handler panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// collect turns a sync response into inbound events and one-time notices.
// It also accepts the invites it should.
func (b *Bot) collect(ctx context.Context, since string, resp *mautrix.RespSync, held map[string]string) ([]workflows.Inbound, map[string]workflows.Outgoing) {
	for room, inv := range resp.Rooms.Invite {
		_ = b.safely(func() error { b.invited(ctx, room, inv); return nil })
	}
	var evs []workflows.Inbound
	once := map[string]workflows.Outgoing{}
	for room, joined := range resp.Rooms.Join {
		_ = b.safely(func() error {
			got := b.room(ctx, since, room, joined, once, held)
			evs = append(evs, got...)
			return nil
		})
	}
	return evs, once
}

// invited joins a room if the inviter is allowed to bring the bot in.
func (b *Bot) invited(ctx context.Context, room id.RoomID, inv *mautrix.SyncInvitedRoom) {
	inviter := ""
	for _, ev := range inv.State.Events {
		if ev.Type == event.StateMember && ev.GetStateKey() == b.account() {
			_ = ev.Content.ParseRaw(ev.Type)
			if m := ev.Content.AsMember(); m.Membership == event.MembershipInvite {
				inviter = ev.Sender.String()
			}
		}
	}
	log := b.log().With("channel", room.String(), "user", inviter)
	if !b.inviteAllowed(inviter) {
		log.Info("ignoring an invite from someone not allowed to invite the desk")
		return
	}
	if _, err := b.Client.JoinRoomByID(ctx, room); err != nil {
		log.Error("joining a room", "err", err)
		return
	}
	log.Info("joined a room on invite")
}

func (b *Bot) inviteAllowed(user string) bool {
	if user == "" {
		return false
	}
	for _, a := range b.Options.AllowInvites {
		if a == user || strings.HasPrefix(a, ":") && strings.HasSuffix(user, a) {
			return true
		}
	}
	return false
}

// room turns a joined room's new timeline into inbound events. Encrypted
// events are decrypted; those whose keys have not arrived go into held.
func (b *Bot) room(ctx context.Context, since string, room id.RoomID, joined *mautrix.SyncJoinedRoom,
	once map[string]workflows.Outgoing, held map[string]string) []workflows.Inbound {
	timeline := joined.Timeline.Events
	if joined.Timeline.Limited && since != "" && joined.Timeline.PrevBatch != "" {
		timeline = append(b.backfill(ctx, room, joined.Timeline.PrevBatch, since), timeline...)
	}
	encrypted := false
	for _, ev := range joined.State.Events {
		encrypted = encrypted || ev.Type == event.StateEncryption
	}
	for _, ev := range timeline {
		encrypted = encrypted || ev.Type == event.StateEncryption || ev.Type == event.EventEncrypted
	}
	if encrypted && b.Crypto == nil {
		once["encrypted:"+room.String()] = workflows.Outgoing{Platform: Platform, Channel: room.String(),
			Kind: workflows.KindPost, Message: workflows.Message{Text: noCryptoNotice, Tone: workflows.ToneWarning}}
	}
	if since == "" {
		// The first sync shows history; the desk answers only what is new.
		return nil
	}
	// In a room joined in this batch, only what was said after the join.
	for i := len(timeline) - 1; i >= 0; i-- {
		ev := timeline[i]
		if ev.Type == event.StateMember && ev.GetStateKey() == b.account() {
			timeline = timeline[i+1:]
			break
		}
	}
	var out []workflows.Inbound
	for _, ev := range timeline {
		if ev.Sender == b.Client.UserID {
			continue
		}
		ev.RoomID = room
		if err := ev.Content.ParseRaw(ev.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
			continue
		}
		if ev.Type == event.EventEncrypted {
			if b.Crypto == nil {
				continue
			}
			dec, err := b.Crypto.Decrypt(ctx, ev)
			if err != nil {
				if errors.Is(err, ErrNoKeys) {
					b.hold(ctx, ev, held)
				} else {
					once["undecryptable:"+ev.ID.String()] = b.unreadable(ev, err)
				}
				continue
			}
			ev = dec
		}
		if in := b.inbound(ctx, ev, once); in != nil {
			in.ReceivedAt = b.Clock.Now()
			out = append(out, *in)
		}
	}
	return out
}

// inbound turns one message or reaction, decrypted already, into a command.
func (b *Bot) inbound(ctx context.Context, ev *event.Event, once map[string]workflows.Outgoing) *workflows.Inbound {
	switch ev.Type {
	case event.EventMessage:
		return b.message(ctx, ev)
	case event.EventReaction:
		return b.reaction(ctx, ev, once)
	}
	return nil
}

// backfill fetches what a limited timeline left out, oldest first: from the
// timeline's prev_batch back to where the last sync ended.
func (b *Bot) backfill(ctx context.Context, room id.RoomID, from, to string) []*event.Event {
	var got []*event.Event
	for page := 0; page < 20 && from != ""; page++ {
		resp, err := b.Client.Messages(ctx, room, from, to, mautrix.DirectionBackward, nil, 100)
		if err != nil {
			b.log().Error("filling a sync gap", "err", err, "channel", room.String())
			break
		}
		got = append(got, resp.Chunk...)
		if len(resp.Chunk) == 0 || resp.End == "" || resp.End == from {
			break
		}
		from = resp.End
	}
	for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
		got[i], got[j] = got[j], got[i]
	}
	b.log().Info("filled a gap in the room's timeline", "channel", room.String(), "events", len(got))
	return got
}

// message turns a text message into a command: with the prefix, addressed
// to the bot, or a command word in a claim card's thread.
func (b *Bot) message(ctx context.Context, ev *event.Event) *workflows.Inbound {
	m := ev.Content.AsMessage()
	if m.MsgType != event.MsgText || m.RelatesTo.GetReplaceID() != "" {
		// Notices are other bots; edits would run a command twice.
		return nil
	}
	body := commandBody(m)
	if m.Mentions != nil && len(m.Mentions.UserIDs) > 0 {
		body = b.byName(ctx, ev.RoomID, m, body)
	}
	thread := m.RelatesTo.GetThreadParent()
	text, ok := b.command(body)
	// The cheap test first: most talk in a thread is no command, and needs
	// no database look-up.
	if !ok && thread != "" && b.Router.IsCommand(body) && b.isCard(ctx, ev.RoomID, thread.String()) {
		text, ok = strings.TrimSpace(body), true
	}
	if !ok {
		return nil
	}
	in := &workflows.Inbound{
		Platform: Platform, EventID: ev.ID.String(),
		Actor: workflows.Actor{Platform: Platform, ID: ev.Sender.String()},
		Conv: workflows.Conversation{Platform: Platform, Channel: ev.RoomID.String(), Thread: thread.String(),
			MessageID: ev.ID.String()},
		Text: text,
	}
	b.fromReply(ctx, ev, m, in) // "claim" or "evidence …" as a reply: the replied-to message
	return in
}

// reaction turns ✅ on a claim card into approve, and answers ❌ by asking
// for the reason in the card's thread (a rejection needs one).
func (b *Bot) reaction(ctx context.Context, ev *event.Event, once map[string]workflows.Outgoing) *workflows.Inbound {
	r := ev.Content.AsReaction()
	if r.RelatesTo.Type != event.RelAnnotation {
		return nil
	}
	card := r.RelatesTo.EventID.String()
	key := strings.TrimSpace(strings.ReplaceAll(r.RelatesTo.Key, "\ufe0f", ""))
	approve, reject := oneOf(key, approveKeys), oneOf(key, rejectKeys)
	if !approve && !reject {
		return nil
	}
	claimID, err := b.Router.ClaimInThread(ctx, Platform, ev.RoomID.String(), card)
	if err != nil {
		if workflows.ErrorCode(err) != workflows.ENOTFOUND {
			b.log().Error("looking up a reacted card", "err", err)
		}
		return nil
	}
	conv := workflows.Conversation{Platform: Platform, Channel: ev.RoomID.String(), Thread: card, MessageID: card}
	if reject {
		// Addressed to the editor who reacted: it mentions them, and only them.
		once["reject:"+ev.ID.String()] = workflows.Outgoing{Platform: Platform, Channel: conv.Channel,
			Kind: workflows.KindNotice, Thread: card, ClaimID: claimID, User: ev.Sender.String(),
			Message: workflows.Message{Text: fmt.Sprintf("%s: to reject #%d, say why in this thread: reject <reason>",
				ev.Sender, claimID)}}
		return nil
	}
	return &workflows.Inbound{
		Platform: Platform, EventID: ev.ID.String(),
		Actor: workflows.Actor{Platform: Platform, ID: ev.Sender.String()},
		Conv:  conv,
		Text:  fmt.Sprintf("approve #%d", claimID),
	}
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func (b *Bot) isCard(ctx context.Context, room id.RoomID, root string) bool {
	_, err := b.Router.ClaimInThread(ctx, Platform, room.String(), root)
	if err != nil && workflows.ErrorCode(err) != workflows.ENOTFOUND {
		b.log().Error("looking up a claim thread", "err", err, "channel", room.String())
	}
	return err == nil
}

// command strips the prefix or the bot's name from a command.
func (b *Bot) command(body string) (string, bool) {
	body = strings.TrimSpace(body)
	if rest, ok := cutWordPrefix(body, b.Options.Prefix); ok {
		return orHelp(rest), true
	}
	for _, n := range b.names {
		rest, ok := cutWordPrefix(body, n)
		// A bare name must be followed by ":" or ",", as clients write a
		// mention, so that a sentence about the bot is not a command.
		if ok && (strings.HasPrefix(n, "@") || strings.ContainsAny(body[len(n):min(len(n)+1, len(body))], ":,")) {
			return orHelp(rest), true
		}
	}
	return "", false
}

// cutWordPrefix cuts prefix (any case) from s when a separator or the end
// follows it.
func cutWordPrefix(s, prefix string) (string, bool) {
	if prefix == "" || len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	rest := s[len(prefix):]
	if rest != "" && !strings.ContainsAny(rest[:1], " :,\t\n") {
		return "", false
	}
	return strings.TrimSpace(strings.TrimLeft(rest, ":,")), true
}

func orHelp(s string) string {
	if s == "" {
		return "help"
	}
	return s
}

// mentionNames are how people address the bot: its id, its localpart and
// its display name.
func (b *Bot) mentionNames(ctx context.Context) []string {
	user := b.Client.UserID
	names := []string{user.String(), "@" + user.Localpart(), user.Localpart()}
	if resp, err := b.Client.GetOwnDisplayName(ctx); err == nil && resp.DisplayName != "" && resp.DisplayName != user.Localpart() {
		names = append(names, resp.DisplayName)
	}
	return names
}

// stripReplyFallback removes the quoted lines older clients put before a
// reply.
func stripReplyFallback(body string) string {
	if !strings.HasPrefix(body, "> ") {
		return body
	}
	lines := strings.Split(body, "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], ">") {
		i++
	}
	return strings.TrimSpace(strings.Join(lines[i:], "\n"))
}

// wait pauses for d or until ctx ends.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

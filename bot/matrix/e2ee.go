package matrix

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/utils"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// E2EE is end-to-end encryption for the bot's device (Crypto, built with
// the goolm tag). It holds the Olm account only between Start and Stop,
// which the bot calls when this replica takes and loses the sync lease: one
// Olm account must never be used by two processes at once.
type E2EE interface {
	// Start loads the device's crypto state from the database (making it
	// on first use), uploads its keys, and cross-signs the device when a
	// recovery key is configured. until is when the sync lease ends.
	Start(ctx context.Context, until time.Time) error
	// Extend records that the sync lease was renewed until then.
	Extend(until time.Time)
	// Stop forgets the loaded state; the database keeps it.
	Stop()
	// Active reports whether this replica may encrypt now: started, and its
	// lease not over.
	Active() bool
	// ProcessSync takes a /sync response's keys, device lists and room
	// state, before its timeline is read.
	ProcessSync(ctx context.Context, resp *mautrix.RespSync, since string) error
	// Decrypt returns the event inside an m.room.encrypted one;
	// errors.Is(err, ErrNoKeys) when its key has not arrived (yet).
	Decrypt(ctx context.Context, ev *event.Event) (*event.Event, error)
	// RequestKeys asks the sender's devices and the bot's own for the key
	// of an event that could not be decrypted.
	RequestKeys(ctx context.Context, ev *event.Event)
	// Encrypt returns what to send in room: in an encrypted room an
	// m.room.encrypted content, elsewhere evType and content unchanged.
	Encrypt(ctx context.Context, room id.RoomID, evType event.Type, content any) (event.Type, any, error)
}

// CryptoOptions configure end-to-end encryption.
type CryptoOptions struct {
	// DB is the desk's own database; Dialect is "sqlite" or "postgres".
	// mautrix keeps its crypto_* and mx_* tables there under its own
	// version tables.
	DB      *sql.DB
	Dialect string
	// PickleKey encrypts the Olm account and sessions in the database.
	// Every replica must use the same one; changing it makes the stored
	// crypto state unreadable.
	PickleKey []byte
	// RecoveryKey unlocks the account's secret storage (SSSS), where the
	// cross-signing private keys are kept; "" leaves the device unsigned.
	RecoveryKey string
	// Password answers the homeserver's user-interactive auth when the
	// account's cross-signing keys are first published; "" when the desk
	// logs in with a token (then cross-signing must already exist).
	Password string
}

// ErrNoKeys is what Decrypt returns while an event's key is missing.
var ErrNoKeys = errors.New("the key of this message has not reached the desk")

// ErrNotHolder is returned by Encrypt on a replica that does not hold the
// sync lease.
var ErrNotHolder = errors.New("this replica does not hold the matrix sync lease, so it holds no crypto state")

// ValidRecoveryKey reports whether s reads as a Matrix recovery key (the
// base58 form Element shows, spaces allowed).
func ValidRecoveryKey(s string) bool { return utils.DecodeBase58RecoveryKey(s) != nil }

// NewRecoveryKey makes a fresh recovery key (32 random bytes in base58),
// for an operator to put in matrix.recovery_key.
func NewRecoveryKey() (string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return utils.EncodeBase58RecoveryKey(key), nil
}

// DecryptWait is how long an undecryptable event is held for its key,
// unless Options.KeyWait says otherwise, before the desk says it could not
// read it: long enough for a sender's client that was offline to come back
// and answer the key request.
const DecryptWait = 2 * time.Minute

// heldEvent is how an undecryptable event is kept in the database.
type heldEvent struct {
	HeldAt time.Time    `json:"held_at"`
	Event  *event.Event `json:"event"`
}

// hold marks ev to be tried again when keys arrive, and asks for its key.
func (b *Bot) hold(ctx context.Context, ev *event.Event, held map[string]string) {
	raw, err := json.Marshal(heldEvent{HeldAt: b.Clock.Now(), Event: ev})
	if err != nil {
		b.log().Error("keeping an undecryptable event", "err", err)
		return
	}
	held[ev.ID.String()] = string(raw)
	b.Crypto.RequestKeys(ctx, ev)
	b.log().Info("holding an encrypted event until its key arrives",
		"channel", ev.RoomID.String(), "user", ev.Sender.String())
}

// retryHeld tries the held events again: those whose keys have arrived are
// handled now, and those held longer than DecryptWait get one notice in
// their thread saying which message the desk could not read.
func (b *Bot) retryHeld(ctx context.Context) error {
	if b.Crypto == nil || !b.Crypto.Active() {
		return nil
	}
	rows, err := b.Store.MatrixHeld(ctx, b.account())
	if err != nil || len(rows) == 0 {
		return err
	}
	var (
		release []string
		evs     []workflows.Inbound
		once    = map[string]workflows.Outgoing{}
		now     = b.Clock.Now()
	)
	for _, row := range rows {
		var h heldEvent
		if err := json.Unmarshal([]byte(row), &h); err != nil || h.Event == nil {
			b.log().Error("a held event cannot be read back; dropping it", "err", err)
			continue
		}
		ev := h.Event
		_ = ev.Content.ParseRaw(ev.Type)
		dec, err := b.Crypto.Decrypt(ctx, ev)
		switch {
		case err == nil:
			release = append(release, ev.ID.String())
			_ = b.safely(func() error {
				if in := b.inbound(ctx, dec, once); in != nil {
					in.ReceivedAt = now
					evs = append(evs, *in)
				}
				return nil
			})
		case now.Sub(h.HeldAt) >= b.Options.KeyWait || !errors.Is(err, ErrNoKeys):
			release = append(release, ev.ID.String())
			once["undecryptable:"+ev.ID.String()] = b.unreadable(ev, err)
		}
	}
	if len(release) == 0 {
		return nil
	}
	fresh, err := b.Store.MatrixCommitHeld(ctx, b.account(), b.Options.Owner, release, evs, once, now)
	if err != nil {
		return fmt.Errorf("recording held events: %w", err)
	}
	if len(once) > 0 && b.Notify != nil {
		b.Notify()
	}
	b.handle(fresh)
	return nil
}

// unreadable is the notice for an event the desk gave up decrypting: in
// the event's thread when it was in one, naming its sender and time.
func (b *Bot) unreadable(ev *event.Event, err error) workflows.Outgoing {
	b.log().Warn("could not decrypt a message", "channel", ev.RoomID.String(),
		"user", ev.Sender.String(), "err", err)
	thread := ""
	if enc, ok := ev.Content.Parsed.(*event.EncryptedEventContent); ok && enc.RelatesTo != nil {
		thread = enc.RelatesTo.GetThreadParent().String()
	}
	at := time.UnixMilli(ev.Timestamp).UTC().Format("2006-01-02 15:04 UTC")
	return workflows.Outgoing{Platform: Platform, Channel: ev.RoomID.String(), Kind: workflows.KindNotice, Thread: thread,
		Message: workflows.Message{Tone: workflows.ToneWarning, Text: fmt.Sprintf(
			"%s: I could not read your encrypted message of %s (event %s): its key never reached me. "+
				"Please send it again; if this repeats, check that your client shares keys with unverified devices "+
				"or that the desk's device is verified.", ev.Sender, at, ev.ID)}}
}

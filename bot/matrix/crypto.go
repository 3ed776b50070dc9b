//go:build goolm

package matrix

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Encryption reports whether this build can encrypt: it is built with the
// goolm tag (pure Go Olm), as make build does.
const Encryption = true

// Crypto is E2EE with mautrix's Olm machine and SQL crypto store on the
// desk's own database connection. Each Start makes a fresh machine from the
// stored state, on a client of its own, so a replica that held the lease
// before never encrypts with state another replica has moved on since.
type Crypto struct {
	main *mautrix.Client
	opts CryptoOptions
	log  *slog.Logger
	db   *dbutil.Database

	mu     sync.RWMutex
	helper *cryptohelper.CryptoHelper
	until  time.Time
}

// NewCrypto prepares encryption for the device main is logged in as. It
// touches neither the database nor the homeserver until Start.
func NewCrypto(main *mautrix.Client, opts CryptoOptions, log *slog.Logger) (E2EE, error) {
	if len(opts.PickleKey) == 0 {
		return nil, errors.New("encryption needs a pickle key")
	}
	if main.DeviceID == "" {
		return nil, errors.New("encryption needs the client's device id")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db, err := dbutil.NewWithDB(opts.DB, opts.Dialect)
	if err != nil {
		return nil, fmt.Errorf("the crypto store: %w", err)
	}
	return &Crypto{main: main, opts: opts, log: log, db: db}, nil
}

// versionTables are the tables where mautrix records its schema versions.
// They are made here, in the connection's own schema, before mautrix looks:
// its PostgreSQL check for them reads information_schema across every
// schema of the database, and a copy in another schema (another desk, or
// another test, with its own search_path) would make it skip creating them.
var versionTables = []string{"crypto_version", "mx_version"}

func (c *Crypto) ensureVersionTables(ctx context.Context) error {
	for _, t := range versionTables {
		if _, err := c.db.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+t+" (version INTEGER, compat INTEGER)"); err != nil {
			return fmt.Errorf("the crypto store's version table %s: %w", t, err)
		}
	}
	return nil
}

// Start implements E2EE.
func (c *Crypto) Start(ctx context.Context, until time.Time) error {
	c.Stop()
	if err := c.ensureVersionTables(ctx); err != nil {
		return err
	}
	cli, err := mautrix.NewClient(c.main.HomeserverURL.String(), c.main.UserID, c.main.AccessToken)
	if err != nil {
		return err
	}
	cli.DeviceID = c.main.DeviceID
	// mautrix's own lines go to the desk's log at debug level only.
	level := zerolog.WarnLevel
	if c.log.Enabled(ctx, slog.LevelDebug) {
		level = zerolog.DebugLevel
	}
	cli.Log = zerolog.New(zerologToSlog{c.log}).Level(level).With().Timestamp().Logger()
	helper, err := cryptohelper.NewCryptoHelper(cli, c.opts.PickleKey, c.db)
	if err != nil {
		return err
	}
	// One row per device: a new access token with a new device starts a
	// new Olm account instead of clashing with the old one.
	helper.DBAccountID = cli.UserID.String() + "/" + cli.DeviceID.String()
	if err := helper.Init(ctx); err != nil {
		return fmt.Errorf("loading the device's crypto state: %w", err)
	}
	if c.opts.RecoveryKey != "" {
		if err := crossSign(ctx, helper.Machine(), c.opts.RecoveryKey, c.opts.Password, c.log); err != nil {
			// Encryption works without it; clients that trust only
			// cross-signed devices will not share keys until it is fixed.
			c.log.Error("cross-signing the desk's device failed; encryption works, but strict clients will not trust it",
				"platform", Platform, "err", err)
		}
	}
	c.mu.Lock()
	c.helper, c.until = helper, until
	c.mu.Unlock()
	c.log.Info("end-to-end encryption ready", "platform", Platform, "device", cli.DeviceID,
		"fingerprint", helper.Machine().Fingerprint())
	return nil
}

// Extend implements E2EE.
func (c *Crypto) Extend(until time.Time) {
	c.mu.Lock()
	c.until = until
	c.mu.Unlock()
}

// Stop implements E2EE. The helper is dropped, never closed: closing it
// would close the desk's database.
func (c *Crypto) Stop() {
	c.mu.Lock()
	c.helper = nil
	c.mu.Unlock()
}

// Active implements E2EE.
func (c *Crypto) Active() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.helper != nil && time.Now().Before(c.until)
}

func (c *Crypto) current() (*cryptohelper.CryptoHelper, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.helper == nil || !time.Now().Before(c.until) {
		return nil, ErrNotHolder
	}
	return c.helper, nil
}

// ProcessSync implements E2EE: room state first (which rooms are encrypted,
// who is in them), then to-device messages (room keys), device list
// changes and one-time key counts.
func (c *Crypto) ProcessSync(ctx context.Context, resp *mautrix.RespSync, since string) error {
	h, err := c.current()
	if err != nil {
		return err
	}
	mach := h.Machine()
	store := mach.StateStore.(mautrix.StateStore)
	state := func(room id.RoomID, ev *event.Event) {
		if ev.StateKey == nil {
			return
		}
		ev.RoomID = room
		if err := ev.Content.ParseRaw(ev.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
			return
		}
		mautrix.UpdateStateStore(ctx, store, ev)
		if ev.Type == event.StateMember {
			mach.HandleMemberEvent(ctx, ev)
		}
	}
	for room, joined := range resp.Rooms.Join {
		for _, ev := range joined.State.Events {
			state(room, ev)
		}
		for _, ev := range joined.Timeline.Events {
			state(room, ev)
		}
	}
	for room, left := range resp.Rooms.Leave {
		for _, ev := range left.Timeline.Events {
			state(room, ev)
		}
	}
	mach.ProcessSyncResponse(ctx, resp, since)
	return nil
}

// Decrypt implements E2EE.
func (c *Crypto) Decrypt(ctx context.Context, ev *event.Event) (*event.Event, error) {
	h, err := c.current()
	if err != nil {
		return nil, err
	}
	if err := ev.Content.ParseRaw(ev.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
		return nil, err
	}
	dec, err := h.Decrypt(ctx, ev)
	if errors.Is(err, crypto.ErrNoSessionFound) {
		return nil, fmt.Errorf("%w: %w", ErrNoKeys, err)
	}
	return dec, err
}

// RequestKeys implements E2EE.
func (c *Crypto) RequestKeys(ctx context.Context, ev *event.Event) {
	h, err := c.current()
	if err != nil {
		return
	}
	enc, ok := ev.Content.Parsed.(*event.EncryptedEventContent)
	if !ok {
		return
	}
	// Every device of the sender, and the bot's own others, are asked: the
	// event's device_id is deprecated and often absent.
	h.RequestSession(ctx, ev.RoomID, enc.SenderKey, enc.SessionID, ev.Sender, "")
}

// Encrypt implements E2EE.
func (c *Crypto) Encrypt(ctx context.Context, room id.RoomID, evType event.Type, content any) (event.Type, any, error) {
	h, err := c.current()
	if err != nil {
		return evType, nil, err
	}
	encrypted, err := h.Machine().StateStore.IsEncrypted(ctx, room)
	if err != nil {
		return evType, nil, fmt.Errorf("is %s encrypted: %w", room, err)
	}
	if !encrypted {
		return evType, content, nil
	}
	enc, err := h.Encrypt(ctx, room, evType, content)
	if err != nil {
		return evType, nil, fmt.Errorf("encrypting: %w", err)
	}
	return event.EventEncrypted, enc, nil
}

// zerologToSlog carries mautrix's zerolog lines into the desk's log at
// debug level (warnings and errors at warn), as raw JSON.
type zerologToSlog struct{ log *slog.Logger }

func (z zerologToSlog) Write(p []byte) (int, error) {
	z.log.Debug("mautrix", "platform", Platform, "line", string(p))
	return len(p), nil
}

func (z zerologToSlog) WriteLevel(level zerolog.Level, p []byte) (int, error) {
	l := slog.LevelDebug
	if level >= zerolog.WarnLevel {
		l = slog.LevelWarn
	}
	z.log.Log(context.Background(), l, "mautrix", "platform", Platform, "line", string(p))
	return len(p), nil
}

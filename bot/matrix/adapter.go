package matrix

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// Adapter is the desk on Matrix, a bot.Platform: Connect logs in (a
// refused token or password is a *bot.RejectedCredential naming the key to
// fix), Run sets up encryption once the device is known and syncs until ctx
// ends. Until Run has made the real deliverer, deliveries wait on standby
// (workflows.Standby), so messages queued before the login go out after
// it.
type Adapter struct {
	client    *mautrix.Client
	cfg       Config
	db        *sql.DB // the desk's, for the crypto store
	dialect   string  // "sqlite" or "postgres"
	bot       *Bot    // Client, Router, Store, Clock, Logger, Notify, Options; Crypto is set by Run
	deliverer atomic.Pointer[Deliverer]
}

// NewAdapter makes the Matrix platform of the matrix: section cfg; it calls
// nothing until Connect. db and dialect ("sqlite" or "postgres") are the
// desk's database, where the crypto state is kept when cfg.PickleKey turns
// encryption on. b carries the router, store, clock, logger and notify hook
// the bot runs with; the section's options (prefix, invites, timeline
// limit, key wait, sync lease) are filled in from cfg.
func NewAdapter(cfg Config, db *sql.DB, dialect string, b *Bot) (*Adapter, error) {
	cli, err := mautrix.NewClient(cfg.Homeserver, id.UserID(cfg.UserID), cfg.AccessToken)
	if err != nil {
		return nil, err
	}
	cli.DeviceID = id.DeviceID(cfg.DeviceID)
	b.Client = cli
	b.Options.Prefix, b.Options.AllowInvites = cfg.Prefix, cfg.AllowInvitesFrom
	b.Options.TimelineLimit, b.Options.KeyWait = cfg.SyncTimelineLimit, cfg.KeyWait
	b.Options.LeaseTTL = cfg.SyncLease
	return &Adapter{client: cli, cfg: cfg, db: db, dialect: dialect, bot: b}, nil
}

// The Adapter is a bot.Platform with these optional powers.
var (
	_ bot.Platform        = (*Adapter)(nil)
	_ bot.Connector       = (*Adapter)(nil)
	_ bot.MentionParser   = (*Adapter)(nil)
	_ bot.MentionResolver = (*Adapter)(nil)
	_ bot.RoleSource      = (*Adapter)(nil)
	_ bot.DirectNotifier  = (*Adapter)(nil)
	_ bot.Orderer         = (*Adapter)(nil)
	_ bot.StatusReporter  = (*Adapter)(nil)
	_ workflows.Standby   = (*Adapter)(nil)
)

// Client is the platform's homeserver client.
func (p *Adapter) Client() *mautrix.Client { return p.client }

// Name is "matrix".
func (p *Adapter) Name() string { return Platform }

// Limits are Matrix's message limits (see Limits).
func (p *Adapter) Limits() workflows.Limits { return Limits }

// ParseMention reads a typed Matrix user id or pill; see Mention.
func (p *Adapter) ParseMention(typed string) (string, bool) { return Mention(typed) }

// ResolveMention accepts only users the homeserver knows; see People.
func (p *Adapter) ResolveMention(ctx context.Context, typed string) (string, error) {
	return People{Client: p.client}.Resolve(ctx, typed)
}

// Roles are the room's power levels: editor_power_level and above are editors.
func (p *Adapter) Roles() workflows.Roles {
	return PowerRoles{Client: p.client, Level: p.cfg.EditorLevel()}
}

// OrderKey is the room: see orderKey.
func (p *Adapter) OrderKey(ev workflows.Inbound) string { return orderKey(ev) }

// DirectNotices is true: the desk opens a direct room with each person.
func (p *Adapter) DirectNotices() bool { return true }

// Standby is true until Run has made the deliverer, and while that
// deliverer is on standby (a replica without the sync lease in encrypted
// rooms).
func (p *Adapter) Standby() bool {
	d := p.deliverer.Load()
	return d == nil || d.Standby()
}

// Deliver implements workflows.Deliverer; the dispatcher calls it only off
// standby.
func (p *Adapter) Deliver(ctx context.Context, del workflows.Delivery) (string, error) {
	d := p.deliverer.Load()
	if d == nil {
		return "", &workflows.RetryLater{After: time.Second, Err: errors.New("matrix is not logged in yet")}
	}
	return d.Deliver(ctx, del)
}

// Status implements bot.StatusReporter: see Bot.Status.
func (p *Adapter) Status() (bool, string) { return p.bot.Status() }

// Run sets up encryption (when a pickle key is configured) for the device
// Connect logged in as, makes the deliverer, and syncs until ctx ends.
func (p *Adapter) Run(ctx context.Context) error {
	var e2ee E2EE
	if p.cfg.PickleKey != "" {
		var err error
		e2ee, err = NewCrypto(p.client, CryptoOptions{DB: p.db, Dialect: p.dialect,
			PickleKey: []byte(p.cfg.PickleKey), RecoveryKey: p.cfg.RecoveryKey, Password: p.cfg.Password},
			p.bot.Logger)
		if err != nil {
			return err
		}
	}
	b := p.bot
	b.Crypto = e2ee
	p.deliverer.Store(&Deliverer{Client: p.client, Account: p.client.UserID, Store: b.Store, Crypto: e2ee,
		Direct: &DirectRooms{Client: p.client}})
	if b.Notify != nil {
		b.Notify() // what was queued before the login goes now
	}
	return b.Run(ctx)
}

// Connect logs the client in with the configured token, or the one a
// password login saved, or the password (once; the token it gets is
// saved), and checks the token is the configured user's. A homeserver that
// refuses the token or the password, or a token of another user, is a
// *bot.RejectedCredential naming the key to fix; other errors may pass.
func (p *Adapter) Connect(ctx context.Context) error {
	cfg, cli, log := p.cfg, p.client, p.bot.log()
	user := id.UserID(cfg.UserID)
	key, saved := "matrix.access_token", false
	if cfg.AccessToken == "" {
		tok, dev, err := p.bot.Store.MatrixSession(ctx, cfg.UserID)
		if err != nil {
			return err
		}
		cli.AccessToken, cli.DeviceID = tok, id.DeviceID(dev)
		key, saved = "matrix.password", tok != ""
	}
	passwordLogin := func() error {
		resp, err := cli.Login(ctx, &mautrix.ReqLogin{
			Type:       mautrix.AuthTypePassword,
			Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: cfg.UserID},
			Password:   cfg.Password, DeviceID: id.DeviceID(cfg.DeviceID),
			InitialDeviceDisplayName: "factdesk", StoreCredentials: true,
		})
		if err != nil {
			return rejected("matrix.password", fmt.Errorf("logging in as %s: %w", cfg.UserID, err))
		}
		if err := p.bot.Store.MatrixSaveSession(ctx, cfg.UserID, resp.AccessToken, resp.DeviceID.String(), p.bot.Clock.Now()); err != nil {
			return fmt.Errorf("saving the Matrix login: %w", err)
		}
		log.Info("logged in to Matrix with the password; the token is kept in the database", "platform", Platform,
			"user", cfg.UserID, "device", resp.DeviceID)
		return nil
	}
	if cli.AccessToken == "" {
		if err := passwordLogin(); err != nil {
			return err
		}
	}
	who, err := cli.Whoami(ctx)
	if saved && errors.Is(err, mautrix.MUnknownToken) {
		// The token a password login saved was logged out elsewhere: the
		// password still works, so log in again.
		log.Warn("the saved Matrix token was refused; logging in with the password again", "platform", Platform, "user", cfg.UserID)
		cli.AccessToken, cli.DeviceID = "", id.DeviceID(cfg.DeviceID)
		if err := passwordLogin(); err != nil {
			return err
		}
		who, err = cli.Whoami(ctx)
	}
	if err != nil {
		return rejected(key, fmt.Errorf("checking the Matrix login of %s: %w", cfg.UserID, err))
	}
	if who.UserID != user {
		return &bot.RejectedCredential{Key: key, Reason: "it belongs to " + who.UserID.String() + ", not matrix.user_id " + cfg.UserID,
			Err: fmt.Errorf("the Matrix access token belongs to %s, not matrix.user_id %s", who.UserID, user)}
	}
	if cli.DeviceID == "" {
		cli.DeviceID = who.DeviceID
	}
	return nil
}

// rejected turns the homeserver's refusal of a credential into a
// *bot.RejectedCredential for key and leaves other errors as they are.
// M_FORBIDDEN answers a wrong password at /login; M_UNKNOWN_TOKEN an
// unknown or logged-out token (Matrix client-server API, "Standard error
// response"); M_USER_DEACTIVATED a deactivated account.
func rejected(key string, err error) error {
	for _, code := range []mautrix.RespError{mautrix.MForbidden, mautrix.MUnknownToken, mautrix.MUserDeactivated} {
		if errors.Is(err, code) {
			return &bot.RejectedCredential{Key: key, Reason: code.ErrCode, Err: err}
		}
	}
	return err
}

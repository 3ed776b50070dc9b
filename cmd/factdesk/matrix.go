package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"maunium.net/go/mautrix/id"

	matrixbot "github.com/factdesk/factdesk/bot/matrix"
	"github.com/factdesk/factdesk/storage"
)

// MatrixConfig is the matrix: section of the config.
type MatrixConfig struct {
	// Homeserver is the client-server API base URL; setting it turns Matrix on.
	Homeserver string `yaml:"homeserver"`
	UserID     string `yaml:"user_id"`
	// AccessToken logs in; FACTDESK_MATRIX_ACCESS_TOKEN overrides it.
	AccessToken string `yaml:"access_token"`
	// Password logs in once when there is no token; the token and device it
	// gets are kept in the database.
	Password string `yaml:"password"`
	DeviceID string `yaml:"device_id"`
	// Prefix starts a command (default !fd).
	Prefix string `yaml:"prefix"`
	// AllowInvitesFrom are user ids and :server suffixes whose invites the
	// bot accepts (default: users on its own homeserver).
	AllowInvitesFrom []string `yaml:"allow_invites_from"`
	// EditorPowerLevel makes editors of room members at or above it (default 50).
	EditorPowerLevel *int `yaml:"editor_power_level"`
	// SyncTimelineLimit caps the events per room in one sync (0: the
	// homeserver's default); a longer gap, after downtime, is backfilled.
	SyncTimelineLimit int `yaml:"sync_timeline_limit"`
	// PickleKey turns end-to-end encryption on and encrypts the device's
	// crypto state in the database; FACTDESK_MATRIX_PICKLE_KEY overrides it.
	// Every replica needs the same one, for as long as the database lives.
	PickleKey string `yaml:"pickle_key"`
	// RecoveryKey unlocks the account's secret storage, where its
	// cross-signing keys are kept, so the desk can sign its own device;
	// FACTDESK_MATRIX_RECOVERY_KEY overrides it.
	RecoveryKey string `yaml:"recovery_key"`
	// KeyWait is how long an encrypted message whose key is missing waits
	// for it before the desk says it could not read it (default 2m).
	KeyWait time.Duration `yaml:"key_wait"`
}

// minPickleKey is the shortest pickle key accepted: it guards the Olm
// account and every room key in the database.
const minPickleKey = 16

func (c MatrixConfig) editorLevel() int {
	if c.EditorPowerLevel != nil {
		return *c.EditorPowerLevel
	}
	return 50
}

// validateMatrix checks the matrix: section, and the Matrix editors.
func validateMatrix(c Config) error {
	m := c.Matrix
	if m.Homeserver == "" {
		return nil
	}
	if u, err := url.Parse(m.Homeserver); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("matrix.homeserver %q: give the homeserver's URL, e.g. https://matrix.example.org", m.Homeserver)
	}
	if _, _, err := id.UserID(m.UserID).Parse(); err != nil || !strings.HasPrefix(m.UserID, "@") {
		return fmt.Errorf("matrix.user_id %q: give the bot's full user id, e.g. @factdesk:example.org", m.UserID)
	}
	if m.AccessToken == "" && m.Password == "" {
		return errors.New("matrix: set matrix.access_token (or FACTDESK_MATRIX_ACCESS_TOKEN), or matrix.password to log in once")
	}
	if strings.ContainsAny(m.Prefix, " \t\n") {
		return fmt.Errorf("matrix.prefix %q: a prefix is one word, like !fd", m.Prefix)
	}
	for _, a := range m.AllowInvitesFrom {
		if !strings.HasPrefix(a, "@") && !strings.HasPrefix(a, ":") {
			return fmt.Errorf("matrix.allow_invites_from: %q is neither a user id (@ana:example.org) nor a server (:example.org)", a)
		}
	}
	if m.PickleKey != "" && !matrixbot.Encryption {
		return errors.New("matrix.pickle_key is set, but this factdesk was built without encryption: build it with -tags goolm (make build does)")
	}
	if m.PickleKey != "" && len(m.PickleKey) < minPickleKey {
		return fmt.Errorf("matrix.pickle_key: use a random secret of at least %d characters, e.g. from `openssl rand -hex 32`", minPickleKey)
	}
	if m.KeyWait < 0 || m.KeyWait > 24*time.Hour {
		return fmt.Errorf("matrix.key_wait %s: give a duration between 0s and 24h, like 2m", m.KeyWait)
	}
	if m.RecoveryKey != "" && m.PickleKey == "" {
		return errors.New("matrix.recovery_key needs encryption on: set matrix.pickle_key too")
	}
	if m.RecoveryKey != "" && !matrixbot.ValidRecoveryKey(m.RecoveryKey) {
		return errors.New("matrix.recovery_key is not a Matrix recovery key (like EsTc 5rr1 …, as Element shows it, or from `factdesk matrix-recovery-key`)")
	}
	if m.editorLevel() < 1 {
		return fmt.Errorf("matrix.editor_power_level %d: must be at least 1, or every member is an editor", m.editorLevel())
	}
	for _, e := range c.Editors[matrixbot.Platform] {
		if _, ok := matrixbot.Mention(e); !ok {
			return fmt.Errorf("editors.matrix: %q is not a Matrix user id like @chief:example.org", e)
		}
	}
	return nil
}

// startMatrix attaches the Matrix adapter to the desk. It calls no
// homeserver API: the runner it returns logs in (trying again while the
// homeserver is unreachable) and then syncs.
func startMatrix(ctx context.Context, d *Desk, mux *http.ServeMux) (func(ctx context.Context) error, error) {
	cfg := d.Config.Matrix
	if cfg.Homeserver == "" {
		return nil, nil
	}
	if err := releaseDeadSyncLease(ctx, d, cfg.UserID); err != nil {
		return nil, err
	}
	p, err := newMatrixAdapter(d)
	if err != nil {
		return nil, err
	}
	return d.attachPlatform(p, mux), nil
}

// newMatrixAdapter makes the desk's Matrix adapter from the matrix: section.
func newMatrixAdapter(d *Desk) (*matrixbot.Adapter, error) {
	cfg := d.Config.Matrix
	return matrixbot.NewAdapter(cfg.Homeserver,
		matrixbot.Login{UserID: cfg.UserID, AccessToken: cfg.AccessToken, Password: cfg.Password, DeviceID: cfg.DeviceID},
		matrixbot.EncryptionConfig{DB: d.DB.SQL().DB, Dialect: d.DB.Dialect(), PickleKey: cfg.PickleKey, RecoveryKey: cfg.RecoveryKey},
		cfg.editorLevel(),
		matrixbot.Bot{Router: d.Router, Store: d.DB, Clock: d.Clock, Logger: d.Logger, Notify: d.Dispatcher.Kick,
			Options: matrixbot.Options{Prefix: cfg.Prefix, AllowInvites: cfg.AllowInvitesFrom, Owner: d.Dispatcher.Owner,
				TimelineLimit: cfg.SyncTimelineLimit, KeyWait: cfg.KeyWait}})
}

// releaseDeadSyncLease frees the Matrix sync lease when a process of this
// host that no longer runs holds it (a crash, a kill): the restarted desk
// syncs, and loads its keys, at once instead of when the lease runs out.
// Leases of other hosts are left to expire.
func releaseDeadSyncLease(ctx context.Context, d *Desk, account string) error {
	owner, err := d.DB.MatrixLeaseOwner(ctx, account)
	if err != nil || owner == "" {
		return err
	}
	if !storage.DeadOwner(owner) {
		return nil
	}
	d.Logger.Info("released the Matrix sync lease of a dead process", "owner", owner)
	return d.DB.MatrixReleaseLease(ctx, account, owner)
}

// cmdRecoveryKey prints a new recovery key. Put it in matrix.recovery_key
// (or FACTDESK_MATRIX_RECOVERY_KEY) before the desk first starts with
// encryption on an account without cross-signing: the desk keeps the
// account's cross-signing keys in secret storage under it.
func (m *Main) cmdRecoveryKey(ctx context.Context, args []string) error {
	key, err := matrixbot.NewRecoveryKey()
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, key)
	return nil
}

// cmdRotateRecoveryKey moves the account's secret storage from the
// configured matrix.recovery_key to a new key and prints it. The desk may
// keep running; it needs the new key only when it next signs a device.
func (m *Main) cmdRotateRecoveryKey(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("matrix-rotate-recovery-key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	if cfg.Matrix.Homeserver == "" || cfg.Matrix.RecoveryKey == "" {
		return errors.New("rotating the recovery key needs matrix.homeserver and the current matrix.recovery_key")
	}
	d, err := m.openDesk(ctx, cfg, m.logger(cfg, true))
	if err != nil {
		return err
	}
	defer d.Close()
	p, err := newMatrixAdapter(d)
	if err != nil {
		return err
	}
	if err := p.Connect(ctx); err != nil {
		return err
	}
	key, err := matrixbot.RotateRecoveryKey(ctx, p.Client(), cfg.Matrix.RecoveryKey)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, key)
	fmt.Fprintln(m.Stderr, "Put this key in matrix.recovery_key (or FACTDESK_MATRIX_RECOVERY_KEY) now: the old key no longer opens the account's secret storage.")
	return nil
}

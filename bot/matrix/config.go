package matrix

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"maunium.net/go/mautrix/id"
)

// Config is the matrix: section of factdesk's config file.
type Config struct {
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
	// SyncLease is how long one replica's hold on the account's sync lasts
	// unless renewed: when the replica holding it dies, another takes over
	// within about this long (default 30s). The /sync long-poll is kept to
	// a third of it, so a live holder renews in time.
	SyncLease time.Duration `yaml:"sync_lease"`
}

// Bounds of matrix.sync_lease: under minSyncLease a loaded holder could miss
// its renewal and the replicas take turns; over maxSyncLease a dead
// holder's rooms go unanswered too long.
const (
	minSyncLease = 3 * time.Second
	maxSyncLease = 10 * time.Minute
)

// minPickleKey is the shortest pickle key accepted: it guards the Olm
// account and every room key in the database.
const minPickleKey = 16

// EditorLevel is the power level from which room members are editors.
func (c Config) EditorLevel() int {
	if c.EditorPowerLevel != nil {
		return *c.EditorPowerLevel
	}
	return 50
}

// Validate checks the section: empty homeserver means Matrix is off;
// every error names its key.
func (m Config) Validate() error {
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
	if m.PickleKey != "" && !Encryption {
		return errors.New("matrix.pickle_key is set, but this factdesk was built without encryption: build it with -tags goolm (make build does)")
	}
	if m.PickleKey != "" && len(m.PickleKey) < minPickleKey {
		return fmt.Errorf("matrix.pickle_key: use a random secret of at least %d characters, e.g. from `openssl rand -hex 32`", minPickleKey)
	}
	if m.KeyWait < 0 || m.KeyWait > 24*time.Hour {
		return fmt.Errorf("matrix.key_wait %s: give a duration between 0s and 24h, like 2m", m.KeyWait)
	}
	if m.SyncLease != 0 && (m.SyncLease < minSyncLease || m.SyncLease > maxSyncLease) {
		return fmt.Errorf("matrix.sync_lease %s: give a duration between %s and %s, like 30s", m.SyncLease, minSyncLease, maxSyncLease)
	}
	if m.RecoveryKey != "" && m.PickleKey == "" {
		return errors.New("matrix.recovery_key needs encryption on: set matrix.pickle_key too")
	}
	if m.RecoveryKey != "" && !ValidRecoveryKey(m.RecoveryKey) {
		return errors.New("matrix.recovery_key is not a Matrix recovery key (like EsTc 5rr1 …, as Element shows it, or from `factdesk matrix-recovery-key`)")
	}
	if m.EditorLevel() < 1 {
		return fmt.Errorf("matrix.editor_power_level %d: must be at least 1, or every member is an editor", m.EditorLevel())
	}
	return nil
}

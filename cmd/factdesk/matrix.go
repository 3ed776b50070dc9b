package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	matrixbot "github.com/factdesk/factdesk/bot/matrix"
	"github.com/factdesk/factdesk/storage"
)

// validateMatrix checks the matrix: section, and the Matrix editors.
func validateMatrix(c Config) error {
	if err := c.Matrix.Validate(); err != nil || c.Matrix.Homeserver == "" {
		return err
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
	return matrixbot.NewAdapter(cfg, d.DB.SQL().DB, d.DB.Dialect(),
		&matrixbot.Bot{Router: d.Router, Store: d.DB, Clock: d.Clock, Logger: d.Logger, Notify: d.Dispatcher.Kick,
			Options: matrixbot.Options{Owner: d.Dispatcher.Owner}})
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
	if err := m.noFlags("matrix-recovery-key", args); err != nil {
		return err
	}
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
	if err := m.parse(fs, args); err != nil {
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

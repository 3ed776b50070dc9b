package matrix

import (
	"context"
	"errors"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/ssss"
	"maunium.net/go/mautrix/event"
)

// secrets are the account's secrets a rotation moves to the new recovery
// key: the cross-signing private keys, and the key backup's key when the
// account has one (set up by Element).
var secrets = []event.Type{
	event.AccountDataCrossSigningMaster, event.AccountDataCrossSigningSelf, event.AccountDataCrossSigningUser,
	event.AccountDataMegolmBackupKey,
}

// RotateRecoveryKey replaces the account's recovery key: it opens secret
// storage with old, stores every secret there again under a new key, makes
// the new key the default, and returns it (base58, as Element shows it).
// The cross-signing keys stay the same, so devices signed before stay
// trusted. It needs no Olm account, only the account data API, so it can
// run while the desk runs. Errors: old is not the account's recovery key,
// or the account has no secret storage.
func RotateRecoveryKey(ctx context.Context, cli *mautrix.Client, old string) (string, error) {
	m := ssss.NewSSSSMachine(cli)
	keyID, meta, err := m.GetDefaultKeyData(ctx)
	if err != nil {
		return "", fmt.Errorf("the account's secret storage: %w", err)
	}
	oldKey, err := meta.VerifyRecoveryKey(keyID, old)
	if err != nil {
		return "", fmt.Errorf("matrix.recovery_key does not open the account's secret storage: %w", err)
	}
	type secret struct {
		typ  event.Type
		data []byte
	}
	var kept []secret
	for _, typ := range secrets {
		data, err := m.GetDecryptedAccountData(ctx, typ, oldKey)
		if errors.Is(err, mautrix.MNotFound) {
			continue // e.g. no key backup
		} else if err != nil {
			return "", fmt.Errorf("reading %s from secret storage: %w", typ.Type, err)
		}
		kept = append(kept, secret{typ, data})
	}
	if len(kept) == 0 {
		return "", errors.New("the account's secret storage holds no cross-signing keys")
	}
	newKey, err := ssss.NewKey("")
	if err != nil {
		return "", err
	}
	if err := m.SetKeyData(ctx, newKey.ID, newKey.Metadata); err != nil {
		return "", fmt.Errorf("storing the new key: %w", err)
	}
	for _, s := range kept {
		if err := m.SetEncryptedAccountData(ctx, s.typ, s.data, newKey); err != nil {
			return "", fmt.Errorf("storing %s under the new key: %w", s.typ.Type, err)
		}
	}
	// Last: until here the old key still opens everything.
	if err := m.SetDefaultKeyID(ctx, newKey.ID); err != nil {
		return "", fmt.Errorf("making the new key the default: %w", err)
	}
	return newKey.RecoveryKey(), nil
}

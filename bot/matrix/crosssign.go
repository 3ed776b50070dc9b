//go:build goolm

package matrix

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/ssss"
	"maunium.net/go/mautrix/crypto/utils"
	"maunium.net/go/mautrix/id"
)

// crossSign makes the bot's device signed by its account's self-signing
// key, so that clients which only trust cross-signed devices share room
// keys with it:
//   - signed already: nothing to do;
//   - the account has cross-signing keys: fetch the private keys from secret
//     storage with the recovery key and sign the device (no password needed);
//   - the account has none: make them, keep the private keys in secret
//     storage under the operator's recovery key, publish them (the
//     homeserver asks for the account password) and sign the device.
func crossSign(ctx context.Context, mach *crypto.OlmMachine, recoveryKey, password string, log *slog.Logger) error {
	own := mach.Client.UserID
	dev := mach.Client.DeviceID
	resp, err := mach.Client.QueryKeys(ctx, &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{own: {}}})
	if err != nil {
		return fmt.Errorf("querying the account's keys: %w", err)
	}
	master, hasMaster := resp.MasterKeys[own]
	if hasMaster {
		if signedBySelfSigning(resp, own, dev) {
			log.Info("the desk's device is cross-signed", "platform", Platform, "device", dev)
			return nil
		}
		if err := mach.VerifyWithRecoveryKey(ctx, recoveryKey); err != nil {
			return fmt.Errorf("signing the device with the keys in secret storage (is matrix.recovery_key this account's?): %w", err)
		}
		log.Info("signed the desk's device with the account's cross-signing keys from secret storage",
			"platform", Platform, "device", dev, "master_key", firstKey(master.Keys))
		return nil
	}
	if password == "" {
		return errors.New("the account has no cross-signing keys yet; publishing them needs matrix.password " +
			"(the homeserver asks for it), or set up cross-signing for the account in a client such as Element")
	}
	raw := utils.DecodeBase58RecoveryKey(recoveryKey)
	if raw == nil {
		return errors.New("matrix.recovery_key is not a recovery key")
	}
	key, err := ssss.WrapKey(raw, nil)
	if err != nil {
		return err
	}
	if err := mach.SSSS.SetKeyData(ctx, key.ID, key.Metadata); err != nil {
		return fmt.Errorf("storing the secret storage key: %w", err)
	}
	keys, err := mach.GenerateCrossSigningKeys()
	if err != nil {
		return err
	}
	if err := mach.UploadCrossSigningKeysToSSSS(ctx, key, keys); err != nil {
		return fmt.Errorf("keeping the cross-signing keys in secret storage: %w", err)
	}
	err = mach.PublishCrossSigningKeys(ctx, keys, func(ui *mautrix.RespUserInteractive) any {
		return &mautrix.ReqUIAuthLogin{
			BaseAuthData: mautrix.BaseAuthData{Type: mautrix.AuthTypePassword, Session: ui.Session},
			User:         own.String(), Password: password,
		}
	})
	if err != nil {
		return fmt.Errorf("publishing the cross-signing keys: %w", err)
	}
	if err := mach.SSSS.SetDefaultKeyID(ctx, key.ID); err != nil {
		return fmt.Errorf("making the recovery key the default: %w", err)
	}
	if err := mach.SignOwnDevice(ctx, mach.OwnIdentity()); err != nil {
		return fmt.Errorf("signing the device: %w", err)
	}
	if err := mach.SignOwnMasterKey(ctx); err != nil {
		return fmt.Errorf("signing the master key with the device: %w", err)
	}
	log.Info("made the account's cross-signing keys and signed the desk's device", "platform", Platform,
		"device", dev, "master_key", keys.MasterKey.PublicKey())
	return nil
}

// signedBySelfSigning reports whether the device's keys in a /keys/query
// answer carry a signature by the account's self-signing key.
func signedBySelfSigning(resp *mautrix.RespQueryKeys, user id.UserID, dev id.DeviceID) bool {
	ssk, ok := resp.SelfSigningKeys[user]
	if !ok {
		return false
	}
	keys, ok := resp.DeviceKeys[user][dev]
	if !ok {
		return false
	}
	for _, k := range ssk.Keys {
		if _, ok := keys.Signatures[user][id.NewKeyID(id.KeyAlgorithmEd25519, k.String())]; ok {
			return true
		}
	}
	return false
}

func firstKey(keys map[id.KeyID]id.Ed25519) string {
	for _, k := range keys {
		return k.String()
	}
	return ""
}

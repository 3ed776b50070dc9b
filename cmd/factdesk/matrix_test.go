package main

import (
	"strings"
	"testing"

	matrixbot "github.com/factdesk/factdesk/bot/matrix"
)

// TestMatrixEncryptionConfig: the encryption keys are checked before the
// desk starts, each error naming its key.
func TestMatrixEncryptionConfig(t *testing.T) {
	recovery, err := matrixbot.NewRecoveryKey()
	if err != nil {
		t.Fatal(err)
	}
	if !matrixbot.ValidRecoveryKey(recovery) || !matrixbot.ValidRecoveryKey(strings.ReplaceAll(recovery, " ", "")) {
		t.Fatalf("a fresh recovery key %q does not read back", recovery)
	}
	const pickle = "0123456789abcdef0123456789abcdef"
	// A fixed key and a one-letter typo of it: the typo must be fixed too,
	// for a random key's last letter may already be the typed one, and a
	// changed letter can, rarely, keep the parity byte right.
	const fixed = "EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKB"
	const typo = "EsT1 t3bE JPZs Bz9H xApv jfQh PY9X gmGM bhbN Kz2L 2t9n aeKx"
	if !matrixbot.ValidRecoveryKey(fixed) {
		t.Fatalf("the fixed recovery key %q does not read", fixed)
	}
	for _, tc := range []struct {
		name             string
		pickle, recovery string
		keyWait          string
		syncLease        string
		want             string // "" for valid
	}{
		{name: "off", want: ""},
		{name: "pickle key only", pickle: pickle, want: ""},
		{name: "with recovery key", pickle: pickle, recovery: recovery, want: ""},
		{name: "short pickle key", pickle: "short", want: "matrix.pickle_key"},
		{name: "recovery key without encryption", recovery: recovery, want: "matrix.recovery_key needs"},
		{name: "not a recovery key", pickle: pickle, recovery: "EsTc 5rr1 not a key", want: "matrix.recovery_key is not"},
		{name: "a recovery key with a typo", pickle: pickle, recovery: typo, want: "matrix.recovery_key is not"},
		{name: "negative key wait", pickle: pickle, keyWait: "-1s", want: "matrix.key_wait"},
		{name: "sync lease", syncLease: "15s", want: ""},
		{name: "sync lease too short to renew", syncLease: "1s", want: "matrix.sync_lease"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultConfig()
			yaml := "matrix:\n  homeserver: https://matrix.example.org\n  user_id: \"@desk:example.org\"\n  access_token: tok\n"
			if tc.pickle != "" {
				yaml += "  pickle_key: " + tc.pickle + "\n"
			}
			if tc.recovery != "" {
				yaml += "  recovery_key: \"" + tc.recovery + "\"\n"
			}
			if tc.keyWait != "" {
				yaml += "  key_wait: " + tc.keyWait + "\n"
			}
			if tc.syncLease != "" {
				yaml += "  sync_lease: " + tc.syncLease + "\n"
			}
			if err := ParseConfig([]byte(yaml), &cfg); err != nil {
				t.Fatal(err)
			}
			err := cfg.Validate()
			if !matrixbot.Encryption && tc.pickle != "" {
				// A build without goolm refuses any pickle key.
				tc.want = "built without encryption"
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("valid config refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one naming %q", err, tc.want)
			}
		})
	}
}

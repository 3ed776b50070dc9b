//go:build !goolm

package matrix

import (
	"errors"
	"log/slog"

	"maunium.net/go/mautrix"
)

// Encryption reports whether this build can encrypt. Olm comes from the
// goolm build tag (pure Go); a build without it has no encryption.
const Encryption = false

// NewCrypto fails in a build without the goolm tag.
func NewCrypto(main *mautrix.Client, opts CryptoOptions, log *slog.Logger) (E2EE, error) {
	return nil, errors.New("this factdesk was built without encryption: build it with -tags goolm (make build does)")
}

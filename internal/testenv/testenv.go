package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
)

const startHint = "run `make test`, or scripts/testenv/up.sh and then `. ./.testenv` before go test"

// InCI reports whether the tests run under CI (CI=true or CI=1), where a
// missing test service fails the test instead of skipping it.
func InCI() bool {
	ci, err := strconv.ParseBool(strings.TrimSpace(os.Getenv("CI")))
	return err == nil && ci
}

// require returns the values of the named environment variables. If any is
// unset, it fails the test under CI and skips it otherwise.
func require(t testing.TB, service string, names ...string) []string {
	t.Helper()
	vals := make([]string, len(names))
	var missing []string
	for i, n := range names {
		vals[i] = os.Getenv(n)
		if vals[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return vals
	}
	Unavailable(t, service+" not started ("+strings.Join(missing, ", ")+" unset); "+startHint)
	return nil
}

// randomSuffix returns n random bytes as lower-case hex.
func randomSuffix(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("testenv: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// sanitize keeps [a-z0-9_] of s (lower-cased), turning everything else into
// '_' and cutting the result to max bytes.
func sanitize(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

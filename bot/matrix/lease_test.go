package matrix

import (
	"testing"
	"time"

	"maunium.net/go/mautrix"
)

// TestSyncTimeoutFitsTheLease: the /sync long-poll stays at a third of the
// sync lease, so the holder renews the lease between two syncs in time.
func TestSyncTimeoutFitsTheLease(t *testing.T) {
	for _, tc := range []struct {
		lease, want time.Duration
	}{
		{0, 10 * time.Second}, // the default lease, 30s
		{15 * time.Second, 5 * time.Second},
		{5 * time.Minute, 10 * time.Second},
	} {
		cli, err := mautrix.NewClient("https://matrix.example.org", "@desk:example.org", "")
		if err != nil {
			t.Fatal(err)
		}
		b := &Bot{Client: cli, Options: Options{LeaseTTL: tc.lease}}
		b.defaults()
		if b.Options.SyncTimeout != tc.want {
			t.Errorf("lease %s: sync timeout %s, want %s", tc.lease, b.Options.SyncTimeout, tc.want)
		}
	}
}

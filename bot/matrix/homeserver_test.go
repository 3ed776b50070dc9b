package matrix_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/synapseadmin"
)

// homeserver is the test homeserver started by scripts/testenv/dendrite.sh.
type homeserver struct {
	URL, Secret, ServerName string
}

// testHomeserver returns the running test homeserver. Outside CI a test
// skips when none is configured; in CI it fails, so the suite cannot pass
// by testing nothing.
func testHomeserver(t *testing.T) homeserver {
	t.Helper()
	hs := homeserver{
		URL:        os.Getenv("FACTDESK_TEST_MATRIX_URL"),
		Secret:     os.Getenv("FACTDESK_TEST_MATRIX_SECRET"),
		ServerName: os.Getenv("FACTDESK_TEST_MATRIX_SERVER_NAME"),
	}
	if hs.URL == "" || hs.Secret == "" || hs.ServerName == "" {
		msg := "no Matrix homeserver: run `bash scripts/testenv/dendrite.sh up` and " +
			"`eval \"$(bash scripts/testenv/dendrite.sh env)\"` to run the Matrix integration tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cli, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Versions(context.Background()); err != nil {
		msg := "the Matrix homeserver at " + hs.URL + " does not answer: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return hs
}

// registerUser makes a fresh user (a unique name, since a running
// homeserver is reused across runs) and returns a logged-in client.
func (hs homeserver) registerUser(t *testing.T, name string) *mautrix.Client {
	t.Helper()
	ctx := context.Background()
	var b [4]byte
	_, _ = rand.Read(b[:])
	local := name + "-" + hex.EncodeToString(b[:])
	anon, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	admin := synapseadmin.Client{Client: anon}
	resp, err := admin.SharedSecretRegister(ctx, hs.Secret, synapseadmin.ReqSharedSecretRegister{
		Username: local, Password: "pw-" + local})
	if err != nil {
		t.Fatalf("registering %s: %v", local, err)
	}
	cli, err := mautrix.NewClient(hs.URL, resp.UserID, resp.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	cli.DeviceID = resp.DeviceID
	return cli
}

func password(user id.UserID) string { return "pw-" + user.Localpart() }

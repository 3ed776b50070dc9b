package matrix_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/internal/testenv"
)

// homeserver is the test homeserver that make test starts.
type homeserver struct {
	*testenv.MatrixHomeserver
}

// testHomeserver returns the running test homeserver. Outside CI a test
// skips when none is configured or it does not answer; in CI it fails, so
// the suite cannot pass by testing nothing.
func testHomeserver(t *testing.T) homeserver {
	t.Helper()
	hs := homeserver{testenv.Homeserver(t)}
	cli, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Versions(context.Background()); err != nil {
		testenv.Unavailable(t, "the Matrix homeserver at "+hs.URL+" does not answer: "+err.Error())
	}
	return hs
}

// registerUser makes a fresh user (a unique name, since a running
// homeserver is reused across runs) and returns a logged-in client.
func (hs homeserver) registerUser(t *testing.T, name string) *mautrix.Client {
	t.Helper()
	var b [4]byte
	_, _ = rand.Read(b[:])
	local := name + "-" + hex.EncodeToString(b[:])
	reg, err := hs.Register(context.Background(), local, "pw-"+local, false)
	if err != nil {
		t.Fatalf("registering %s: %v", local, err)
	}
	cli, err := mautrix.NewClient(hs.URL, id.UserID(reg.UserID), reg.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	cli.DeviceID = id.DeviceID(reg.DeviceID)
	return cli
}

// newsroomPeople is the test homeserver and fresh accounts on it for the
// bot, an editor and a reporter: the people of most tests here.
func newsroomPeople(t *testing.T) (hs homeserver, bot, editor, reporter *mautrix.Client) {
	t.Helper()
	hs = testHomeserver(t)
	return hs, hs.registerUser(t, "desk"), hs.registerUser(t, "editor"), hs.registerUser(t, "reporter")
}

func password(user id.UserID) string { return "pw-" + user.Localpart() }

// passwordLogin is the matrix config by which the bot logs in with its
// password once (the token is then kept in the database).
func passwordLogin(bot id.UserID) string { return fmt.Sprintf("  password: %q\n", password(bot)) }

// tokenEnv is the environment by which the bot uses cli's access token.
func tokenEnv(cli *mautrix.Client) string { return "FACTDESK_MATRIX_ACCESS_TOKEN=" + cli.AccessToken }

package testenv

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeTB records Skip and Fatal instead of acting on them.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeTB) Helper()          {}
func (f *fakeTB) Name() string     { return "fake" }
func (f *fakeTB) Skip(args ...any) { f.skipped = true; f.msg = fmt.Sprint(args...); runtime.Goexit() }
func (f *fakeTB) Fatal(args ...any) {
	f.failed = true
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// runFake runs fn on a fakeTB in its own goroutine, since Skip and Fatal end it.
func runFake(fn func(tb testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

func TestMissingServiceSkipsOutsideCIAndFailsInCI(t *testing.T) {
	t.Setenv(EnvPostgresDSN, "")
	t.Setenv(EnvMatrixURL, "")
	for _, ci := range []string{"", "false", "true", "1"} {
		t.Setenv("CI", ci)
		wantFail := ci == "true" || ci == "1"
		for name, fn := range map[string]func(testing.TB){
			"PostgresDSN": func(tb testing.TB) { PostgresDSN(tb) },
			"Homeserver":  func(tb testing.TB) { Homeserver(tb) },
		} {
			f := runFake(fn)
			if f.failed != wantFail || f.skipped == wantFail {
				t.Errorf("CI=%q %s: failed=%v skipped=%v, want failed=%v", ci, name, f.failed, f.skipped, wantFail)
			}
			if !strings.Contains(f.msg, "not started") || !strings.Contains(f.msg, "up.sh") {
				t.Errorf("CI=%q %s: message %q lacks a hint", ci, name, f.msg)
			}
		}
	}
}

func TestRegistrationMAC(t *testing.T) {
	// Vectors computed independently (Python hmac) for the documented layout.
	got := registrationMAC("sekrit", "abc123", "alice", "correct horse", false)
	if want := "354016a1c483e0ff5dc33104b16db99a7e6c93ff"; got != want {
		t.Errorf("notadmin MAC = %s, want %s", got, want)
	}
	got = registrationMAC("sekrit", "abc123", "alice", "correct horse", true)
	if want := "13f2589b19f344b97846069bea635d4042dadc75"; got != want {
		t.Errorf("admin MAC = %s, want %s", got, want)
	}
}

func TestWithSearchPath(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@127.0.0.1:5/db?sslmode=disable":            "postgres://u@127.0.0.1:5/db?search_path=s1&sslmode=disable",
		"postgresql://u@h/db?search_path=old":                    "postgresql://u@h/db?search_path=s1",
		"host=127.0.0.1 port=5 user=u dbname=db sslmode=disable": "host=127.0.0.1 port=5 user=u dbname=db sslmode=disable search_path=s1",
	} {
		got, err := withSearchPath(in, "s1")
		if err != nil || got != want {
			t.Errorf("withSearchPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestUniqueLocalpart(t *testing.T) {
	a, b := UniqueLocalpart("Bot User!"), UniqueLocalpart("Bot User!")
	if a == b || !strings.HasPrefix(a, "bot_user__") {
		t.Errorf("UniqueLocalpart gave %q and %q", a, b)
	}
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestFreshPostgresSchemaIsolatesAndCleansUp(t *testing.T) {
	t.Parallel()
	base := PostgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var schemas []string
	t.Run("use", func(t *testing.T) {
		dsnA := FreshPostgresSchema(t, base)
		dsnB := FreshPostgresSchema(t, base)
		a, b := openDB(t, dsnA), openDB(t, dsnB)
		for _, db := range []*sql.DB{a, b} {
			var s string
			if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&s); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(s, "t_testfreshpostgresschema") {
				t.Fatalf("current_schema() = %q, want the test's own schema", s)
			}
			schemas = append(schemas, s)
			if _, err := db.ExecContext(ctx, "CREATE TABLE items (id bigint PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
		}
		if schemas[0] == schemas[1] {
			t.Fatalf("both calls gave schema %q", schemas[0])
		}
		if _, err := a.ExecContext(ctx, "INSERT INTO items VALUES (1), (2)"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := b.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second schema sees %d rows of the first", n)
		}
	})

	db := openDB(t, base)
	for _, s := range schemas {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", s).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("schema %s still exists after its test ended", s)
		}
	}
}

func TestHomeserverRegisterUser(t *testing.T) {
	t.Parallel()
	hs := Homeserver(t)

	for _, admin := range []bool{false, true} {
		lp := UniqueLocalpart(fmt.Sprintf("testenv_admin_%v", admin))
		userID, token := hs.RegisterUser(t, lp, "correct horse battery", admin)
		if want := "@" + lp + ":" + hs.ServerName; userID != want {
			t.Errorf("user ID %q, want %q", userID, want)
		}

		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/_matrix/client/v3/account/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hs.HTTPClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var who struct {
			UserID string `json:"user_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&who)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || who.UserID != userID {
			t.Errorf("whoami: HTTP %d, %+v, %v; want user %s", resp.StatusCode, who, err, userID)
		}
	}
}

func TestHomeserverRegisterRejects(t *testing.T) {
	t.Parallel()
	hs := Homeserver(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if _, err := hs.Register(ctx, UniqueLocalpart("short"), "short", false); err == nil {
		t.Error("a 5-character password was accepted")
	}
	bad := *hs
	bad.secret = "not the secret"
	if _, err := bad.Register(ctx, UniqueLocalpart("badmac"), "correct horse battery", false); err == nil {
		t.Error("registration with a wrong shared secret succeeded")
	}
	lp := UniqueLocalpart("twice")
	hs.RegisterUser(t, lp, "correct horse battery", false)
	if _, err := hs.Register(ctx, lp, "correct horse battery", false); err == nil {
		t.Error("registering the same localpart twice succeeded")
	}
}

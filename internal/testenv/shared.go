package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Unavailable skips the test with why, or fails it under CI, where
// everything a test needs must be there.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatal(why)
	}
	t.Skip(why)
}

// SharedDir finds the evaluation material ("shared", beside the repository
// root: shared/corpus and shared/eval), walking up from the test's package
// directory. Missing, the test skips, except under CI.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			if fi, err := os.Stat(filepath.Join(shared, "corpus")); err == nil && fi.IsDir() {
				return shared
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	Unavailable(t, "the shared evaluation corpus (shared/corpus, shared/eval) is not beside the repository root")
	return ""
}

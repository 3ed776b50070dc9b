package storage_test

import (
	"testing"

	"github.com/factdesk/factdesk/storage/storagetest"
)

// eachBackend runs a test on SQLite and, when a server is configured, on
// PostgreSQL; fn gets the backend's name for storagetest.URL.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, name := range storagetest.Backends(t) {
		t.Run(name, func(t *testing.T) { fn(t, name) })
	}
}

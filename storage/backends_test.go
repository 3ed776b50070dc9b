package storage

import (
	"testing"

	"github.com/factdesk/factdesk/storage/storagetest"
)

// eachBackend runs a test on SQLite and, when a server is configured, on
// PostgreSQL; fn gets the backend's name for storagetest.URL.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	storagetest.Run(t, func(t *testing.T, b storagetest.Backend) { fn(t, b.Name) })
}

// Package dbtest opens a desk database for a test: storage's handle on a
// fresh database from storagetest, migrated, and closed when the test ends.
//
// It is a package of its own because storagetest imports nothing of the
// desk (the storage package's own tests use it); the storage package's
// in-package tests cannot use this one and keep their own opener.
package dbtest

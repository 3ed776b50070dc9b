// Package ptytest opens pseudo-terminals for tests, so the terminal chat's
// line editor can be driven as a person at a terminal drives it: keys are
// typed at the master side, the desk reads and draws on the slave side,
// and the width the terminal reports can be set, 0 columns included. Only
// tests import it; it imports the standard library only.
package ptytest

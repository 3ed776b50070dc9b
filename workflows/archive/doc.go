// Package archive keeps what evidence links pointed at. When evidence with a
// link is committed, storage writes a pending archive job in the same
// transaction; the Worker here fetches each page once, through the desk's
// safe fetcher, and stores a snapshot: the final URL after redirects, the
// HTTP status, content type, fetch time, SHA-256 of the body, the title and
// the readable text (capped at TextCap). Optionally it asks a web archive
// (the Internet Archive's Save Page Now) for a public copy too. Jobs are
// leased like outbox rows, retried with backoff, and survive a crash.
//
// It also answers the chat commands recheck (fetch again and say whether
// the page changed or vanished) and archive (print the stored text).
//
// It declares what it needs (Store, Fetcher, Saver) and does no I/O of its
// own: cmd/factdesk wires in storage and the network (internal/webfetch).
// It imports the standard library and workflows, never bot/, storage/,
// cmd/ or internal/.
package archive

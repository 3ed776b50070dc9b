// Package storage implements the stores workflows declares (Store, Tx, Inbox,
// Outbox) with sqlx over SQLite, the embedded default, and PostgreSQL, for
// several replicas on one database.
//
// One file per aggregate, queries as constants at the top of each file,
// written once with ? placeholders and rebound for the driver. Dialect
// differences (id columns, row locking) live in dialect.go and nowhere else.
// Migrations are embedded, numbered 0001_name.sql, applied on start and by
// `factdesk migrate`, recorded in schema_migrations, and never edited once
// shipped: add a new file instead.
//
// This package imports workflows for its types; it must never import bot/ or
// cmd/.
package storage

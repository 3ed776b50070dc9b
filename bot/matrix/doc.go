// Package matrix puts the desk in a newsroom's Matrix rooms. It drives
// /sync itself so that each response's next_batch commits in the same
// transaction as the inbox rows of that response (a crash loses nothing and
// repeats nothing), turns commands, thread replies and ✅/❌ reactions on a
// claim card into workflows.Inbound for bot.Router, and delivers outbox rows
// as m.notice events: cards with HTML, replies in the card's thread, card
// updates as edits, each sent under a transaction id made from its outbox
// row so a resend after a crash returns the same event.
//
// Editors are named in config or hold a room power level (PowerRoles). Only
// one replica syncs at a time, under a lease kept in the database.
//
// Encrypted rooms (E2EE, Crypto): with the goolm build tag the bot's device
// runs mautrix's Olm machine on the desk's own database. Only the lease
// holder loads it, so one Olm account is never used by two processes; the
// Deliverer of every other replica stands by. Encrypted events are
// decrypted before anything else reads them; one whose key is missing is
// held in the database and retried as keys arrive. With a recovery key the
// device is cross-signed from the account's secret storage.
//
// It imports bot, workflows and mautrix. It never imports another platform
// package (bot/slack, bot/shell) nor storage: the tables it needs are behind
// Store, which storage implements.
package matrix

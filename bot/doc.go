// Package bot is factdesk's platform-neutral chat layer: the command table
// every platform shares, the Router that records each inbound event in the
// inbox and runs the command it carries, the editor roles, help, and the
// contract between the desk and its chat platforms.
//
// The command table (builtinSpecs, plus what features add with
// Router.Register) declares each command once: its name, usage, summary,
// whether it is for editors, how its arguments are read (Parse) and what
// runs it (Run). The router dispatches from it; help lists it; a test holds
// the README's command table to it.
//
// A platform is one package under bot/ (bot/slack, bot/matrix; bot/shell
// for the terminal; bot/bottest for tests). Its constructor returns a
// Platform, the small interface every platform implements: its name, its
// message limits, delivery of its outbox rows (workflows.Deliverer) and
// Run. Whatever else it can do it offers through one-method interfaces the
// wiring finds by type assertion, as mautrix bridgev2 finds a network's
// powers: Connector (a first contact that may fail while the platform is
// away), StatusReporter (for /readyz), MentionParser and MentionResolver
// (who "@ana" is), RoleSource (editors from the platform's own data),
// PeopleNamer (display names), DirectNotifier (private notices),
// HTTPMounter (requests the platform sends to the desk) and Orderer (whose
// events must keep their order: a person's, a room's). Buttons, reactions
// and card edits stay inside the platform packages: the core asks for
// none of them.
//
// An adapter sees the desk only through Port: it records and hands over
// inbound events (Receive; or Record before acknowledging and Handle
// after), parses text, and reads what it must to answer a click or a
// shortcut (a claim, the claim of a thread, a person's queue). It never
// sees the engine or the store. Pool runs acknowledged events on a bounded
// number of workers, fairly across the people who sent them.
//
// Platform packages never import each other; this package imports none of
// them, nor storage/ nor any chat SDK (internal/layering's test holds
// both rules).
package bot

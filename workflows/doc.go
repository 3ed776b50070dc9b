// Package workflows is factdesk's core: the verification domain and the rules
// that move a claim through it.
//
// It owns Claim, Evidence, Figure, the evidence state computed from the
// evidence (unverified, corroborated, disputed), the editorial decision
// (pending, approved, rejected) and its transition table, the append-only audit
// Event, the neutral Message the desk says things with, the Engine that applies
// commands, and the outbox Dispatcher that hands messages to platforms.
//
// It declares the interfaces it needs (Store, Tx, Outbox, Roles, Deliverer,
// Clock) and never imports an implementation: storage/ implements the stores,
// bot/ and its platform packages implement delivery and roles, and
// cmd/factdesk wires them together. Nothing here may import bot/, storage/ or
// cmd/, nor any chat SDK or database driver; a test enforces this.
package workflows

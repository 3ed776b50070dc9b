// Package bot is factdesk's platform-neutral chat layer: the one command
// grammar every platform shares, the Router that records each inbound event
// in the inbox and turns it into an engine call, the editor roles, and help.
//
// Each chat platform is one package under bot/ (bot/shell, bot/slack,
// bot/matrix). They translate platform events into workflows.Inbound and hand
// them to the Router (Receive; or Record before acknowledging and Handle
// after; or, for the terminal, Handle alone), and they deliver outbox rows
// (workflows.Deliverer). Pool runs acknowledged events on a bounded number of
// workers, fairly across the people who sent them.
// Platform packages never import each other; this package imports none of
// them, nor storage/ nor any chat SDK. Optional platform powers (buttons,
// reactions, editing a card) stay inside the platform packages.
package bot

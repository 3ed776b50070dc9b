// Package slack is the desk inside a newsroom's Slack workspace.
//
// It turns what Slack delivers (Events API callbacks, slash commands, button
// clicks and modal submissions, over Socket Mode or signed HTTP requests)
// into workflows.Inbound events for bot.Router, so the core grammar, the
// inbox deduplication and the engine's one permission check apply to Slack
// exactly as to every other platform. A button never decides anything
// itself: a click becomes the command text a person could have typed
// ("approve 12 version=3"), and the engine authorises it.
//
// HTTP mode checks a request's signature headers before reading its body,
// reads the body within Slack's 3-second window and 1 MiB, and keeps at most
// Config.MaxRequests requests in progress. Every event, over either mode,
// is recorded before it is acknowledged and handled by a bounded bot.Pool;
// one the pool has no room for waits in the inbox until the pool works it off.
//
// It delivers outbox rows (workflows.Deliverer) as Block Kit messages within
// Slack's limits, paced per channel, honouring Retry-After, and never posting
// twice after an ambiguous failure: every post carries its outbox id in
// message metadata, and a row that may already have gone out is looked up
// before it is sent again.
//
// Text arrives in Slack's markup and is decoded once (package mrkdwn)
// before the grammar reads it, on every path: events over HTTP and Socket
// Mode, and slash commands. Mentions then read "@U123"; ParseMention and
// ResolveMention turn them (or a plain "@handle", through users.list) into
// the id of a user Slack knows. Requests from another workspace than the
// one served (Config.TeamID, AllowExternal) are refused with a short answer.
// Editors can come from a Slack user group (Roles).
//
// Shortcuts bring the desk to a message: "File as claim" and "Add as
// evidence" (message shortcuts) and "New claim" (global) open forms
// prefilled from the message; a submitted form becomes the command a
// person could have typed, carrying the message (workflows.Captured), and
// is recorded in the inbox before Slack is answered. The claim picker is
// an external select answered from block_suggestion payloads.
//
// It imports bot, workflows, its own mrkdwn and slack-go only: never
// storage, nor another platform package (bot/shell, bot/matrix).
package slack

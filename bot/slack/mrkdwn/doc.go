// Package mrkdwn is the one place factdesk reads and writes Slack's message
// markup ("mrkdwn", https://docs.slack.dev/messaging/formatting-message-text).
//
// Slack never delivers what a person typed. In message and app_mention
// events, in slash commands with should_escape, and in a message shortcut's
// text, "&", "<" and ">" arrive as "&amp;", "&lt;" and "&gt;", and links,
// mentions, channels, user groups, special mentions and dates arrive wrapped
// in angle brackets. Decode turns that back into plain text once, on the way
// in, before the command grammar sees it; Escape does the opposite once, on
// the way out, so text a user sent can never become live markup (a
// "<!channel>" or a fake link) in the desk's messages.
//
// It imports only the standard library.
package mrkdwn

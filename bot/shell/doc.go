// Package shell is the terminal chat: factdesk on stdin and stdout, so a
// newsroom can try the desk with no chat tokens and a script can drive a
// whole story. It is one platform adapter like bot/slack and bot/matrix: it
// turns lines into inbound events for bot.Router and delivers outbox rows by
// writing them out. It imports bot and workflows only.
package shell

// Package shell is the terminal chat: factdesk on stdin and stdout, so a
// newsroom can try the desk with no chat tokens and a script can drive a
// whole story. It is one platform adapter like bot/slack and bot/matrix: it
// turns lines into inbound events for bot.Router and delivers outbox rows by
// writing them out.
//
// It owns how a person uses the terminal: the line editor and its history
// file (github.com/chzyer/readline, only when the input is a terminal;
// pipes are read plainly), the limits on a line, "as NAME", quit and exit,
// ingest's paste mode, and SafeWriter, through which everything printed to
// a terminal passes workflows.CleanText. It imports bot, workflows and the
// line editor only.
package shell

// Package slackfake is a working, recording fake of Slack for tests.
//
// Slack itself is out of reach in tests, so every Slack test in the project
// runs against this fake. It speaks the real wire protocols, so the code under
// test uses the real slack-go client and socketmode client unchanged:
//
//   - a Web API on httptest (point slack.OptionAPIURL at Server.APIURL, or use
//     Server.Client) that stores messages, threads, updates, reactions, views,
//     users and user groups, and records every call;
//   - programmable faults per method (429 with Retry-After, 5xx, Slack error
//     JSON, a dropped connection, a post that takes effect but whose answer
//     never arrives);
//   - a Socket Mode websocket server reached through apps.connections.open
//     that sends envelopes, records acks and can drop the connection;
//   - builders for signed HTTP-mode requests (slash commands, Events API
//     callbacks, block_actions interactions);
//   - Typed and Encode, which turn what a person typed into the markup Slack
//     really sends ("&amp;", "<https://…>", "<@U…>", "<!here>"…), so tests
//     never hand an app text Slack would not send.
//
// The fake keeps no clock of its own: message timestamps come from a counter
// (or from WithNow), and nothing in it waits on wall time except the
// websocket pings Socket Mode clients need to stay connected. Waiting helpers
// (WaitCalls, WaitAck, WaitConnections) block on notifications, never on
// sleeps.
//
// Tokens: slack-go sends the token in the form body for most methods and as
// "Authorization: Bearer" for JSON and GET methods; the fake accepts both, as
// Slack does, and answers not_authed, invalid_auth or not_allowed_token_type
// like Slack.
//
// This package is for tests only. It imports slack-go for its types and must
// never import other factdesk packages, so that any of them can use it.
package slackfake

// Command factdesk runs the newsroom verification desk (see README.md). It
// is the only package that knows every other: its job is wiring, read top
// to bottom in a few places.
//
//   - main.go makes a signal context and calls Main.Run; tests start the
//     real program in process the same way.
//   - commands.go is the table of subcommands (run, shell, digest, ingest,
//     export, backup…), each a method of Main.
//   - config.go is the config file: each platform's section is its own
//     package's Config, validated there (bot/slack, bot/matrix); each
//     feature's section sits with its wiring (archive.go, export.go,
//     fetch.go); envOverrides lists every secret the environment may supply.
//   - app.go's openDesk builds the core in order: database and migrations,
//     dispatcher, engine, router, then the features outside the core grammar
//     (ingest, digests, archiving), which register their chat commands.
//   - run.go's cmdRun then attaches each configured platform: startSlack and
//     startMatrix make the adapter from its section, handing it the router
//     as a bot.Port, and attachPlatform (platform.go) wires any bot.Platform
//     the same way: its outbox rows, its limits, and each optional power it
//     offers (mentions, roles, names, direct notices, HTTP endpoints,
//     readiness), then connects it with backoff. It starts the schedules and the archive
//     worker, mounts /healthz, /readyz, /metrics and the exports on one HTTP
//     server (server.go: its timeouts and limits), and runs the dispatcher
//     and the inbox sweep beside them. With no platform configured the
//     terminal is the chat.
//
// Feature logic lives with its owner (workflows/ingest, workflows/digest,
// workflows/archive, bot/…); what stays here adapts one to another: the
// safe fetcher to the core's PageFetcher (fetch.go), the desk's readiness
// (ready.go), a config reload on SIGHUP (reload.go).
package main

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/bot/shell"
	"github.com/factdesk/factdesk/internal/webfetch"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
	"github.com/factdesk/factdesk/workflows/digest"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// Main is the whole program; main() only makes a signal context and calls
// Run, so end-to-end tests can start the real program in process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Clock, when set, replaces the wall clock (tests).
	Clock workflows.Clock
	// Ready, when set, is called once `run` serves, with the HTTP address
	// ("" for a terminal desk that runs without one, its port taken).
	Ready func(addr string)
	// Backoff, when set, replaces the waits between attempts to reach a
	// platform at start (tests shorten them).
	Backoff Backoff
	// Interrupt delivers SIGINT: it stops the subcommand (as a cancelled
	// ctx does), but Ctrl-C while the terminal chat runs a command stops
	// only that command (shell.Session.Interrupt).
	Interrupt <-chan os.Signal
	// Hangup delivers SIGHUP: `run` re-reads its config file (reload.go);
	// a desk whose chat is a terminal stops, the terminal having hung up.
	Hangup <-chan os.Signal
	// Reloaded, when set, is called after each reload with its outcome.
	Reloaded func(error)
	// Resolver, when set, looks up the host names of every page the desk
	// fetches (ingest, archiving) instead of the system resolver; the
	// tests answer only loopback names, so no test reaches the network.
	Resolver webfetch.Resolver

	// terminal is Stdout as given, for the line editor's own drawing;
	// everything else goes through Stdout, made safe for a terminal.
	terminal io.Writer
	// logFile is where logs go while the terminal is the chat.
	logFile string
	// interruptCommand, while the terminal chat runs, takes SIGINT first
	// (see Interrupt); it reports false when it has no command to stop.
	interruptCommand atomic.Pointer[func() bool]
}

// stopOnInterrupt cancels the returned context on SIGINT, unless the
// terminal chat took the signal to stop only the command it runs.
func (m *Main) stopOnInterrupt(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if m.Interrupt == nil {
		return ctx, cancel
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-m.Interrupt:
				if take := m.interruptCommand.Load(); take != nil && (*take)() {
					continue
				}
				cancel()
				return
			}
		}
	}()
	return ctx, cancel
}

// Run runs one subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = io.Discard
	}
	if m.terminal == nil {
		// Whatever a subcommand prints (cards, digests, extracted
		// sentences) may hold text from chat users and web pages.
		m.terminal, m.Stdout = m.Stdout, shell.SafeWriter(m.Stdout)
		// Logs and errors name URLs, files and users' words too.
		m.Stderr = shell.SafeWriter(m.Stderr)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage()
		return nil
	}
	ctx, cancel := m.stopOnInterrupt(ctx)
	defer cancel()
	if sc, ok := lookup(args[0]); ok {
		err := sc.run(m, ctx, args[1:])
		if errors.Is(err, flag.ErrHelp) {
			return nil // --help: the usage was asked for and printed
		}
		return err
	}
	m.usage()
	return fmt.Errorf("unknown command %q", args[0])
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stdout, "usage: factdesk COMMAND [--config FILE] [flags]\n\ncommands:")
	for _, sc := range subcommands() {
		fmt.Fprintf(m.Stdout, "  %-19s %s\n", sc.name, sc.summary)
	}
}

// flags makes a flag set with the --config flag every subcommand takes.
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := m.bareFlags(name)
	return fs, fs.String("config", "", "config file (default "+DefaultConfigPath+" if present)")
}

// bareFlags makes a subcommand's flag set. Its usage (on --help, or after a
// bad flag) says what the subcommand does, its flags and its operands; a
// parse with --help returns flag.ErrHelp, which Run takes for success.
func (m *Main) bareFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		sc, _ := lookup(name)
		line := "usage: factdesk " + name
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			line += " [flags]"
		}
		if sc.operands != "" {
			line += " " + sc.operands
		}
		fmt.Fprintf(fs.Output(), "%s\n\n%s\n", line, sc.summary)
		if hasFlags {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses a subcommand's arguments. One whose table entry names no
// operands refuses any: Go's flag parsing stops at the first word that is
// not a flag, so "migrate extra --config FILE" would otherwise ignore
// --config and use the default database.
func (m *Main) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sc, _ := lookup(fs.Name()); sc.operands == "" && fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%s takes no arguments besides its flags, not %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// noFlags parses the arguments of a subcommand that takes no flags and no
// operands: --help prints its usage, anything else is refused.
func (m *Main) noFlags(name string, args []string) error {
	fs := m.bareFlags(name)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%s takes no arguments, not %q", name, fs.Arg(0))
	}
	return nil
}

func (m *Main) clock() workflows.Clock {
	if m.Clock != nil {
		return m.Clock
	}
	return workflows.SystemClock{}
}

func (m *Main) logger(cfg Config, quiet bool) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	if quiet && level < slog.LevelWarn {
		// The terminal chat shares the screen with logs: keep them to problems.
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

// chatLogger is the logger of a desk whose chat is this terminal. When a
// person types at it, logs go to factdesk.log in the state directory
// (shell.StatePath), never between the lines of the conversation; from a
// pipe or a script they go to stderr, problems only. close closes the file.
func (m *Main) chatLogger(cfg Config) (log *slog.Logger, close func()) {
	path := shell.StatePath(m.Getenv, "factdesk.log")
	if !isTerminal(m.Stdin) || path == "" {
		return m.logger(cfg, true), func() {}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return m.logger(cfg, true), func() {}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return m.logger(cfg, true), func() {}
	}
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	m.logFile = path
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(f, opts)), func() { f.Close() }
	}
	return slog.New(slog.NewTextHandler(f, opts)), func() { f.Close() }
}

// Desk is the wired core: database, engine, router and dispatcher. Platform
// adapters attach to it.
type Desk struct {
	Config     Config
	DB         *storage.DB
	Engine     *workflows.Engine
	Router     *bot.Router
	Dispatcher *workflows.Dispatcher
	Metrics    *Metrics
	Logger     *slog.Logger
	Clock      workflows.Clock
	Roles      *bot.StaticRoles
	// Names holds the platforms that can name their people; the engine
	// uses it once one has joined.
	Names workflows.NamesByPlatform
	// Health holds the parts /readyz reports on; platforms add theirs.
	Health *Readiness
	// Backoff bounds the waits between attempts to reach a platform.
	Backoff Backoff
	// Digests runs the configured schedules and the digest command.
	Digests *digest.Runner
	// Archiver fetches and keeps the pages evidence links point at.
	Archiver *archive.Worker
	// Pages is the safe fetcher every feature reads web pages through.
	Pages *pageFetcher
}

// openConfigured is openDesk for a subcommand that reads the config file
// at path (see LoadConfig) and logs only warnings and errors, so its own
// output stands alone.
func (m *Main) openConfigured(ctx context.Context, path string) (*Desk, error) {
	cfg, err := LoadConfig(path, m.Getenv)
	if err != nil {
		return nil, err
	}
	return m.openDesk(ctx, cfg, m.logger(cfg, true))
}

// openDesk opens and migrates the database and wires the core.
func (m *Main) openDesk(ctx context.Context, cfg Config, log *slog.Logger) (*Desk, error) {
	if log == nil {
		log = m.logger(cfg, false)
	}
	db, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating: %w", err)
	}
	pages, err := m.pageFetcher(cfg.Fetch, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	clock := m.clock()
	roles := &bot.StaticRoles{Editors: cfg.Editors, Dynamic: map[string]workflows.Roles{}}
	metrics := NewMetrics(db)
	d := &Desk{Config: cfg, DB: db, Logger: log, Clock: clock, Metrics: metrics, Roles: roles,
		Names: workflows.NamesByPlatform{}, Health: &Readiness{}, Backoff: m.Backoff, Pages: pages}
	d.addCoreParts()
	d.Dispatcher = &workflows.Dispatcher{
		Outbox: db, Deliverers: map[string]workflows.Deliverer{}, Clock: clock, Logger: log,
		Observer: metrics, Owner: storage.NewOwner(),
	}
	d.Engine = &workflows.Engine{
		Store: db, Roles: roles, Rules: cfg.VerificationRules(), Clock: clock, Logger: log,
		Limits: map[string]workflows.Limits{shell.Platform: shell.Limits}, Notify: d.Dispatcher.Kick,
	}
	d.Router = &bot.Router{Engine: d.Engine, Inbox: db, Grammar: bot.NewGrammar(), Logger: log, Clock: clock,
		Mentions: map[string]func(string) (string, bool){},
		Resolve:  map[string]func(context.Context, string) (string, error){},
		Order:    map[string]func(workflows.Inbound) string{},
		Help:     map[string]bot.PlatformHelp{}, Observer: metrics}
	// Features outside the core grammar add their commands and helpers.
	for _, attach := range []func(context.Context, *Desk) error{attachIngest, attachDigests, attachArchive} {
		if err := attach(ctx, d); err != nil {
			db.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close closes the database.
func (d *Desk) Close() error { return d.DB.Close() }

// releaseDeadLeases frees outbox rows leased by processes of this host that
// no longer run (see storage.ReleaseDeadLeases), and says so in the log.
func releaseDeadLeases(ctx context.Context, db *storage.DB, log *slog.Logger) error {
	released, err := db.ReleaseDeadLeases(ctx)
	for owner, n := range released {
		log.Info("released the outbox leases of a dead process", "owner", owner, "rows", n)
	}
	return err
}

func (m *Main) cmdVersion(ctx context.Context, args []string) error {
	if err := m.noFlags("version", args); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "factdesk", Version)
	return nil
}

func (m *Main) cmdMigrate(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("migrate")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, mg := range applied {
		fmt.Fprintf(m.Stdout, "applied %04d_%s\n", mg.Version, mg.Name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(m.Stdout, "database is up to date")
	}
	return err
}

// cmdShell is the terminal chat on its own: no HTTP server, no platforms.
func (m *Main) cmdShell(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("shell")
	user := fs.String("user", "", "who is speaking (default shell.user from config)")
	transcript := fs.String("transcript", "", "append delivered output to FILE, exactly once across crashes")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	if cfg.Shell.User, err = shellUser(cfg, *user); err != nil {
		return err
	}
	if *transcript != "" {
		cfg.Shell.Transcript = *transcript
	}
	log, closeLog := m.chatLogger(cfg)
	defer closeLog()
	d, err := m.openDesk(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	return m.runShell(ctx, d)
}

// runShell attaches the terminal to a desk and reads commands until the
// input ends.
func (m *Main) runShell(ctx context.Context, d *Desk) error {
	// The first speaker obeys the rule of "as NAME".
	if _, err := shellUser(d.Config, ""); err != nil {
		return err
	}
	del, err := shell.NewDeliverer(m.Stdout, d.Config.Shell.Transcript)
	if err != nil {
		return err
	}
	defer del.Close()
	s := &shell.Session{Router: d.Router, User: d.Config.Shell.User, In: m.Stdin, Out: m.Stdout,
		Prompt: isTerminal(m.Stdin),
		Flush: func(ctx context.Context) error {
			_, err := d.Dispatcher.Drain(ctx)
			return err
		}}
	run := d.attachPlatform(&shell.Terminal{Deliverer: del, Session: s}, nil)
	// Deliver what a crash left undelivered before reading anything new,
	// and answer terminal lines an earlier version recorded before handling.
	if err := releaseDeadLeases(ctx, d.DB, d.Logger); err != nil {
		return err
	}
	if err := d.Router.RecoverAll(ctx, shell.Platform); err != nil {
		return err
	}
	if _, err := d.Dispatcher.Drain(ctx); err != nil {
		return err
	}
	if s.Prompt {
		lines, err := shell.TerminalLines(m.Stdin.(*os.File), m.terminal, shell.HistoryPath(m.Getenv))
		if err != nil {
			return fmt.Errorf("opening the terminal: %w", err)
		}
		defer lines.Close()
		s.Lines = lines
		if screen, ok := lines.(interface{ Screen() io.Writer }); ok {
			// Messages the desk posts on its own (a scheduled digest) show
			// as they come, above the prompt and what is being typed, not
			// only after the next command: the outbox is delivered while
			// the desk waits at the prompt too.
			out := shell.SafeWriter(screen.Screen())
			del.SetOutput(out)
			s.Out = out
			dispatching, stopDispatching := context.WithCancel(ctx)
			dispatched := make(chan struct{})
			go func() {
				defer close(dispatched)
				_ = d.Dispatcher.Run(dispatching)
			}()
			defer func() { stopDispatching(); <-dispatched }()
		}
		// Ctrl-C while a command runs stops that command, not the desk.
		take := s.Interrupt
		m.interruptCommand.Store(&take)
		defer m.interruptCommand.Store(nil)
		// The terminal hung up (SIGHUP): nobody is left to type, so the
		// desk stops, whether or not the terminal's input has ended.
		if m.Hangup != nil {
			var hungUp context.CancelFunc
			ctx, hungUp = context.WithCancel(ctx)
			defer hungUp()
			go func() {
				select {
				case <-m.Hangup:
					hungUp()
				case <-ctx.Done():
				}
			}()
		}
		fmt.Fprintf(m.Stdout, "factdesk %s · database %s · type help, or as NAME to switch user; quit or Ctrl-D to leave\n", Version, d.Config.DB)
		if m.logFile != "" {
			fmt.Fprintf(m.Stdout, "logs go to %s\n", m.logFile)
		}
	}
	err = run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// shellUser is who the terminal's first speaker, or `factdesk ingest`, acts
// as: the --user flag when given, else shell.user, by the rule of "as NAME"
// (bot.PlainName; "@rita" is "rita"). The error names the flag or the key
// the name came from.
func shellUser(cfg Config, flagUser string) (string, error) {
	name, from := cfg.Shell.User, "shell.user"
	if flagUser != "" {
		name, from = flagUser, "--user"
	}
	plain, err := bot.PlainName(name)
	if err != nil {
		return "", fmt.Errorf("%s %q: %s", from, name, workflows.ErrorMessage(err))
	}
	return plain, nil
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	matrixbot "github.com/factdesk/factdesk/bot/matrix"
	slackbot "github.com/factdesk/factdesk/bot/slack"
)

// platform starts one chat platform inside `factdesk run`. Start returns
// nil, nil when the platform is not configured; otherwise a function that
// runs it until ctx ends. It may register HTTP handlers on mux.
type platform struct {
	name  string
	start func(ctx context.Context, d *Desk, mux *http.ServeMux) (func(ctx context.Context) error, error)
}

// cmdRun starts the desk: the configured platforms (the terminal chat when
// none is), the outbox dispatcher, and the HTTP server with /healthz,
// /readyz and /metrics. A platform unreachable at start is tried again
// while the rest runs; one that rejects its credential stops the desk.
// SIGINT or SIGTERM stops it, delivering what it can first.
func (m *Main) cmdRun(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("run")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	var runners []func(ctx context.Context) error
	mux := http.NewServeMux()
	// The desk opens before the platforms so a bad config or database stops
	// the start with a clear message.
	log := m.logger(cfg, false)
	if !cfgHasPlatform(cfg) {
		var closeLog func()
		log, closeLog = m.chatLogger(cfg)
		defer closeLog()
	}
	d, err := m.openDesk(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	// Each chat platform attaches (delivering its outbox rows, resolving its
	// mentions) and gives a runner that connects and receives.
	platforms := []platform{
		{name: slackbot.Platform, start: startSlack},
		{name: matrixbot.Platform, start: startMatrix},
	}
	for _, p := range platforms {
		run, err := p.start(ctx, d, mux)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if run != nil {
			runners = append(runners, run)
		}
	}
	// Tasks every desk runs besides the platforms.
	for _, b := range []func(ctx context.Context, d *Desk) (func(ctx context.Context) error, error){runDigests, runArchiver} {
		run, err := b(ctx, d)
		if err != nil {
			return err
		}
		if run != nil {
			runners = append(runners, run)
		}
	}
	terminal := len(runners) == 0 || len(d.Dispatcher.Deliverers) == 0
	// Liveness only: a desk waiting for Slack or its database is alive, and
	// restarting it would not help. /readyz says what it waits for.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /readyz", d.Health)
	dispatching := newPartState("not started")
	if !terminal {
		d.Health.Add("dispatcher", func(context.Context) (bool, string) { return dispatching.get() })
	}
	mux.Handle("GET /metrics", d.Metrics.Handler())
	exportRoutes(d, mux)
	if !terminal {
		// Messages a crashed process of this host held go out at once. The
		// events it left unhandled are answered by the inbox sweep, which
		// starts beside the HTTP server: one slow event (an ingest of a slow
		// page) must not keep /healthz closed.
		if err := releaseDeadLeases(ctx, d.DB, d.Logger); err != nil {
			return err
		}
	}
	ln, err := listen(cfg.HTTP.Addr)
	if err != nil && !terminal {
		return fmt.Errorf("http.addr %s: %w", cfg.HTTP.Addr, err)
	}
	if err != nil {
		// The terminal is the only chat: nothing it needs uses the port (a
		// second `make run` finds it taken), so the desk runs without it.
		why := err
		if inner := errors.Unwrap(err); inner != nil {
			why = inner // "bind: address already in use", the address said once
		}
		fmt.Fprintf(m.Stdout, "! http.addr %s: %v; the desk runs without its HTTP endpoints (/healthz, /readyz, /metrics): set http.addr to a free address to have them\n",
			cfg.HTTP.Addr, why)
		ln = nil
	}
	srv := newServer(mux)
	g, gctx := errgroup.WithContext(ctx)
	serving := ""
	if ln != nil {
		serving = ln.Addr().String()
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-gctx.Done()
			shut, cancel := context.WithTimeout(context.WithoutCancel(gctx), 5*time.Second)
			defer cancel()
			return srv.Shutdown(shut)
		})
	}
	if !terminal {
		g.Go(func() error {
			dispatching.set(true, "running")
			defer dispatching.set(false, "stopped")
			return d.Dispatcher.Run(gctx)
		})
		// The sweep starts beside the HTTP server, which answers /healthz
		// meanwhile: one slow event left by a crash must not keep it closed.
		g.Go(func() error { d.Router.Sweep(gctx, 15*time.Second); return nil })
	}
	for _, run := range runners {
		g.Go(func() error { return run(gctx) })
	}
	if m.Hangup != nil && !(terminal && isTerminal(m.Stdin)) {
		// A desk whose chat is a terminal takes SIGHUP as that terminal
		// hanging up (runShell).
		g.Go(func() error { return m.watchHangups(gctx, d, *cfgPath, m.Hangup) })
	}
	if m.Ready != nil {
		m.Ready(serving)
	}
	d.Logger.Info("factdesk running", "http", serving, "db", d.DB.Dialect())
	if terminal {
		// No chat platform configured: the terminal is the desk's chat, and
		// the desk stops when the terminal closes.
		g.Go(func() error {
			err := m.runShell(gctx, d)
			srv.Close()
			if err == nil {
				return errStop
			}
			return err
		})
	}
	if err := g.Wait(); err != nil && !errors.Is(err, errStop) && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

var errStop = errors.New("terminal closed")

// cfgHasPlatform reports whether any chat platform is configured; without
// one the terminal is the chat and logs keep quiet.
func cfgHasPlatform(cfg Config) bool {
	return cfg.Slack.BotToken != "" || cfg.Matrix.Homeserver != ""
}

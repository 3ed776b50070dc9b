package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/factdesk/factdesk/configs"
)

// cmdConfig is `factdesk config example` (print the embedded example, every
// key with its default) and `factdesk config check [--config FILE]` (read a
// file as `run` would, environment overrides included, and say which key is
// wrong and why).
func (m *Main) cmdConfig(ctx context.Context, args []string) error {
	const usage = "usage: factdesk config example | factdesk config check [--config FILE]"
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprintln(m.Stderr, usage)
		return nil
	case "example":
		if len(args) > 1 {
			return errors.New(usage)
		}
		_, err := m.Stdout.Write(configs.Example)
		return err
	case "check":
		fs, path := m.flags("config check")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return errors.New(usage)
		}
		cfg, err := LoadConfig(*path, m.Getenv)
		if err != nil {
			return fmt.Errorf("config check: %w", err)
		}
		fmt.Fprintf(m.Stdout, "config ok: %d editor list(s), %d schedule(s)\n", len(cfg.Editors), len(cfg.Schedules))
		return nil
	default:
		return errors.New(usage)
	}
}

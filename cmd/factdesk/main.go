package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// SIGINT stops a command, except Ctrl-C while the terminal chat runs a
	// command, which stops only that command (Main.Interrupt).
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, os.Interrupt)
	// SIGHUP re-reads the config of a running desk, or stops a desk whose
	// chat is the terminal that hung up; other commands ignore it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Interrupt: intr, Hangup: hup}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(m.Stderr, "factdesk:", err)
		if errors.As(err, new(credentialError)) {
			os.Exit(exitConfig)
		}
		os.Exit(1)
	}
}

package main

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits of the run command's HTTP server. Its callers are Slack (HTTP
// mode, whose requests are a few kilobytes and must be answered within 3 s),
// a health checker and a Prometheus scraper: nobody legitimate needs a slow
// connection, so strangers that open many are cut off early.
const (
	// serverMaxConns bounds the open connections of one listener, and so the
	// file descriptors strangers can take: an accept beyond it waits until
	// one closes. Well under the usual descriptor limit (1024 soft, which Go
	// raises to the hard limit), leaving room for the database and Slack.
	serverMaxConns = 512
	// serverReadHeaderTimeout: a client that has not sent its headers in
	// this time is disconnected (slowloris).
	serverReadHeaderTimeout = 5 * time.Second
	// serverReadTimeout bounds reading a whole request. The Slack endpoints
	// cut their bodies shorter still (see bot/slack: 3 s, Slack's own ack
	// window), so this is the ceiling for every other path.
	serverReadTimeout = 10 * time.Second
	// serverWriteTimeout bounds writing the answer; every handler answers at
	// once (the work happens after), and /metrics is a few kilobytes.
	serverWriteTimeout = 15 * time.Second
	// serverIdleTimeout closes a keep-alive connection with no request.
	serverIdleTimeout = 60 * time.Second
	// serverMaxHeaderBytes: Slack's headers are well under 8 KB.
	serverMaxHeaderBytes = 64 << 10
)

// newServer is the run command's HTTP server with its timeouts set.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serverReadHeaderTimeout,
		ReadTimeout:       serverReadTimeout,
		WriteTimeout:      serverWriteTimeout,
		IdleTimeout:       serverIdleTimeout,
		MaxHeaderBytes:    serverMaxHeaderBytes,
	}
}

// listen opens addr with at most serverMaxConns connections open at once.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return netutil.LimitListener(ln, serverMaxConns), nil
}

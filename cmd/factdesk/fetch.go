package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/factdesk/factdesk/internal/webfetch"
	"github.com/factdesk/factdesk/workflows"
)

// FetchConfig is how the desk reads web pages for users (ingest <url>): see
// internal/webfetch and the README's Security section.
type FetchConfig struct {
	// Allow lists intranet hosts or address ranges the desk may read
	// although they are inside a private network.
	Allow []string `yaml:"allow"`
	// Ports are allowed besides 80 and 443.
	Ports []int `yaml:"ports"`
	// Proxy is the proxy for every page; empty: HTTPS_PROXY / HTTP_PROXY
	// from the environment; "none": no proxy.
	Proxy        string        `yaml:"proxy"`
	Timeout      time.Duration `yaml:"timeout"`
	MaxBytes     int64         `yaml:"max_bytes"`
	MaxRedirects int           `yaml:"max_redirects"`
}

// IngestConfig bounds the work of chat ingest.
type IngestConfig struct {
	MaxRunning          int `yaml:"max_running"`
	MaxRunningPerPerson int `yaml:"max_running_per_person"`
	KeepMax             int `yaml:"keep_max"`
}

func (c FetchConfig) options(log *slog.Logger, resolver webfetch.Resolver) webfetch.Options {
	return webfetch.Options{Allow: c.Allow, Ports: c.Ports, Proxy: c.Proxy, Timeout: c.Timeout,
		MaxBytes: c.MaxBytes, MaxRedirects: c.MaxRedirects, Logger: log, Resolver: resolver}
}

// validate builds a fetcher once to check the keys, naming the bad one.
func (c FetchConfig) validate() error {
	switch {
	case c.Timeout < 0:
		return fmt.Errorf("fetch.timeout %s: cannot be negative (leave it out for the default)", c.Timeout)
	case c.MaxBytes < 0:
		return fmt.Errorf("fetch.max_bytes %d: cannot be negative (leave it out for the default)", c.MaxBytes)
	case c.MaxRedirects < 0:
		return fmt.Errorf("fetch.max_redirects %d: cannot be negative (leave it out for the default)", c.MaxRedirects)
	}
	if _, err := webfetch.New(c.options(nil, nil)); err != nil {
		return fmt.Errorf("fetch.%w", err)
	}
	return nil
}

// pageFetcher gives the core the safe fetcher: refusals and failures
// become EINVALID with the fetcher's sentence; their detail goes to the
// log at debug level only.
type pageFetcher struct {
	f   *webfetch.Fetcher
	log *slog.Logger
}

// pageFetcher builds the safe fetcher from the config's fetch section, with
// m.Resolver when set.
func (m *Main) pageFetcher(cfg FetchConfig, log *slog.Logger) (*pageFetcher, error) {
	f, err := webfetch.New(cfg.options(log, m.Resolver))
	if err != nil {
		return nil, fmt.Errorf("fetch.%w", err)
	}
	return &pageFetcher{f: f, log: log}, nil
}

func (p *pageFetcher) FetchPage(ctx context.Context, rawURL string) (*workflows.Page, error) {
	page, err := p.f.Fetch(ctx, rawURL)
	if err != nil {
		if msg := webfetch.MessageOf(err); msg != "" {
			return nil, workflows.Errorf(workflows.EINVALID, "%s", msg)
		}
		return nil, err
	}
	return &workflows.Page{URL: page.URL, FinalURL: page.FinalURL, Status: page.Status, ContentType: page.ContentType,
		Title: page.Title, Text: page.Text, Body: page.Body, Truncated: page.Truncated, FetchedAt: page.FetchedAt}, nil
}

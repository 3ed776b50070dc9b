package workflows

import (
	"context"
	"time"
)

// Page is a web page the desk read for a user.
type Page struct {
	URL         string // as the user gave it
	FinalURL    string // after redirects
	Status      int    // HTTP status of the final response
	ContentType string // media type, lower case, without parameters
	Title       string
	// Text is the page's readable article text, paragraphs separated by
	// blank lines; empty for pages that are not HTML or plain text.
	Text      string
	Body      []byte // as served, after decompression, capped
	Truncated bool   // the body was longer than the cap
	FetchedAt time.Time
}

// PageFetcher reads web pages for users. The core does no network I/O: the
// implementation lives outside it (internal/webfetch, wired in cmd) and
// refuses every address inside the newsroom's network.
type PageFetcher interface {
	// FetchPage reads an http(s) link and returns the page whatever its
	// HTTP status. EINVALID: the link was refused, or the page could not be
	// read in time; the error's message says why in words the user can act
	// on and is the same for every refused address. Any other error is
	// internal.
	FetchPage(ctx context.Context, rawURL string) (*Page, error)
}

// OK reports a 2xx status.
func (p *Page) OK() bool { return p.Status >= 200 && p.Status <= 299 }

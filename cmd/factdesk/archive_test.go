package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/factdesk/factdesk/workflows/archive"
)

// Tests reach no network beyond loopback: pages on other hosts are refused
// before any lookup, as the safe fetcher refuses what it must not reach.
func init() {
	archiveFetcher = loopbackFetcher{pageFetcher{client: http.DefaultClient, maxBytes: maxArticleBytes}}
}

type loopbackFetcher struct{ next archive.Fetcher }

func (f loopbackFetcher) Fetch(ctx context.Context, link string) (archive.Response, error) {
	u, err := url.Parse(link)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return archive.Response{}, archive.Refused(fmt.Errorf("tests fetch only from 127.0.0.1, not %s", link))
	}
	return f.next.Fetch(ctx, link)
}

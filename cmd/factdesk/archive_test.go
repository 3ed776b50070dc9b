package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

// Tests reach no network beyond loopback: the archive worker of a test
// desk refuses pages on other hosts before any lookup; pages on 127.0.0.1
// go through the real safe fetcher (which the test's config must allow).
func init() {
	real := archivePagesFor
	archivePagesFor = func(d *Desk) (archive.Fetcher, error) {
		next, err := real(d)
		return loopbackOnly{next}, err
	}
}

type loopbackOnly struct{ next archive.Fetcher }

func (f loopbackOnly) FetchPage(ctx context.Context, link string) (*workflows.Page, error) {
	if u, err := url.Parse(link); err != nil || u.Hostname() != "127.0.0.1" {
		return nil, archive.Refused(workflows.Errorf(workflows.EINVALID, "%s", fmt.Sprintf("tests read only 127.0.0.1, not %s", link)))
	}
	return f.next.FetchPage(ctx, link)
}

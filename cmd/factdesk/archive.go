package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/internal/savepagenow"
	"github.com/factdesk/factdesk/internal/webfetch"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

// Evidence archiving: the worker `factdesk run` starts, and the chat
// commands recheck and archive.

// ArchiveConfig configures evidence archiving.
type ArchiveConfig struct {
	// Enabled archives evidence links (default true). Jobs are recorded
	// either way, so turning it on later archives what was added meanwhile.
	Enabled *bool `yaml:"enabled"`
	// TextCapBytes is the most readable text kept per page (default 65536).
	TextCapBytes int `yaml:"text_cap_bytes"`
	// SavePageNow also asks the Internet Archive for a public copy.
	SavePageNow SavePageNowConfig `yaml:"save_page_now"`
}

// SavePageNowConfig is the Internet Archive's Save Page Now 2 API.
type SavePageNowConfig struct {
	Enabled  bool   `yaml:"enabled"`
	Endpoint string `yaml:"endpoint"` // default https://web.archive.org
	// AccessKey and SecretKey are the archive.org account's S3 keys
	// (env FACTDESK_SPN_ACCESS_KEY, FACTDESK_SPN_SECRET_KEY).
	AccessKey string `yaml:"access_key"`
	SecretKey string `yaml:"secret_key"`
}

func (c ArchiveConfig) enabled() bool { return c.Enabled == nil || *c.Enabled }

func (c ArchiveConfig) textCap() int {
	if c.TextCapBytes > 0 {
		return c.TextCapBytes
	}
	return archive.DefaultTextCap
}

func (c ArchiveConfig) validate() error {
	if c.TextCapBytes < 0 || c.TextCapBytes > 1<<20 {
		return fmt.Errorf("archive.text_cap_bytes %d: use 1 to 1048576 (default 65536)", c.TextCapBytes)
	}
	s := c.SavePageNow
	if s.Enabled && (s.AccessKey == "" || s.SecretKey == "") {
		return fmt.Errorf("archive.save_page_now needs access_key and secret_key (an archive.org account's S3 keys)")
	}
	if s.Endpoint != "" && workflows.CheckURL(s.Endpoint) != nil {
		return fmt.Errorf("archive.save_page_now.endpoint %q is not an http(s) URL", s.Endpoint)
	}
	return nil
}

// attachArchive gives a desk its archive worker and the chat commands.
func attachArchive(ctx context.Context, d *Desk) error {
	pages := archivePages{d.Pages}
	w := &archive.Worker{
		Store: d.DB, Fetcher: pages, Clock: d.Clock, Logger: d.Logger.With("feature", "archive"),
		Owner: d.Dispatcher.Owner, TextCap: d.Config.Archive.textCap(),
		Archived: func(ctx context.Context, claimID int64) {
			if err := d.Engine.RefreshCards(ctx, claimID); err != nil {
				d.Logger.Warn("refreshing a card after archiving", "claim_id", claimID, "err", err)
			}
		},
	}
	if s := d.Config.Archive.SavePageNow; s.Enabled {
		w.Saver = &savepagenow.Client{HTTP: &http.Client{Timeout: webfetch.DefaultTimeout}, Endpoint: s.Endpoint,
			AccessKey: s.AccessKey, SecretKey: s.SecretKey}
	}
	w.Init()
	d.Archiver = w
	// A commit that added evidence wakes the worker as it wakes the
	// dispatcher.
	notify := d.Engine.Notify
	d.Engine.Notify = func() {
		if notify != nil {
			notify()
		}
		w.Kick()
	}
	k := &archive.Commands{Engine: d.Engine, Store: d.DB, Fetcher: pages, TextCap: w.TextCap}
	parseN := func(usage string) func(cmd *bot.Command, rest string) error {
		return func(cmd *bot.Command, rest string) error {
			cmd.Args = strings.Fields(rest)
			if len(cmd.Args) > 1 {
				return workflows.Errorf(workflows.EINVALID, "usage: %s", usage)
			}
			if len(cmd.Args) == 1 {
				if n, err := strconv.Atoi(strings.TrimPrefix(cmd.Args[0], "#")); err != nil || n < 1 {
					return workflows.Errorf(workflows.EINVALID, "%q is not an evidence number; usage: %s", cmd.Args[0], usage)
				}
			}
			return nil
		}
	}
	evidenceN := func(cmd bot.Command) int {
		if len(cmd.Args) == 0 {
			return 0
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(cmd.Args[0], "#"))
		return n
	}
	d.Router.Register(bot.Spec{
		Name: "recheck", Usage: "recheck <id> [evidence number]", ClaimArg: true,
		Summary: "fetch a claim's archived links again: did the pages change or vanish?",
		Parse:   parseN("recheck <id> [evidence number]"),
	}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		return k.Recheck(ctx, req, cmd.ClaimID, evidenceN(cmd))
	})
	d.Router.Register(bot.Spec{
		Name: "archive", Usage: "archive <id> [evidence number]", ClaimArg: true,
		Summary: "print the text archived from a claim's link",
		Parse:   parseN("archive <id> [evidence number]"),
	}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		return k.Show(ctx, req, cmd.ClaimID, evidenceN(cmd))
	})
	return nil
}

// runArchiver starts the archive worker in `factdesk run`.
func runArchiver(ctx context.Context, d *Desk) (func(ctx context.Context) error, error) {
	w := d.Archiver
	if w == nil || !d.Config.Archive.enabled() {
		return nil, nil
	}
	return w.Run, nil
}

// archivePages is the safe fetcher as archiving uses it: failures that no
// retry can cure (a refused address or port, a link that is not http(s),
// too many redirects) are marked archive.Refused so the job fails at once;
// timeouts and unreachable hosts are tried again later.
type archivePages struct{ p *pageFetcher }

// FetchPage reads a page. See workflows.PageFetcher.
func (a archivePages) FetchPage(ctx context.Context, rawURL string) (*workflows.Page, error) {
	page, err := a.p.f.Fetch(ctx, rawURL)
	if err == nil {
		return &workflows.Page{URL: page.URL, FinalURL: page.FinalURL, Status: page.Status, ContentType: page.ContentType,
			Title: page.Title, Text: page.Text, Body: page.Body, Truncated: page.Truncated, FetchedAt: page.FetchedAt}, nil
	}
	msg := webfetch.MessageOf(err)
	if msg == "" {
		return nil, err
	}
	a.p.log.Debug("archive fetch failed", "err", err)
	userErr := workflows.Errorf(workflows.EINVALID, "%s", msg)
	switch webfetch.ReasonOf(err) {
	case webfetch.ReasonTimeout, webfetch.ReasonUnreachable, webfetch.ReasonBusy:
		return nil, userErr
	}
	return nil, archive.Refused(userErr)
}

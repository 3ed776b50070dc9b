package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/internal/webfetch"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
	"github.com/factdesk/factdesk/workflows/ingest"
)

// Article ingest: the chat commands "ingest <url>|<text>" and "keep 1 3 4",
// and the subcommands extract, ingest and discrepancies.
// maxFileBytes caps an article read from a file, as fetched pages are.
const maxFileBytes = webfetch.DefaultMaxBytes

// readDocument reads an article from a file or fetches it from a URL, with
// the same safe fetcher as chat ingest, and returns its plain text.
// The text is cleaned as chat text is (workflows.CleanText), so a terminal
// escape in an article neither splits a figure from its words nor reaches
// the terminal.
func readDocument(ctx context.Context, pages workflows.PageFetcher, name string) (ingest.Document, string, error) {
	doc := ingest.NewDocument(name)
	if _, isLink := ingest.LinkOf(name); isLink {
		page, err := pages.FetchPage(ctx, name)
		if err != nil {
			return doc, "", fmt.Errorf("%s: %s", name, workflows.ErrorMessage(err))
		}
		if !page.OK() {
			return doc, "", fmt.Errorf("%s: HTTP status %d", name, page.Status)
		}
		if page.Truncated {
			return doc, "", fmt.Errorf("%s: larger than fetch.max_bytes", name)
		}
		return doc, workflows.CleanText(page.Text), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return doc, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return doc, "", err
	}
	if len(b) > maxFileBytes {
		return doc, "", fmt.Errorf("%s: larger than %d MB, more than an article", name, maxFileBytes>>20)
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".html" || ext == ".htm" {
		_, text, err := webfetch.Readable(b, nil)
		return doc, workflows.CleanText(text), err
	}
	return doc, workflows.CleanText(string(b)), nil
}

// cliPages is the fetcher of the extract and ingest subcommands, from the
// config's fetch section.
func (m *Main) cliPages(cfgPath string) (workflows.PageFetcher, error) {
	cfg, err := LoadConfig(cfgPath, m.Getenv)
	if err != nil {
		return nil, err
	}
	return m.pageFetcher(cfg.Fetch, m.logger(cfg, true))
}

func (m *Main) cmdExtract(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("extract")
	format := fs.String("format", "text", "text or json (one object per figure per line)")
	explain := fs.Bool("explain", false, "list every number in the text and why it did or did not become a figure")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", *format)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: factdesk extract [--config FILE] [--format text|json] [--explain] FILE|URL [FILE|URL]")
	}
	pages, err := m.cliPages(*cfgPath)
	if err != nil {
		return err
	}
	if *explain {
		return m.explainExtract(ctx, pages, fs.Args())
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, name := range fs.Args() {
		_, text, err := readDocument(ctx, pages, name)
		if err != nil {
			return err
		}
		figs := extract.Extract(text)
		if *format == "text" {
			fmt.Fprintf(m.Stdout, "%s: %s\n", name, ingest.Figures(len(figs)))
			for i, f := range figs {
				src := f.Source
				if src == "" {
					src = "unattributed"
				}
				fmt.Fprintf(m.Stdout, "  %d. %s\n     metric=%s who=%q place=%q period=%q source=%q [%d:%d]\n",
					i+1, workflows.Shorten(f.Sentence, 160), f.Metric, f.Who, f.Place, f.Period, src, f.Start, f.End)
			}
			continue
		}
		for _, f := range figs {
			row := extract.NewRecord(name, f)
			if err := enc.Encode(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// explainExtract prints each number of each text and what became of it.
func (m *Main) explainExtract(ctx context.Context, pages workflows.PageFetcher, names []string) error {
	for _, name := range names {
		_, text, err := readDocument(ctx, pages, name)
		if err != nil {
			return err
		}
		readings := extract.Explain(text)
		fmt.Fprintf(m.Stdout, "%s: %d numbers\n", name, len(readings))
		for _, r := range readings {
			what := "figure"
			if !r.Figure {
				what = "not a figure: " + r.Why
			}
			fmt.Fprintf(m.Stdout, "  %q [%d:%d] %s\n", r.Number, r.Start, r.End, what)
		}
	}
	return nil
}

func (m *Main) cmdIngest(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("ingest")
	user := fs.String("user", "", "who files the claims (default shell.user from config)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: factdesk ingest [--config FILE] [--user NAME] FILE|URL [FILE|URL]")
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	if cfg.Shell.User, err = shellUser(cfg, *user); err != nil {
		return err
	}
	d, err := m.openDesk(ctx, cfg, m.logger(cfg, true))
	if err != nil {
		return err
	}
	defer d.Close()
	pages := d.Pages
	in := &ingest.Ingester{Engine: d.Engine, Claims: d.DB}
	// No conversation: the command line gets no chat replies.
	req := workflows.Request{Actor: workflows.Actor{Platform: "shell", ID: cfg.Shell.User, Name: cfg.Shell.User}}
	for _, name := range fs.Args() {
		doc, text, err := readDocument(ctx, pages, name)
		if err != nil {
			return err
		}
		figs := extract.Extract(text)
		fmt.Fprintf(m.Stdout, "%s: %s\n", name, ingest.Figures(len(figs)))
		for i, f := range figs {
			o, err := in.File(ctx, req, req, doc, f)
			if err != nil {
				return fmt.Errorf("%s figure %d: %w", name, i+1, err)
			}
			fmt.Fprintf(m.Stdout, "  %d. %s: %s", i+1, ingest.FigureOf(f), o.Why)
			if o.Claim != nil && o.Claim.State == workflows.Disputed {
				fmt.Fprint(m.Stdout, " — now disputed")
			}
			fmt.Fprintln(m.Stdout)
		}
	}
	return nil
}

func (m *Main) cmdDiscrepancies(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("discrepancies")
	format := fs.String("format", "text", "text or json (one object per group per line)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", *format)
	}
	d, err := m.openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer d.Close()
	groups, err := ingest.Discrepancies(ctx, d.DB, d.Engine.Rules)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, g := range groups {
		if *format == "json" {
			if err := enc.Encode(g); err != nil {
				return err
			}
			continue
		}
		ref := workflows.Ref(g.Claim)
		if g.Decision != workflows.Pending {
			ref += " (" + string(g.Decision) + ")"
		}
		fmt.Fprintf(m.Stdout, "%s %s\n  %s\n", ref, workflows.CleanLine(g.Statement), g.Conflict)
		for _, mb := range g.Members {
			fig := workflows.Figure{Value: mb.Figure, Max: mb.Max, Qualifier: mb.Qualifier}
			line := fmt.Sprintf("  - %s: %s", workflows.CleanLine(mb.Source), fig)
			if mb.Document != "" { // evidence added by hand names no document
				line += " (" + workflows.CleanLine(mb.Document) + ")"
			}
			fmt.Fprintln(m.Stdout, line)
		}
	}
	if *format == "text" && len(groups) == 0 {
		fmt.Fprintln(m.Stdout, "no discrepancies")
	}
	return nil
}

// attachIngest registers the chat commands ingest and keep.
func attachIngest(ctx context.Context, d *Desk) error {
	chat := &ingest.Chat{
		Engine: d.Engine, Pending: d.DB, Ingester: &ingest.Ingester{Engine: d.Engine, Claims: d.DB},
		Pages: d.Pages, Clock: d.Clock,
		Limits: ingest.Limits{Running: d.Config.Ingest.MaxRunning, PerPerson: d.Config.Ingest.MaxRunningPerPerson,
			KeepMax: d.Config.Ingest.KeepMax},
	}
	registerIngest(d.Router, chat)
	return nil
}

// registerIngest adds the chat commands ingest and keep to a router.
func registerIngest(r *bot.Router, chat *ingest.Chat) {
	r.Register(bot.Spec{
		Name: "ingest", Usage: "ingest <url> | ingest <pasted article text>",
		Summary: "list the figures in an article, to keep some as claims",
		Parse: func(cmd *bot.Command, rest string) error {
			cmd.Text = strings.TrimSpace(rest)
			if cmd.Text == "" {
				return workflows.Errorf(workflows.EINVALID, "usage: ingest <url>, or ingest followed by the article's text")
			}
			return nil
		},
	}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		return chat.Ingest(ctx, req, cmd.Text)
	})
	r.Register(bot.Spec{
		Name: "keep", Usage: "keep 1 3 4 | keep all",
		Summary: "file the figures of your last ingest as claims, or as evidence on matching claims",
		Parse: func(cmd *bot.Command, rest string) error {
			cmd.Args = strings.Fields(rest)
			if len(cmd.Args) == 0 {
				return workflows.Errorf(workflows.EINVALID, "usage: keep 1 3 4, or keep all")
			}
			return nil
		},
	}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		return chat.Keep(ctx, req, cmd.Args)
	})
}

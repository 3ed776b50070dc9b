package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
	"github.com/factdesk/factdesk/workflows/extract/article"
	"github.com/factdesk/factdesk/workflows/ingest"
)

// Article ingest: the chat commands "ingest <url>|<text>" and "keep 1 3 4",
// and the subcommands extract, ingest and discrepancies.
func init() {
	deskFeatures = append(deskFeatures, attachIngest)
	subcommands["extract"] = subcommand{"print the figures in articles: extract [--format text|json] FILE|URL...", (*Main).cmdExtract}
	subcommands["ingest"] = subcommand{"file every figure in articles as claims or evidence: ingest [--user NAME] FILE|URL...", (*Main).cmdIngest}
	subcommands["discrepancies"] = subcommand{"print disputed claims with their conflicting figures: discrepancies [--format text|json]", (*Main).cmdDiscrepancies}
}

const (
	// fetchTimeout bounds downloading one article.
	fetchTimeout = 20 * time.Second
	// maxArticleBytes caps a fetched page or a read file.
	maxArticleBytes = article.DefaultMaxBytes
)

// fetchClient is used for article URLs; tests may replace it.
var fetchClient = &http.Client{Timeout: fetchTimeout}

// readDocument reads an article from a file or fetches it from a URL and
// returns its plain text.
func readDocument(ctx context.Context, name string) (ingest.Document, string, error) {
	doc := ingest.NewDocument(name)
	if doc.IsURL() {
		ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		defer cancel()
		_, text, err := article.Fetch(ctx, fetchClient, name, maxArticleBytes)
		if err != nil {
			return doc, "", fmt.Errorf("fetching %s: %w", name, err)
		}
		return doc, text, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return doc, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxArticleBytes+1))
	if err != nil {
		return doc, "", err
	}
	if len(b) > maxArticleBytes {
		return doc, "", fmt.Errorf("%s: %w", name, article.ErrTooLarge)
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".html" || ext == ".htm" {
		_, text, err := article.Text(strings.NewReader(string(b)))
		return doc, text, err
	}
	return doc, string(b), nil
}

func (m *Main) cmdExtract(ctx context.Context, args []string) error {
	fs, _ := m.flags("extract")
	format := fs.String("format", "text", "text or json (one object per figure per line)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", *format)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: factdesk extract [--format text|json] FILE|URL [FILE|URL]")
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	for _, name := range fs.Args() {
		_, text, err := readDocument(ctx, name)
		if err != nil {
			return err
		}
		figs := extract.Extract(text)
		if *format == "text" {
			fmt.Fprintf(m.Stdout, "%s: %d figures\n", name, len(figs))
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
	if *user != "" {
		cfg.Shell.User = *user
	}
	d, err := m.openDesk(ctx, cfg, m.logger(cfg, true))
	if err != nil {
		return err
	}
	defer d.Close()
	in := &ingest.Ingester{Engine: d.Engine, Claims: d.DB}
	// No conversation: the command line gets no chat replies.
	req := workflows.Request{Actor: workflows.Actor{Platform: "shell", ID: cfg.Shell.User, Name: cfg.Shell.User}}
	for _, name := range fs.Args() {
		doc, text, err := readDocument(ctx, name)
		if err != nil {
			return err
		}
		figs := extract.Extract(text)
		fmt.Fprintf(m.Stdout, "%s: %d figures\n", name, len(figs))
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

// groupRow is one line of `discrepancies --format json`.
type groupRow struct {
	Claim     int64         `json:"claim"`
	Statement string        `json:"statement"`
	Conflict  string        `json:"conflict"`
	Metric    string        `json:"metric"`
	Who       string        `json:"who"`
	Place     string        `json:"place"`
	Period    string        `json:"period"`
	Members   []groupMember `json:"members"`
}

type groupMember struct {
	Claim     int64               `json:"claim"`
	Document  string              `json:"document"`
	Figure    float64             `json:"figure"`
	Qualifier workflows.Qualifier `json:"qualifier"`
	Source    string              `json:"source"`
	Via       string              `json:"via,omitempty"`
}

// discrepancyGroups lists the disputed pending claims with their figures.
func discrepancyGroups(ctx context.Context, d *Desk) ([]groupRow, error) {
	claims, err := d.DB.ListClaims(ctx, workflows.ClaimFilter{State: workflows.Disputed, Decision: workflows.Pending,
		WithEvidence: true})
	if err != nil {
		return nil, err
	}
	var out []groupRow
	for i := len(claims) - 1; i >= 0; i-- { // oldest first
		c := &claims[i]
		a := d.Engine.Rules.Assess(c.Figure, c.Evidence)
		g := groupRow{Claim: c.ID, Statement: c.Statement, Conflict: a.Conflict,
			Metric: c.Metric, Who: c.Who, Place: c.Place, Period: c.Period}
		for _, e := range c.Evidence {
			if e.Figure == nil {
				continue
			}
			g.Members = append(g.Members, groupMember{Claim: c.ID, Document: e.Document, Figure: e.Figure.Value,
				Qualifier: e.Figure.Qualifier, Source: e.Source, Via: e.Via})
		}
		out = append(out, g)
	}
	return out, nil
}

func (m *Main) cmdDiscrepancies(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("discrepancies")
	format := fs.String("format", "text", "text or json (one object per group per line)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", *format)
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return err
	}
	d, err := m.openDesk(ctx, cfg, m.logger(cfg, true))
	if err != nil {
		return err
	}
	defer d.Close()
	groups, err := discrepancyGroups(ctx, d)
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
		fmt.Fprintf(m.Stdout, "%s %s\n  %s\n", workflows.Ref(g.Claim), g.Statement, g.Conflict)
		for _, mb := range g.Members {
			fig := workflows.Figure{Value: mb.Figure, Qualifier: mb.Qualifier}
			fmt.Fprintf(m.Stdout, "  - %s: %s (%s)\n", mb.Source, fig, mb.Document)
		}
	}
	if *format == "text" && len(groups) == 0 {
		fmt.Fprintln(m.Stdout, "no discrepancies")
	}
	return nil
}

// attachIngest registers the chat commands ingest and keep.
func attachIngest(ctx context.Context, d *Desk) error {
	in := &ingest.Ingester{Engine: d.Engine, Claims: d.DB}
	d.Router.Register(bot.Spec{
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
		return chatIngest(ctx, d, req, cmd.Text)
	})
	d.Router.Register(bot.Spec{
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
		return chatKeep(ctx, d, in, req, cmd.Args)
	})
	return nil
}

// threaded answers under the command itself when it was not said in a thread.
func threaded(req workflows.Request) workflows.Request {
	if req.Conv.Thread == "" && !req.Conv.Threadless && req.Conv.MessageID != "" {
		req.Conv.Thread = req.Conv.MessageID
	}
	return req
}

// linkOf returns the URL when text is one link, as typed or as a platform
// formats it ("<https://…>", "<https://…|label>").
func linkOf(text string) (string, bool) {
	if strings.ContainsAny(text, " \n\t") {
		return "", false
	}
	link := strings.TrimSuffix(strings.TrimPrefix(text, "<"), ">")
	link, _, _ = strings.Cut(link, "|")
	return link, workflows.CheckURL(link) == nil
}

func chatIngest(ctx context.Context, d *Desk, req workflows.Request, text string) error {
	var doc ingest.Document
	if link, ok := linkOf(text); ok {
		var err error
		if doc, text, err = readDocument(ctx, link); err != nil {
			d.Logger.Warn("ingest fetch failed", "url", link, "err", err)
			return workflows.Errorf(workflows.EINVALID, "I could not read that page: %v", err)
		}
	} else {
		doc = ingest.Document{
			Name:        fmt.Sprintf("text pasted by %s at %s", req.Actor.Display(), d.Clock.Now().UTC().Format(time.RFC3339)),
			Publication: "pasted text",
		}
	}
	figs := extract.Extract(text)
	if len(figs) == 0 {
		return d.Engine.Reply(ctx, threaded(req), workflows.Message{Text: "I found no figures to check in that article."})
	}
	p := &ingest.Pending{Platform: req.Conv.Platform, Channel: req.Conv.Channel, User: req.Actor.Key(),
		Document: doc, Figures: figs, CreatedAt: d.Clock.Now()}
	if err := d.DB.SavePending(ctx, p); err != nil {
		return err
	}
	msg := workflows.Message{
		Title: fmt.Sprintf("%d figures in %s", len(figs), doc.Publication),
		Text:  ingest.Numbered(figs) + "Say keep 1 3 4 (or keep all) to file them.",
	}
	return d.Engine.Reply(ctx, threaded(req), msg)
}

func chatKeep(ctx context.Context, d *Desk, in *ingest.Ingester, req workflows.Request, args []string) error {
	p, err := d.DB.LatestPending(ctx, req.Conv.Platform, req.Conv.Channel, req.Actor.Key())
	if err != nil {
		return err
	}
	nums, err := ingest.ParseKeep(args, len(p.Figures))
	if err != nil {
		return err
	}
	// Each figure commits on its own; the inbox event is marked handled by
	// the final answer, so a crash part way re-runs keep and the figures
	// already kept are skipped.
	fileReq := req
	fileReq.Event = nil
	evidenceReq := workflows.Request{Actor: req.Actor}
	var done []int
	var outs []ingest.Outcome
	for _, n := range nums {
		if id, ok := p.Kept[n]; ok {
			done = append(done, n)
			outs = append(outs, ingest.Outcome{Why: "already kept as " + workflows.Ref(id)})
			continue
		}
		o, err := in.File(ctx, fileReq, evidenceReq, p.Document, p.Figures[n-1])
		if err != nil {
			return err
		}
		if err := d.DB.MarkKept(ctx, p.ID, n, o.Claim.ID); err != nil {
			return err
		}
		done = append(done, n)
		outs = append(outs, o)
	}
	return d.Engine.Reply(ctx, threaded(req), workflows.Message{
		Title: fmt.Sprintf("kept %d figures from %s", len(done), p.Document.Publication),
		Text:  ingest.Summary(done, outs),
	})
}

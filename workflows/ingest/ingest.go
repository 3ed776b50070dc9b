package ingest

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

// Claims is what ingest reads besides the engine: the open claims about one
// metric, with their evidence. workflows.Store provides it.
type Claims interface {
	OpenClaimsByTopic(ctx context.Context, metric string) ([]workflows.Claim, error)
}

// Document is one ingested article.
type Document struct {
	// Name is the file path or URL: evidence records it as its document.
	Name string
	// Publication is who published it (a URL's host, a file's name); it
	// becomes the evidence's via when the figure is attributed to someone
	// else, and the source when it is attributed to nobody.
	Publication string
}

// NewDocument names a document by its path or URL.
func NewDocument(name string) Document {
	d := Document{Name: name}
	if d.IsURL() {
		u, _ := url.Parse(name)
		d.Publication = strings.TrimPrefix(u.Hostname(), "www.")
	} else {
		d.Publication = filepath.Base(name)
	}
	return d
}

// IsURL reports whether the document was fetched from the web.
func (d Document) IsURL() bool { return workflows.CheckURL(d.Name) == nil }

// Outcome is what became of one figure.
type Outcome struct {
	Figure  extract.Figure
	Claim   *workflows.Claim
	Created bool
	// Why explains the match ("matched #12: killed · civilians · Mosul") or
	// the creation ("new claim #13").
	Why string
	// Unchanged says the figure changed nothing: the claim already held it
	// from this article. Claim is then as it stands, not as the figure made
	// it.
	Unchanged bool
	// Was is the matched claim's state before the figure was added to it,
	// "" for a new claim: a claim disputed before is not "now" disputed.
	Was workflows.EvidenceState
}

// Ingester files figures through the engine, so permission, audit, cards
// and the disputed state work as for claims typed by hand.
type Ingester struct {
	Engine *workflows.Engine
	Claims Claims
}

// File files one figure read in doc: as evidence on the open claim it
// matches, or as a new claim. fileReq is used to create a claim (its
// conversation gets the card); evidenceReq to attach evidence.
func (in *Ingester) File(ctx context.Context, fileReq, evidenceReq workflows.Request, doc Document, f extract.Figure) (Outcome, error) {
	out := Outcome{Figure: f}
	if f.RevisedTo != 0 {
		// The same source revised this figure later in the article: the
		// later one is current and is filed; this one is history, not a
		// second account.
		out.Why = "revised by " + f.Source + " later in the article to " + workflows.FormatNumber(f.RevisedTo) + "; the current figure is filed"
		return out, nil
	}
	open, err := in.Claims.OpenClaimsByTopic(ctx, Normalize(f.Metric))
	if err != nil {
		return out, err
	}
	ev := Evidence(doc, f)
	if c := alreadyFiled(ev, open); c != nil {
		out.Claim, out.Why, out.Unchanged = c, "already filed from this article as "+c.Ref(), true
		return out, nil
	}
	if m := Find(f, doc, open); m != nil {
		c, err := in.Engine.AddEvidence(ctx, evidenceReq, m.Claim.ID, ev)
		if err != nil {
			return out, err
		}
		out.Claim, out.Why, out.Was = c, m.Explain(), m.Claim.State
		return out, nil
	}
	fig := FigureOf(f)
	// The article is the claim's first evidence, filed with it; it states
	// the claim's own figure, so it cannot dispute it.
	c, err := in.Engine.File(ctx, fileReq, workflows.FileInput{
		Statement: Statement(f), Figure: &fig,
		Metric: Normalize(f.Metric), Who: f.Who, Place: f.Place, Period: f.Period,
		Evidence: []workflows.EvidenceInput{ev},
	})
	if err != nil {
		return out, err
	}
	out.Claim, out.Created, out.Why = c, true, "new claim "+c.Ref()
	return out, nil
}

// FigureOf converts an extracted figure to a claim figure.
func FigureOf(f extract.Figure) workflows.Figure {
	q := workflows.Qualifier(f.Qualifier)
	if !q.Valid() {
		q = workflows.Exact
	}
	return workflows.Figure{Value: f.Value, Max: f.Max, Qualifier: q, Unit: unit(f)}
}

// Evidence is the article's account of f, supporting the claim it files.
func Evidence(doc Document, f extract.Figure) workflows.EvidenceInput {
	fig := FigureOf(f)
	ev := workflows.EvidenceInput{
		Source: clip(f.Source, 200), Stance: workflows.Supports, Figure: &fig, Document: doc.Name,
		Quote: clip(strings.TrimSpace(f.Sentence), workflows.MaxStatementLen),
	}
	if ev.Source == "" {
		ev.Source = clip(doc.Publication, 200)
	} else if !strings.EqualFold(ev.Source, doc.Publication) {
		ev.Via = clip(doc.Publication, 200)
	}
	if ev.Source == "" {
		ev.Source = "unattributed"
	}
	if doc.IsURL() {
		ev.URL = doc.Name
	}
	return ev
}

// clip trims s and cuts it to n runes.
func clip(s string, n int) string { return workflows.Shorten(strings.TrimSpace(s), n) }

// Numbered renders the figures as a numbered list for a reporter to pick
// from, one summary line each with its source.
func Numbered(figs []extract.Figure) string {
	var b strings.Builder
	for i, f := range figs {
		src := f.Source
		if src == "" {
			src = "unattributed"
		}
		fmt.Fprintf(&b, "%d. %s (%s)\n", i+1, Line(extract.Figure{Value: f.Value, Max: f.Max, Qualifier: f.Qualifier,
			Metric: f.Metric, Who: f.Who, Place: f.Place, Period: f.Period}), src)
	}
	return b.String()
}

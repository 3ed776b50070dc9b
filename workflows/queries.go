package workflows

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Show answers with a claim's card.
func (e *Engine) Show(ctx context.Context, req Request, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	e.nameCard(ctx, c)
	return e.Reply(ctx, req, CardMessage(c, e.Rules.Assess(c.Figure, c.Evidence)))
}

// History answers with a claim's audit trail.
func (e *Engine) History(ctx context.Context, req Request, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	events, err := e.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	for _, ev := range events {
		e.name(ctx, c, ev.Actor)
		if ev.Kind == EvAssigned {
			e.name(ctx, c, ev.Old, ev.New)
		}
	}
	return e.Reply(ctx, req, HistoryMessage(c, events))
}

// ListLimit caps list and search answers, a page at a time; a newsroom
// narrows further by state, or asks for the next page.
const ListLimit = 50

// List answers with page page (from 1; 0 is 1) of the claims matching f,
// ListLimit a page, newest first. ask is the command that repeats this
// listing without a page ("list disputed mine"): a page that leaves
// matches out says how many match and that ask plus "page N" shows the
// next. Errors: the store's, and EINVALID for a page past the last.
func (e *Engine) List(ctx context.Context, req Request, f ClaimFilter, page int, ask string) error {
	claims, footer, err := e.page(ctx, f, page, ask)
	if err != nil {
		return err
	}
	title := "Claims"
	var parts []string
	if f.State != "" {
		parts = append(parts, string(f.State))
	}
	if f.Decision != "" {
		parts = append(parts, string(f.Decision))
	}
	if f.FiledBy != "" {
		parts = append(parts, "filed by "+e.display(ctx, ActorFromKey(f.FiledBy)))
	}
	switch f.Assignee {
	case "":
	case NoAssignee:
		parts = append(parts, "unassigned")
	default:
		parts = append(parts, "assigned to "+e.display(ctx, ActorFromKey(f.Assignee)))
	}
	if len(parts) > 0 {
		title += ": " + strings.Join(parts, ", ")
	}
	NameAssignees(ctx, e.Names, claims)
	m := ListMessage(title, claims)
	if f.State != "" {
		m = StateListMessage(title, claims)
	}
	if footer != "" {
		m.Footer = footer
	}
	return e.Reply(ctx, req, m)
}

// Search answers with page page (from 1; 0 is 1) of the claims whose
// statement has every word, as List pages. Errors: EINVALID for no words or
// a page past the last.
func (e *Engine) Search(ctx context.Context, req Request, words []string, page int) error {
	if len(words) == 0 {
		return Errorf(EINVALID, "search needs words: search mosul airstrike")
	}
	claims, footer, err := e.page(ctx, ClaimFilter{Words: words}, page, "search "+strings.Join(words, " "))
	if err != nil {
		return err
	}
	NameAssignees(ctx, e.Names, claims)
	m := ListMessage(fmt.Sprintf("Claims matching “%s”", strings.Join(words, " ")), claims)
	if footer != "" {
		m.Footer = footer
	}
	return e.Reply(ctx, req, m)
}

// page reads one page of the claims matching f and, when the page does not
// show them all, the footer saying how many match and how to see more ("50
// of 60 claims, newest first; say list page 2 for the next 10"); "" when it
// shows them all.
func (e *Engine) page(ctx context.Context, f ClaimFilter, page int, ask string) ([]Claim, string, error) {
	if f.Limit == 0 {
		f.Limit = ListLimit
	}
	page = max(page, 1)
	if page > MaxListPage {
		return nil, "", Errorf(EINVALID, "page %d is past any list; pages go up to %d", page, MaxListPage)
	}
	f.Offset = (page - 1) * f.Limit
	claims, err := e.Store.ListClaims(ctx, f)
	if err != nil {
		return nil, "", err
	}
	if page == 1 && len(claims) < f.Limit {
		return claims, "", nil // all of them: the usual "N claims"
	}
	total, err := e.Store.CountClaims(ctx, f)
	if err != nil {
		return nil, "", err
	}
	pages := (total + f.Limit - 1) / f.Limit
	if len(claims) == 0 {
		if total == 0 {
			return nil, "", nil
		}
		return nil, "", Errorf(EINVALID, "there is no page %d: %d %s match, %d a page (%s)",
			page, total, plural(total, "claim", "claims"), f.Limit, plural(pages, "one page", fmt.Sprintf("%d pages", pages)))
	}
	if page == 1 && total == len(claims) {
		return claims, "", nil
	}
	first := f.Offset + 1
	shown := fmt.Sprintf("%d–%d", first, f.Offset+len(claims))
	if page == 1 {
		shown = fmt.Sprint(len(claims))
	}
	footer := fmt.Sprintf("%s of %d claims, newest first", shown, total)
	if rest := total - f.Offset - len(claims); rest > 0 {
		next := fmt.Sprintf("%s page %d", ask, page+1)
		if utf8.RuneCountInString(ask) > maxAskShown {
			next = fmt.Sprintf("the same command with page %d", page+1)
		}
		footer += fmt.Sprintf("; say %s for the next %d", next, min(rest, f.Limit))
	}
	return claims, footer, nil
}

// maxAskShown is the longest command a footer repeats: a long search is
// told to add the page to the same command instead.
const maxAskShown = 200

// MaxListPage bounds the page a list or search is asked for, so an offset
// stays a number the database reads (50 × 100,000 claims back).
const MaxListPage = 100000

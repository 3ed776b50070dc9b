// Package article turns a web page into the plain text of its article, the
// input the figure extractor expects.
//
// It keeps headings and paragraphs and drops what surrounds them on a news
// page: navigation, headers and footers, asides, menus and link lists,
// sharing and comment widgets, forms, scripts and styles. Nothing on the page
// is executed: the HTML is only parsed.
//
// The package depends on golang.org/x/net/html and the standard library; it
// must not import the chat, storage or platform packages.
package article

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DefaultMaxBytes caps a page when Fetch is given no limit. News pages are
// rarely above a few hundred kilobytes; anything far larger is not an article.
const DefaultMaxBytes = 5 << 20

var (
	// ErrScheme is returned for URLs that are not http or https.
	ErrScheme = errors.New("article: only http and https URLs can be fetched")
	// ErrTooLarge is returned when the page exceeds the size cap.
	ErrTooLarge = errors.New("article: page exceeds the size limit")
	// ErrNotHTML is returned for responses that are neither HTML nor plain text.
	ErrNotHTML = errors.New("article: response is not an HTML page")
)

// Fetch downloads rawURL with client and returns the page's title and
// article text. The request is bound to ctx, so the caller's deadline is the
// timeout. At most maxBytes of the body are read (DefaultMaxBytes when
// maxBytes ≤ 0); a larger page fails with ErrTooLarge rather than being
// silently truncated, since half an article would yield half its figures.
// A nil client means http.DefaultClient. A plain-text response is returned
// as is, with an empty title.
func Fetch(ctx context.Context, client *http.Client, rawURL string, maxBytes int64) (title, text string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", fmt.Errorf("article: bad URL: %w", err)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" || u.Host == "" {
		return "", "", ErrScheme
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", "", fmt.Errorf("article: %w", err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml, text/plain;q=0.8")
	resp, err := client.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("article: fetching %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", "", fmt.Errorf("article: fetching %s: %s", u.Redacted(), resp.Status)
	}
	plain := false
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := mime.ParseMediaType(ct)
		switch mt {
		case "text/html", "application/xhtml+xml":
		case "text/plain":
			plain = true
		default:
			return "", "", fmt.Errorf("%w: %s", ErrNotHTML, mt)
		}
	}
	if resp.ContentLength > maxBytes {
		return "", "", ErrTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return "", "", fmt.Errorf("article: reading %s: %w", u.Redacted(), err)
	}
	if int64(len(body)) > maxBytes {
		return "", "", ErrTooLarge
	}
	// Pages are expected in UTF-8; stray bytes of other encodings are
	// replaced rather than passed on to the extractor.
	if !utf8.Valid(body) {
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	if plain {
		return "", string(body), nil
	}
	return Text(bytes.NewReader(body))
}

// Text parses an HTML document and returns its title and the readable text
// of its article, paragraphs separated by blank lines.
func Text(r io.Reader) (title, text string, err error) {
	doc, err := html.Parse(r)
	if err != nil {
		return "", "", fmt.Errorf("article: parsing HTML: %w", err)
	}
	root := mainContent(doc)
	var w textWriter
	w.walk(root)
	return pageTitle(doc, root), w.String(), nil
}

// mainContent picks the element holding the article: the <article>, <main>
// or role="main" element with the most paragraph text, else <body>.
func mainContent(doc *html.Node) *html.Node {
	var best, body *html.Node
	bestLen := 0
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if dropped(n) {
				return
			}
			if n.DataAtom == atom.Body {
				body = n
			}
			if n.DataAtom == atom.Article || n.DataAtom == atom.Main || attr(n, "role") == "main" || attr(n, "itemprop") == "articleBody" {
				if l := paragraphText(n); l > bestLen {
					best, bestLen = n, l
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(doc)
	switch {
	case best != nil:
		return best
	case body != nil:
		return body
	}
	return doc
}

// paragraphText measures the text inside <p> elements under n.
func paragraphText(n *html.Node) int {
	total := 0
	var visit func(n *html.Node, inP bool)
	visit = func(n *html.Node, inP bool) {
		if n.Type == html.ElementNode {
			if dropped(n) {
				return
			}
			inP = inP || n.DataAtom == atom.P
		}
		if n.Type == html.TextNode && inP {
			total += len(strings.TrimSpace(n.Data))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, inP)
		}
	}
	visit(n, false)
	return total
}

// pageTitle prefers the article's own <h1>, then og:title, then <title>.
func pageTitle(doc, content *html.Node) string {
	if h := find(content, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); h != nil {
		if t := collapse(textOf(h)); t != "" {
			return t
		}
	}
	if m := find(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Meta && (attr(n, "property") == "og:title" || attr(n, "name") == "og:title")
	}); m != nil {
		if t := collapse(attr(m, "content")); t != "" {
			return t
		}
	}
	if t := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		return collapse(textOf(t))
	}
	return ""
}

// droppedTags never hold article text. <header> and <footer> are page or
// article furniture (bylines, share bars, tags); the headline is taken
// separately as the title.
var droppedTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Form: true,
	atom.Iframe: true, atom.Svg: true, atom.Button: true, atom.Select: true,
	atom.Template: true, atom.Menu: true, atom.Object: true, atom.Embed: true,
	atom.Canvas: true, atom.Input: true, atom.Textarea: true, atom.Label: true,
	atom.Dialog: true, atom.Head: true, atom.Audio: true, atom.Video: true,
	atom.Math: true,
}

// droppedRoles are ARIA landmarks and widgets that are not the article.
var droppedRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true,
	"complementary": true, "menu": true, "menubar": true, "search": true,
	"dialog": true, "alert": true, "toolbar": true, "tablist": true,
}

// boilerWords in a class or id mark page furniture. Class names are split on
// "-" and "_" so "site-nav" matches but "navajo" does not.
var boilerWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true,
	"breadcrumb": true, "breadcrumbs": true, "share": true, "sharing": true,
	"social": true, "footer": true, "sidebar": true, "comments": true,
	"comment": true, "related": true, "advert": true, "advertisement": true,
	"ad": true, "ads": true, "promo": true, "newsletter": true, "cookie": true,
	"cookies": true, "subscribe": true, "masthead": true, "toolbar": true,
	"skip": true, "popup": true, "modal": true, "banner": true, "outbrain": true,
	"taboola": true, "recommended": true, "trending": true,
}

// dropped reports elements whose content is not article text.
func dropped(n *html.Node) bool {
	if droppedTags[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "role":
			if droppedRoles[strings.ToLower(a.Val)] {
				return true
			}
		case "style":
			s := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		case "class", "id":
			if boilerplateName(a.Val) {
				return true
			}
		}
	}
	return (n.DataAtom == atom.Ul || n.DataAtom == atom.Ol) && linkList(n)
}

func boilerplateName(v string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t' || r == '\n'
	}) {
		if boilerWords[f] {
			return true
		}
	}
	return false
}

// linkList reports a list whose every item is just a link: a menu or a list
// of other stories, not part of the article's argument.
func linkList(list *html.Node) bool {
	items := 0
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type != html.ElementNode || li.DataAtom != atom.Li {
			continue
		}
		items++
		a := find(li, isLink)
		if a == nil {
			return false
		}
		if all := collapse(textOf(li)); all == "" || all != collapse(textOf(a)) {
			return false
		}
	}
	return items > 0
}

func isLink(n *html.Node) bool { return n.DataAtom == atom.A }

// blockTags end a paragraph.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.Main: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Blockquote: true, atom.Br: true, atom.Tr: true, atom.Table: true,
	atom.Pre: true, atom.Dd: true, atom.Dt: true, atom.Dl: true,
	atom.Figcaption: true, atom.Figure: true, atom.Hr: true, atom.Address: true,
	atom.Body: true, atom.Td: true, atom.Th: true,
}

// textWriter gathers paragraphs with white space collapsed.
type textWriter struct {
	out  strings.Builder
	para strings.Builder
}

func (w *textWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.para.WriteString(n.Data)
		return
	case html.ElementNode:
		if dropped(n) {
			return
		}
	}
	block := n.Type == html.ElementNode && blockTags[n.DataAtom]
	if block {
		w.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.flush()
	}
}

func (w *textWriter) flush() {
	p := collapse(w.para.String())
	w.para.Reset()
	if p == "" {
		return
	}
	if w.out.Len() > 0 {
		w.out.WriteString("\n\n")
	}
	w.out.WriteString(p)
}

func (w *textWriter) String() string {
	w.flush()
	return w.out.String()
}

// collapse joins white space runs into single spaces and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}

// find returns the first element under n, n included, that matches.
func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if m := find(c, match); m != nil {
			return m
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

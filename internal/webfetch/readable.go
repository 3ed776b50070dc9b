package webfetch

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxElements bounds the HTML elements Readable scores; the library's
// scoring walks the tree several times, and a page with more elements than
// this is not a news article (a large article has a few thousand).
const maxElements = 100_000

// Readable returns the title and the readable article text of an HTML
// page: what Mozilla's Readability (the Go port
// codeberg.org/readeck/go-readability) keeps as the article, written as
// paragraphs separated by blank lines, white space collapsed. Headings,
// list items, table cells and figure captions are paragraphs of their own,
// as the figure extractor expects. pageURL resolves relative links and may
// be nil. Nothing on the page is executed.
//
// A page readability cannot read (more than 100,000 elements, or no
// article it recognises) gives the text of its whole <body> instead, less
// scripts and styles, with an error saying why, so a caller may still use
// the text.
func Readable(body []byte, pageURL *url.URL) (title, text string, err error) {
	return readable(body, pageURL, maxElements)
}

func readable(body []byte, pageURL *url.URL, maxElems int) (title, text string, err error) {
	if pageURL == nil {
		pageURL = &url.URL{Scheme: "http", Host: "page.invalid", Path: "/"}
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return "", "", fmt.Errorf("parsing HTML: %w", err)
	}
	p := readability.NewParser()
	p.MaxElemsToParse = maxElems
	// JSON-LD only adds metadata the desk does not use.
	p.DisableJSONLD = true
	art, err := p.ParseAndMutate(doc, pageURL)
	if err == nil && art.Node == nil {
		err = errors.New("no article found")
	}
	if err != nil {
		// Readability changed the tree it read: the fallback parses anew.
		whole, perr := html.Parse(bytes.NewReader(body))
		if perr != nil {
			return "", "", fmt.Errorf("parsing HTML: %w", perr)
		}
		var w textWriter
		w.walk(whole)
		return "", w.String(), fmt.Errorf("readability: %w; using the whole page's text", err)
	}
	var w textWriter
	w.walk(art.Node)
	return collapse(art.Title()), w.String(), nil
}

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
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head:
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
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

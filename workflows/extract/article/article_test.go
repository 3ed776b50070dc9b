package article

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const page = `<!doctype html>
<html><head>
<title>Flood toll rises | The Daily Example</title>
<meta property="og:title" content="Flood toll rises">
<style>body { color: red } .secret-style {}</style>
<script>document.write("SCRIPT-TEXT"); var tracked = 1;</script>
</head>
<body>
<header class="site-header"><a href="/">The Daily Example</a> <span>HEADER-TEXT</span></header>
<nav><ul><li><a href="/world">World</a></li><li><a href="/sport">NAV-SPORT</a></li></ul></nav>
<div class="share-bar">Share SHARE-TEXT</div>
<main>
  <article>
    <header><h1>Flood toll rises to 40</h1><p class="byline">By A. Writer</p></header>
    <p>At least 40 people were killed when the river burst its banks, <b>officials</b> said.</p>
    <h2>Rescue effort</h2>
    <p>Rescuers said 12 people were still missing.
       The search continued overnight.</p>
    <figure><img src="x.jpg"><figcaption>Rescuers at work.</figcaption></figure>
    <ul class="related-links"><li><a href="/a">RELATED-STORY</a></li></ul>
    <ul><li><a href="/b">LINKLIST-ITEM</a></li><li><a href="/c">Another story</a></li></ul>
    <ul><li>Roads closed in two districts.</li><li>Schools shut.</li></ul>
    <form><input name="email"><button>Subscribe FORM-TEXT</button></form>
    <p hidden>HIDDEN-TEXT</p>
    <script>alert("INLINE-SCRIPT")</script>
  </article>
  <aside>ASIDE-TEXT most read</aside>
</main>
<footer>FOOTER-TEXT © 2024</footer>
</body></html>`

func TestFetchKeepsArticleDropsFurniture(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()

	title, text, err := Fetch(context.Background(), srv.Client(), srv.URL+"/story", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Flood toll rises to 40" {
		t.Errorf("title = %q", title)
	}
	for _, want := range []string{
		"At least 40 people were killed when the river burst its banks, officials said.",
		"Rescue effort",
		"Rescuers said 12 people were still missing. The search continued overnight.",
		"Roads closed in two districts.",
		"Rescuers at work.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{
		"SCRIPT", "HEADER-TEXT", "NAV-SPORT", "SHARE-TEXT", "RELATED-STORY", "LINKLIST-ITEM",
		"FORM-TEXT", "HIDDEN-TEXT", "ASIDE-TEXT", "FOOTER-TEXT", "secret-style", "By A. Writer",
	} {
		if strings.Contains(text, unwanted) {
			t.Errorf("text contains %q:\n%s", unwanted, text)
		}
	}
	// Paragraphs stay apart so the extractor sees them as paragraphs.
	if !strings.Contains(text, "said.\n\nRescue effort\n\nRescuers") {
		t.Errorf("paragraphs not separated by blank lines:\n%s", text)
	}
}

func TestTextWithoutArticleElementUsesBody(t *testing.T) {
	title, text, err := Text(strings.NewReader(`<html><head><title>Plain</title></head><body>
<nav>Home | World</nav><div><p>Five soldiers were wounded.</p></div><footer>About us</footer></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Plain" || text != "Five soldiers were wounded." {
		t.Errorf("Text = %q, %q", title, text)
	}
}

func TestFetchRefusesOversizedPages(t *testing.T) {
	big := strings.Repeat("<p>forty people were hurt</p>", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/chunked" {
			// No Content-Length: the cap must hold while reading.
			w.(http.Flusher).Flush()
		}
		w.Write([]byte(big))
	}))
	defer srv.Close()
	for _, path := range []string{"/sized", "/chunked"} {
		_, _, err := Fetch(context.Background(), srv.Client(), srv.URL+path, 1024)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", path, err)
		}
	}
	if _, text, err := Fetch(context.Background(), srv.Client(), srv.URL+"/sized", int64(len(big))); err != nil || text == "" {
		t.Errorf("page exactly at the cap: %q, %v", text, err)
	}
}

func TestFetchRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/a", "javascript:alert(1)", "data:text/html,<p>1</p>", "//example.com/a", "example.com"} {
		if _, _, err := Fetch(context.Background(), nil, u, 0); !errors.Is(err, ErrScheme) {
			t.Errorf("Fetch(%q): err = %v, want ErrScheme", u, err)
		}
	}
}

func TestFetchRefusesNonHTML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.4"))
		case "/txt":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("Nine people died."))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if _, _, err := Fetch(context.Background(), srv.Client(), srv.URL+"/pdf", 0); !errors.Is(err, ErrNotHTML) {
		t.Errorf("pdf: err = %v, want ErrNotHTML", err)
	}
	if _, text, err := Fetch(context.Background(), srv.Client(), srv.URL+"/txt", 0); err != nil || text != "Nine people died." {
		t.Errorf("plain text: %q, %v", text, err)
	}
	if _, _, err := Fetch(context.Background(), srv.Client(), srv.URL+"/missing", 0); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing page: err = %v, want a 404 error", err)
	}
}

// The caller's context bounds the whole fetch: a server that never answers
// is abandoned as soon as the context ends.
func TestFetchHonoursContext(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	if _, _, err := Fetch(ctx, srv.Client(), srv.URL, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

package webfetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// standIn is a resolver with fixed answers. Host names that a C library's
// inet_aton reads as IPv4 addresses (2130706433, 0x7f000001, 0177.0.0.1)
// resolve as it would, as a system resolver may: the fetcher reads them as
// addresses itself, but the dialled IP is checked whatever a resolver says.
type standIn map[string][]netip.Addr

func (s standIn) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if ips, ok := s[strings.ToLower(host)]; ok {
		return ips, nil
	}
	if ip, ok := legacyIPv4(host); ok {
		return []netip.Addr{ip}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, Server: "10.0.0.53:53", IsNotFound: true}
}

// Stand-in public addresses (documentation ranges, never dialled: the
// test dialer sends them to a loopback server).
var (
	publicIP = netip.MustParseAddr("203.0.113.10")
	otherIP  = netip.MustParseAddr("198.51.100.20")
	wikiIP   = netip.MustParseAddr("10.9.9.9")
)

// world is a loopback web server standing in for the Internet: the test
// dialer connects every stand-in public address (and the allowed intranet
// host) to it, and refuses anything else, so no test leaves the machine.
type world struct {
	srv      *httptest.Server
	port     int // the server's loopback port
	resolver standIn
	// insideDials counts connections to addresses other than the stand-in
	// public ones (the allowed loopback tests make some).
	insideDials atomic.Int32
}

func newWorld(t *testing.T, h http.Handler) *world {
	t.Helper()
	w := &world{srv: httptest.NewServer(h)}
	t.Cleanup(w.srv.Close)
	w.port = w.srv.Listener.Addr().(*net.TCPAddr).Port
	w.resolver = standIn{
		"news.test":          {publicIP},
		"other.test":         {otherIP},
		"localhost":          {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")},
		"rebind.test":        {publicIP, netip.MustParseAddr("10.0.0.7")},
		"inside.test":        {netip.MustParseAddr("10.0.0.5")},
		"metadata.test":      {netip.MustParseAddr("169.254.169.254")},
		"wiki.intranet.test": {wikiIP},
		"mapped.test":        {netip.MustParseAddr("::ffff:192.168.0.1")},
	}
	return w
}

func (w *world) options() Options {
	return Options{
		Resolver: w.resolver,
		Ports:    []int{w.port},
		Timeout:  5 * time.Second,
		getenv:   func(string) string { return "" },
		dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ap, err := netip.ParseAddrPort(addr)
			if err != nil {
				return nil, err
			}
			switch ap.Addr() {
			case publicIP, otherIP, wikiIP:
				var d net.Dialer
				return d.DialContext(ctx, network, w.srv.Listener.Addr().String())
			}
			if ap.Addr().IsLoopback() {
				w.insideDials.Add(1)
				var d net.Dialer
				return d.DialContext(ctx, network, addr)
			}
			return nil, fmt.Errorf("test dialer: %s is not a stand-in address; tests stay on loopback", addr)
		},
	}
}

func (w *world) fetcher(t *testing.T, change func(*Options)) *Fetcher {
	t.Helper()
	opt := w.options()
	if change != nil {
		change(&opt)
	}
	f, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const storyPage = `<!doctype html><html><head><title>Flood toll | Example News</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Flood toll rises to 40</h1>
<p>At least 40 people were killed when the river burst its banks, officials said on Tuesday evening in the capital.</p>
<p>Rescuers said 12 people were still missing and that the search would continue overnight in the flooded districts.</p>
</article></body></html>`

func pages() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, storyPage)
	})
	mux.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "token=SECRET")
	})
	// /hop?to=URL redirects there.
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	return mux
}

// TestRefusedAddresses is the table of addresses a chat user must not make
// the desk read, each through the whole fetch (resolver, dialer, redirects),
// with the server listening: none of them may be dialled, and all get the
// same sentence whatever listens there.
func TestRefusedAddresses(t *testing.T) {
	w := newWorld(t, pages())
	closed := closedPort(t)
	f := w.fetcher(t, func(o *Options) { o.Ports = append(o.Ports, closed) })
	p := w.port
	hop := func(to string) string {
		return "http://news.test:" + strconv.Itoa(p) + "/hop?to=" + url.QueryEscape(to)
	}
	cases := []struct{ name, url string }{
		{"loopback, open port", fmt.Sprintf("http://127.0.0.1:%d/secret", p)},
		{"loopback, closed port", fmt.Sprintf("http://127.0.0.1:%d/secret", closed)},
		{"loopback elsewhere in 127/8", "http://127.1.2.3/"},
		{"localhost by name", fmt.Sprintf("http://localhost:%d/secret", p)},
		{"IPv6 loopback", fmt.Sprintf("http://[::1]:%d/", p)},
		{"unspecified IPv4", fmt.Sprintf("http://0.0.0.0:%d/", p)},
		{"unspecified IPv6", "http://[::]/"},
		{"private 10/8", "http://10.1.2.3/"},
		{"private 172.16/12", "http://172.16.5.4/"},
		{"private 192.168/16", "https://192.168.1.1/"},
		{"unique local fc00::/7", "http://[fd12:3456::1]/"},
		{"link-local", "http://169.254.10.10/"},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/"},
		{"IPv6 link-local", "http://[fe80::1]/"},
		{"shared address space", "http://100.64.0.1/"},
		{"multicast", "http://224.0.0.1/"},
		{"IPv6 multicast", "http://[ff02::1]/"},
		{"broadcast", "http://255.255.255.255/"},
		{"reserved 240/4", "http://240.0.0.1/"},
		{"decimal host", fmt.Sprintf("http://2130706433:%d/secret", p)},
		{"hex host", fmt.Sprintf("http://0x7f000001:%d/secret", p)},
		{"octal host", fmt.Sprintf("http://0177.0.0.1:%d/secret", p)},
		{"short dotted host", fmt.Sprintf("http://127.1:%d/secret", p)},
		{"IPv4-mapped loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/secret", p)},
		{"IPv4-mapped metadata", "http://[::ffff:a9fe:a9fe]/"},
		{"IPv4-compatible loopback", "http://[::127.0.0.1]/"},
		{"NAT64 of loopback", "http://[64:ff9b::7f00:1]/"},
		{"NAT64 of metadata", "http://[64:ff9b::169.254.169.254]/"},
		{"local-use NAT64", "http://[64:ff9b:1::a00:1]/"},
		{"6to4 of private", "http://[2002:c0a8:101::1]/"},
		{"name resolving to loopback", fmt.Sprintf("http://localhost.:%d/", p)},
		{"name resolving inside", "http://inside.test/"},
		{"name resolving to metadata", "http://metadata.test/"},
		{"name resolving to mapped private", "http://mapped.test/"},
		{"name with one inside answer", fmt.Sprintf("http://rebind.test:%d/story", p)},
		{"redirect to loopback", hop(fmt.Sprintf("http://127.0.0.1:%d/secret", p))},
		{"redirect to a name inside", hop("http://inside.test/secret")},
		{"redirect chain ending inside", hop("http://other.test:" + strconv.Itoa(p) + "/hop?to=" +
			url.QueryEscape("http://[::ffff:10.0.0.1]/"))},
	}
	// "localhost." is the same name in DNS.
	w.resolver["localhost."] = w.resolver["localhost"]
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := w.insideDials.Load()
			page, err := f.Fetch(context.Background(), c.url)
			if err == nil {
				t.Fatalf("fetched %s (status %d, %q); want it refused", c.url, page.Status, page.Body)
			}
			if got := ReasonOf(err); got != ReasonInternal {
				t.Fatalf("reason %d (%v), want ReasonInternal", got, err)
			}
			if got := MessageOf(err); got != msgInternal {
				t.Errorf("message %q, want %q", got, msgInternal)
			}
			if n := w.insideDials.Load() - before; n != 0 {
				t.Errorf("dialled %d times; an inside address must not be connected to", n)
			}
		})
	}
}

// TestRefusedLinks covers what is refused from the link alone.
func TestRefusedLinks(t *testing.T) {
	w := newWorld(t, pages())
	f := w.fetcher(t, nil)
	for _, c := range []struct {
		url    string
		reason Reason
		msg    string
	}{
		{"ftp://news.test/story", ReasonScheme, "only http(s) links can be read"},
		{"file:///etc/passwd", ReasonScheme, "only http(s) links can be read"},
		{"gopher://news.test/", ReasonScheme, "only http(s) links can be read"},
		{"http://user:pw@news.test/story", ReasonUserinfo, msgUserinfo},
		{"http://news.test:22/", ReasonPort, fmt.Sprintf("the desk fetches pages on ports 80, 443 and %d only", w.port)},
		{"http:///story", ReasonBadURL, msgBadURL},
		{"http://nowhere.test/", ReasonUnreachable, msgReachable},
	} {
		_, err := f.Fetch(context.Background(), c.url)
		if ReasonOf(err) != c.reason || MessageOf(err) != c.msg {
			t.Errorf("%s: reason %d message %q (%v); want %d %q", c.url, ReasonOf(err), MessageOf(err), err, c.reason, c.msg)
		}
		if m := MessageOf(err); strings.Contains(m, "10.0.0.53") || strings.Contains(m, "dial") {
			t.Errorf("%s: message %q shows internal detail", c.url, m)
		}
	}
}

// TestAllowed fetches a public page through the stand-in resolver, a
// redirect between public pages, and intranet hosts the operator allowed.
func TestAllowed(t *testing.T) {
	w := newWorld(t, pages())
	p := strconv.Itoa(w.port)
	f := w.fetcher(t, nil)
	page, err := f.Fetch(context.Background(), "http://news.test:"+p+"/story")
	if err != nil {
		t.Fatal(err)
	}
	if !page.OK() || page.ContentType != "text/html" || !strings.HasPrefix(page.Title, "Flood toll") ||
		!strings.Contains(page.Text, "At least 40 people were killed") || strings.Contains(page.Text, "Home") {
		t.Errorf("page %d %q title %q text %q", page.Status, page.ContentType, page.Title, page.Text)
	}
	page, err = f.Fetch(context.Background(), "http://news.test:"+p+"/hop?to="+url.QueryEscape("http://other.test:"+p+"/story"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://other.test:" + p + "/story"; page.FinalURL != want {
		t.Errorf("final URL %q, want %q", page.FinalURL, want)
	}
	page, err = f.Fetch(context.Background(), "http://news.test:"+p+"/missing")
	if err != nil || page.Status != http.StatusNotFound || page.OK() {
		t.Errorf("a 404 page: %+v, %v; want status 404 and no error", page, err)
	}

	// An intranet host by name, and loopback by range (how the chat tests
	// reach their own servers).
	allowed := w.fetcher(t, func(o *Options) { o.Allow = []string{"wiki.intranet.test", "127.0.0.1/32"} })
	for _, u := range []string{"http://wiki.intranet.test:" + p + "/story", w.srv.URL + "/story"} {
		if page, err := allowed.Fetch(context.Background(), u); err != nil || !strings.HasPrefix(page.Title, "Flood toll") {
			t.Errorf("allowed %s: %v", u, err)
		}
	}
	// The exception is that host, or that range, only.
	for _, u := range []string{"http://inside.test/", fmt.Sprintf("http://127.0.0.2:%s/", p), fmt.Sprintf("http://[::1]:%s/", p)} {
		if _, err := allowed.Fetch(context.Background(), u); ReasonOf(err) != ReasonInternal {
			t.Errorf("%s with only wiki and 127.0.0.1 allowed: %v, want refused", u, err)
		}
	}
}

// TestControlChecksTheSocket dials a listening loopback port for real
// through the Control hook: the socket is refused before it connects.
func TestControlChecksTheSocket(t *testing.T) {
	w := newWorld(t, pages())
	f := w.fetcher(t, func(o *Options) { o.dial = nil })
	for _, addr := range []string{w.srv.Listener.Addr().String(), "[::ffff:127.0.0.1]:" + strconv.Itoa(w.port)} {
		conn, err := f.connect(context.Background(), "tcp", addr, f.control("news.test"))
		if err == nil {
			conn.Close()
			t.Fatalf("connected to %s", addr)
		}
		if ReasonOf(err) != ReasonInternal {
			t.Errorf("dial %s: %v, want a refusal", addr, err)
		}
	}
	ctl := f.control("news.test")
	if err := ctl("tcp4", "203.0.113.10:80", nil); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	if err := ctl("tcp4", "203.0.113.10:25", nil); ReasonOf(err) != ReasonPort {
		t.Errorf("port 25: %v, want a port refusal", err)
	}
}

func TestRefusedRanges(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": false, "2001:4860:4860::8888": false, "64:ff9b::808:808": false, "::ffff:8.8.8.8": false,
		"2002:808:808::1": false, "100.63.255.255": false, "100.128.0.0": false, "172.32.0.1": false,
		"100.127.255.255": true, "172.31.255.255": true, "169.254.169.254": true, "fe80::1%eth0": true,
		"::ffff:0.0.0.0": true, "198.18.0.1": true,
	} {
		if got, why := Refused(netip.MustParseAddr(s)); got != want {
			t.Errorf("Refused(%s) = %v (%s), want %v", s, got, why, want)
		}
	}
}

// TestRedirectCap stops a redirect loop.
func TestRedirectCap(t *testing.T) {
	w := newWorld(t, pages())
	f := w.fetcher(t, func(o *Options) { o.MaxRedirects = 3 })
	_, err := f.Fetch(context.Background(), "http://news.test:"+strconv.Itoa(w.port)+"/loop")
	if ReasonOf(err) != ReasonRedirects || MessageOf(err) != "the page redirected more than 3 times" {
		t.Errorf("redirect loop: %v", err)
	}
}

// TestGzipBomb serves 64 MiB of zeros compressed to a few dozen kilobytes:
// the body stops at the cap, counted after decompression.
func TestGzipBomb(t *testing.T) {
	var zipped bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zipped, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 {
		zw.Write(zeros)
	}
	zw.Close()
	var served atomic.Int64
	w := newWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(rw, "gzip only", http.StatusNotAcceptable)
			return
		}
		rw.Header().Set("Content-Type", "text/plain")
		rw.Header().Set("Content-Encoding", "gzip")
		n, _ := rw.Write(zipped.Bytes())
		served.Add(int64(n))
	}))
	f := w.fetcher(t, func(o *Options) { o.MaxBytes = 1 << 20 })
	page, err := f.Fetch(context.Background(), "http://news.test:"+strconv.Itoa(w.port)+"/bomb")
	if err != nil {
		t.Fatal(err)
	}
	if !page.Truncated || len(page.Body) != 1<<20 {
		t.Errorf("body %d bytes, truncated %v; want the 1 MiB cap, truncated", len(page.Body), page.Truncated)
	}
	if zipped.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes compressed; the test needs it smaller than the cap", zipped.Len())
	}
}

// TestSlowPage times out a page that sends its headers and then nothing,
// and one that never answers, with the sentence the user sees.
func TestSlowPage(t *testing.T) {
	release := make(chan struct{})
	w := newWorld(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/trickle" {
			rw.Header().Set("Content-Type", "text/html")
			rw.Write([]byte("<html><body><p>At least"))
			rw.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	f := w.fetcher(t, func(o *Options) { o.Timeout = 300 * time.Millisecond })
	for _, path := range []string{"/silent", "/trickle"} {
		_, err := f.Fetch(context.Background(), "http://news.test:"+strconv.Itoa(w.port)+path)
		if ReasonOf(err) != ReasonTimeout || MessageOf(err) != "the page did not answer within 0.3 s" {
			t.Errorf("%s: %v, want a timeout", path, err)
		}
	}
	if got := timeoutMessage(DefaultTimeout); got != "the page did not answer within 20 s" {
		t.Errorf("default timeout sentence %q", got)
	}
}

// TestProxy sends pages through a proxy the operator set: the proxy is
// reached although it is on loopback, and a page whose name resolves
// inside is refused before the proxy is asked.
func TestProxy(t *testing.T) {
	var asked atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if !r.URL.IsAbs() {
			http.Error(rw, "not a proxy request", http.StatusBadRequest)
			return
		}
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprint(rw, storyPage)
	}))
	defer proxy.Close()
	w := newWorld(t, pages())
	f := w.fetcher(t, func(o *Options) { o.Proxy = proxy.URL; o.dial = nil })
	page, err := f.Fetch(context.Background(), "http://news.test/story")
	if err != nil || !strings.HasPrefix(page.Title, "Flood toll") || asked.Load() != 1 {
		t.Fatalf("through the proxy: %v, proxy asked %d times", err, asked.Load())
	}
	for _, u := range []string{"http://inside.test/", "http://rebind.test/", "http://10.0.0.1/"} {
		if _, err := f.Fetch(context.Background(), u); ReasonOf(err) != ReasonInternal {
			t.Errorf("%s through the proxy: %v, want refused", u, err)
		}
	}
	if asked.Load() != 1 {
		t.Errorf("the proxy was asked for an inside page")
	}
	// The environment's proxy is used when none is configured, and "none"
	// ignores it.
	envProxy := func(string) string { return "" }
	opt := w.options()
	opt.getenv = func(k string) string {
		if k == "HTTP_PROXY" {
			return proxy.URL
		}
		return envProxy(k)
	}
	opt.dial = nil
	fromEnv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fromEnv.Fetch(context.Background(), "http://news.test/story"); err != nil || asked.Load() != 2 {
		t.Errorf("HTTP_PROXY: %v, proxy asked %d times", err, asked.Load())
	}
	// A page addressed to the proxy itself, which goes direct (localhost is
	// never proxied), is checked as a page, not trusted as the proxy.
	_, proxyPort, _ := net.SplitHostPort(proxy.Listener.Addr().String())
	opt.getenv = func(k string) string {
		if k == "HTTP_PROXY" {
			return "http://localhost:" + proxyPort
		}
		return ""
	}
	viaName, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viaName.Fetch(context.Background(), "http://localhost:"+proxyPort+"/"); ReasonOf(err) != ReasonInternal || asked.Load() != 2 {
		t.Errorf("the proxy's own address as a page: %v, proxy asked %d times", err, asked.Load())
	}
	opt.Proxy = "none"
	opt.dial = w.options().dial
	noProxy, _ := New(opt)
	if _, err := noProxy.Fetch(context.Background(), "http://news.test:"+strconv.Itoa(w.port)+"/story"); err != nil || asked.Load() != 2 {
		t.Errorf("proxy none: %v, proxy asked %d times", err, asked.Load())
	}
}

func TestOptionsRefused(t *testing.T) {
	for _, opt := range []Options{
		{Allow: []string{"10.0.0.0/33"}},
		{Allow: []string{"http://wiki"}},
		{Ports: []int{70000}},
		{Proxy: "proxy:3128"},
	} {
		if _, err := New(opt); err == nil {
			t.Errorf("New(%+v) accepted", opt)
		}
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestDetailGoesToTheDebugLog: the address a name resolved to is in the
// log at debug level, never in the sentence for the user.
func TestDetailGoesToTheDebugLog(t *testing.T) {
	w := newWorld(t, pages())
	var logged bytes.Buffer
	f := w.fetcher(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := f.Fetch(context.Background(), "http://inside.test/")
	if m := MessageOf(err); m != msgInternal || strings.Contains(m, "10.0.0.5") {
		t.Errorf("message %q", m)
	}
	if !strings.Contains(logged.String(), "level=DEBUG") || !strings.Contains(logged.String(), "inside.test resolves to 10.0.0.5, private") {
		t.Errorf("debug log lacks the detail:\n%s", logged.String())
	}
}

// nowhere is a resolver that knows no name, like a sandbox without DNS.
type nowhere struct{}

func (nowhere) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestAddressFormsNeedNoResolver: hosts that are addresses in another
// spelling, and localhost, are judged as addresses by the fetcher itself,
// so the answer is the private-network one whatever a resolver would say.
func TestAddressFormsNeedNoResolver(t *testing.T) {
	f, err := New(Options{Resolver: nowhere{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{
		"http://2130706433/", "http://0x7f000001/", "http://0X7F000001/", "http://017700000001/",
		"http://0177.0.0.1/", "http://127.1/", "http://0/", "http://0x7f.1/", "http://127.0.0.1./",
		"http://localhost./", "http://LOCALHOST/", "http://printer.localhost/", "http://2852039166/", // 169.254.169.254
	} {
		if _, err := f.Fetch(context.Background(), u); ReasonOf(err) != ReasonInternal {
			t.Errorf("%s: %v (reason %d), want the private-network refusal", u, err, ReasonOf(err))
		}
	}
	for host, want := range map[string]string{
		"2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "127.1": "127.0.0.1",
		"10.1": "10.0.0.1", "192.168.257": "192.168.1.1", "8.8.8.8": "8.8.8.8",
	} {
		if ip, ok := legacyIPv4(host); !ok || ip.String() != want {
			t.Errorf("legacyIPv4(%q) = %v, %v; want %s", host, ip, ok, want)
		}
	}
	for _, host := range []string{"example.org", "1e3", "0b101", "1_000", "0o17", "0x", "08", "256.1.1.1", "1.2.3.4.5", "4294967296", ""} {
		if ip, ok := legacyIPv4(host); ok {
			t.Errorf("legacyIPv4(%q) = %v, want no address", host, ip)
		}
	}
}

// TestAllowCannotSwitchTheCheckOff: fetch.allow takes intranet ranges, not
// ranges as wide as the Internet.
func TestAllowCannotSwitchTheCheckOff(t *testing.T) {
	for _, e := range []string{"0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/2", "::/6"} {
		if _, err := New(Options{Allow: []string{e}}); err == nil || !strings.Contains(err.Error(), "wider than any intranet") {
			t.Errorf("allow %s: error %v, want it refused", e, err)
		}
	}
	for _, e := range []string{"10.0.0.0/8", "fc00::/7", "127.0.0.1/32", "wiki.newsroom.internal"} {
		if _, err := New(Options{Allow: []string{e}}); err != nil {
			t.Errorf("allow %s: %v", e, err)
		}
	}
}

package webfetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"
	"golang.org/x/net/http/httpproxy"
)

// Defaults for Options left zero.
const (
	// DefaultTimeout bounds a whole fetch: connecting, redirects, headers
	// and body. A news page that takes longer is not worth the wait of a
	// reporter in chat.
	DefaultTimeout = 20 * time.Second
	// DefaultMaxBytes caps a body after decompression. News pages are
	// rarely above a few hundred kilobytes.
	DefaultMaxBytes = 5 << 20
	// DefaultMaxRedirects is the redirects followed; Go's client follows 10,
	// browsers about 20; news sites use one or two (http→https, a
	// canonical path).
	DefaultMaxRedirects = 5
	// DefaultMaxConcurrent is the pages fetched at once by one Fetcher,
	// desk-wide.
	DefaultMaxConcurrent = 8
)

// DefaultPorts are the ports fetched without the operator's leave.
var DefaultPorts = []int{80, 443}

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Fetcher. The zero value is safe: public pages on
// ports 80 and 443, proxies from the environment, the defaults above.
type Options struct {
	// Allow lists intranet hosts or address ranges that may be fetched
	// although they are inside: "10.20.0.0/16", "10.20.1.5", "fd00::/8",
	// "wiki.newsroom.internal" (that name, whatever it resolves to).
	Allow []string
	// Ports are allowed besides 80 and 443.
	Ports []int
	// Proxy is the proxy URL for every page ("http://proxy.internal:3128");
	// empty means HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment;
	// "none" means no proxy whatever the environment says.
	Proxy         string
	MaxRedirects  int
	MaxBytes      int64
	Timeout       time.Duration
	MaxConcurrent int
	UserAgent     string
	// Logger gets the detail of failures at debug level.
	Logger *slog.Logger
	// Resolver replaces the system resolver; the tests use a stand-in that
	// answers "public" addresses.
	Resolver Resolver

	// dial connects once an address has passed the checks. Only this
	// package's tests set it, to reach their loopback servers under a
	// stand-in public address; a user or config cannot.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// getenv replaces os.Getenv for the proxy variables in tests.
	getenv func(string) string
}

// Page is what a fetch read.
type Page struct {
	URL         string // as asked
	FinalURL    string // after redirects
	Status      int    // HTTP status code of the final response
	ContentType string // media type without parameters, lower case: "text/html"
	// Body is the body after decompression, at most MaxBytes; Truncated
	// says there was more.
	Body      []byte
	Truncated bool
	// Title and Text are the page's title and readable article text,
	// paragraphs separated by blank lines (see Readable), for HTML and
	// plain-text pages; empty for other types.
	Title, Text string
	FetchedAt   time.Time
}

// OK reports a 2xx status.
func (p *Page) OK() bool { return p.Status >= 200 && p.Status <= 299 }

// Fetcher reads pages for untrusted users. It is safe for concurrent use.
type Fetcher struct {
	opt        Options
	allow      allowList
	ports      []int
	resolver   Resolver
	proxy      func(*url.URL) (*url.URL, error)
	proxyAddrs map[string]bool // host:port of the proxies, dialled unchecked
	client     *http.Client
	slots      chan struct{}
	log        *slog.Logger
}

// New checks opt and returns a Fetcher. Errors name the bad option.
func New(opt Options) (*Fetcher, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = DefaultMaxRedirects
	}
	if opt.MaxConcurrent <= 0 {
		opt.MaxConcurrent = DefaultMaxConcurrent
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "factdesk (newsroom verification desk)"
	}
	f := &Fetcher{opt: opt, resolver: opt.Resolver, log: opt.Logger, slots: make(chan struct{}, opt.MaxConcurrent)}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if f.allow, err = parseAllow(opt.Allow); err != nil {
		return nil, fmt.Errorf("allow: %w", err)
	}
	f.ports = slices.Clone(DefaultPorts)
	for _, p := range opt.Ports {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("ports: %d is not a TCP port", p)
		}
		if !slices.Contains(f.ports, p) {
			f.ports = append(f.ports, p)
		}
	}
	if err := f.setProxy(opt.Proxy); err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                  func(r *http.Request) (*url.URL, error) { return f.proxy(r.URL) },
		DialContext:            f.dialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  opt.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
	}
	var rt http.RoundTripper = tr
	if len(f.proxyAddrs) > 0 {
		rt = proxiedCheck{f: f, next: tr}
	}
	f.client = &http.Client{Transport: rt, CheckRedirect: f.checkRedirect}
	return f, nil
}

// Timeout is the time a whole fetch may take.
func (f *Fetcher) Timeout() time.Duration { return f.opt.Timeout }

// MaxBytes is the body cap after decompression.
func (f *Fetcher) MaxBytes() int64 { return f.opt.MaxBytes }

func (f *Fetcher) setProxy(p string) error {
	var cfg *httpproxy.Config
	switch p {
	case "none":
		f.proxy = func(*url.URL) (*url.URL, error) { return nil, nil }
		return nil
	case "":
		getenv := f.opt.getenv
		if getenv == nil {
			cfg = httpproxy.FromEnvironment()
		} else {
			cfg = &httpproxy.Config{HTTPProxy: firstEnv(getenv, "HTTP_PROXY", "http_proxy"),
				HTTPSProxy: firstEnv(getenv, "HTTPS_PROXY", "https_proxy"), NoProxy: firstEnv(getenv, "NO_PROXY", "no_proxy")}
		}
	default:
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("proxy %q: use a URL such as http://proxy.internal:3128, or none", p)
		}
		cfg = &httpproxy.Config{HTTPProxy: p, HTTPSProxy: p}
	}
	f.proxyAddrs = map[string]bool{}
	for _, raw := range []string{cfg.HTTPProxy, cfg.HTTPSProxy} {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			u, err = url.Parse("http://" + raw) // the environment's form "host:port"
		}
		if err != nil || u.Host == "" {
			return fmt.Errorf("proxy %q is not a URL", raw)
		}
		port := u.Port()
		if port == "" {
			port = map[string]string{"https": "443"}[u.Scheme]
			if port == "" {
				port = "80"
			}
		}
		f.proxyAddrs[net.JoinHostPort(u.Hostname(), port)] = true
	}
	f.proxy = cfg.ProxyFunc()
	return nil
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// Fetch reads rawURL for a user. A page that answers with any HTTP status
// is returned (the caller decides what a 404 means); errors are *Error,
// except when ctx itself is cancelled by the caller. It waits for a free
// slot when MaxConcurrent pages are being fetched, for at most Timeout
// (then ReasonBusy), and the fetch itself takes at most Timeout.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Page, error) {
	u, ferr := f.checkURL(rawURL)
	if ferr != nil {
		f.debug(ferr)
		return nil, ferr
	}
	wait := time.NewTimer(f.opt.Timeout)
	defer wait.Stop()
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	case <-wait.C:
		return nil, refusal(ReasonBusy, rawURL, msgBusy, nil)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	page, err := f.fetch(ctx, rawURL, u)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.URL = rawURL
			f.debug(e)
			return nil, e
		}
		return nil, err
	}
	return page, nil
}

func (f *Fetcher) fetch(parent context.Context, rawURL string, u *url.URL) (*Page, error) {
	ctx, cancel := context.WithTimeout(parent, f.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, refusal(ReasonBadURL, rawURL, msgBadURL, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml, text/plain;q=0.8, */*;q=0.5")
	req.Header.Set("User-Agent", f.opt.UserAgent)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.classify(parent, ctx, rawURL, err)
	}
	defer resp.Body.Close()
	// The transport asked for gzip itself and decompresses it, so the cap
	// counts bytes after decompression: a gzip bomb stops at MaxBytes.
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBytes+1))
	if err != nil {
		return nil, f.classify(parent, ctx, rawURL, err)
	}
	p := &Page{URL: rawURL, FinalURL: resp.Request.URL.String(), Status: resp.StatusCode, FetchedAt: time.Now()}
	if int64(len(body)) > f.opt.MaxBytes {
		body, p.Truncated = body[:f.opt.MaxBytes], true
	}
	p.Body = body
	ct := resp.Header.Get("Content-Type")
	p.ContentType, _, _ = mime.ParseMediaType(ct)
	if p.ContentType == "" {
		p.ContentType = strings.ToLower(strings.TrimSpace(strings.Split(http.DetectContentType(body), ";")[0]))
		ct = http.DetectContentType(body)
	}
	switch p.ContentType {
	case "text/html", "application/xhtml+xml":
		p.Title, p.Text, err = Readable(decode(body, ct), resp.Request.URL)
		if err != nil {
			f.log.Debug("page has no readable text", "url", rawURL, "err", err)
		}
	case "text/plain":
		p.Text = string(decode(body, ct))
	}
	return p, nil
}

// decode turns a text body into UTF-8 from the charset its header or meta
// tag names; stray bytes become U+FFFD.
func decode(body []byte, contentType string) []byte {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return bytes.ToValidUTF8(out, []byte("\uFFFD"))
}

// classify turns a transport error into an *Error. A refusal from the
// dialer or redirect check is passed on as it is.
func (f *Fetcher) classify(parent, ctx context.Context, rawURL string, err error) error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case parent.Err() != nil:
		return parent.Err() // the caller gave up; not the page's fault
	case ctx.Err() != nil || isTimeout(err):
		return refusal(ReasonTimeout, rawURL, timeoutMessage(f.opt.Timeout), err)
	}
	return refusal(ReasonUnreachable, rawURL, msgReachable, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// checkURL refuses what can be judged from the link alone.
func (f *Fetcher) checkURL(rawURL string) (*url.URL, *Error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, refusal(ReasonBadURL, rawURL, msgBadURL, err)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, refusal(ReasonScheme, rawURL, msgScheme, nil)
	}
	if u.User != nil {
		return nil, refusal(ReasonUserinfo, rawURL, msgUserinfo, nil)
	}
	if u.Hostname() == "" {
		return nil, refusal(ReasonBadURL, rawURL, msgBadURL, errors.New("no host"))
	}
	// The address is judged before the port so that every inside address
	// gets one answer: a literal here, a name once it is resolved (the
	// dialer, or proxiedCheck, checks the port after it).
	if ip, ok := hostAddr(u.Hostname()); ok {
		if f.refused(u.Hostname(), ip) {
			_, why := Refused(ip)
			return nil, refusal(ReasonInternal, rawURL, msgInternal, fmt.Errorf("%s is %s", ip, why))
		}
		if _, err := f.port(u); err != nil {
			return nil, refusal(ReasonPort, rawURL, portMessage(f.ports), err)
		}
	}
	return u, nil
}

// port returns the URL's port, refusing one not allowed.
func (f *Fetcher) port(u *url.URL) (int, error) {
	p := u.Port()
	if p == "" {
		if strings.EqualFold(u.Scheme, "https") {
			return 443, nil
		}
		return 80, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || !slices.Contains(f.ports, n) {
		return 0, fmt.Errorf("port %s not allowed", p)
	}
	return n, nil
}

// refused applies the ranges and the operator's exceptions.
func (f *Fetcher) refused(host string, ip netip.Addr) bool {
	if f.allow.host(host) || f.allow.ip(ip) {
		return false
	}
	bad, _ := Refused(ip)
	return bad
}

// checkRedirect runs before each redirect is followed; the new connection
// is checked again by the dialer.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opt.MaxRedirects {
		return refusal(ReasonRedirects, via[0].URL.String(), redirectMessage(f.opt.MaxRedirects), nil)
	}
	if _, err := f.checkURL(req.URL.String()); err != nil {
		err.Err = fmt.Errorf("redirect to %s: %s", req.URL.Redacted(), err.msg)
		return err
	}
	return nil
}

// resolve returns the addresses of host, refusing them all if any is
// inside (a name that answers one public and one private address is a
// rebinding attempt, or a misconfiguration the desk should not guess at).
func (f *Fetcher) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, ok := hostAddr(host); ok {
		ips = []netip.Addr{ip}
	} else {
		var err error
		ips, err = f.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil || len(ips) == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, refusal(ReasonUnreachable, host, msgReachable, fmt.Errorf("resolving %s: %v", host, err))
		}
	}
	for _, ip := range ips {
		if f.refused(host, ip) {
			_, why := Refused(ip)
			return nil, refusal(ReasonInternal, host, msgInternal, fmt.Errorf("%s resolves to %s, %s", host, ip, why))
		}
	}
	return ips, nil
}

// dialContext resolves, checks and connects. Besides the check on the
// resolved addresses, the socket's own address is checked by Control just
// before connect, so nothing between the two can swap it.
func (f *Fetcher) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if f.proxyAddrs[addr] {
		// The operator's proxy, which may well be inside: it is trusted,
		// and the page's address was checked by proxiedCheck.
		return f.connect(ctx, network, addr, nil)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, refusal(ReasonBadURL, addr, msgBadURL, err)
	}
	ips, err := f.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || !slices.Contains(f.ports, port) {
		return nil, refusal(ReasonPort, addr, portMessage(f.ports), fmt.Errorf("dial port %s", portStr))
	}
	control := f.control(host)
	var last error
	for _, ip := range ips {
		conn, err := f.connect(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String(), control)
		if err == nil {
			return conn, nil
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		last = err
	}
	return nil, refusal(ReasonUnreachable, addr, msgReachable, last)
}

func (f *Fetcher) connect(ctx context.Context, network, addr string, control func(string, string, syscall.RawConn) error) (net.Conn, error) {
	if f.opt.dial != nil {
		if control != nil {
			if err := control(network, addr, nil); err != nil {
				return nil, err
			}
		}
		return f.opt.dial(ctx, network, addr)
	}
	d := net.Dialer{Timeout: 10 * time.Second, Control: control}
	return d.DialContext(ctx, network, addr)
}

// control checks the address a socket is about to connect to. host is the
// name the URL gave, for the operator's host exceptions.
func (f *Fetcher) control(host string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return refusal(ReasonInternal, address, msgInternal, fmt.Errorf("unparsable dial address %q", address))
		}
		if f.refused(host, ap.Addr()) {
			_, why := Refused(ap.Addr())
			return refusal(ReasonInternal, address, msgInternal, fmt.Errorf("dial %s: %s", ap, why))
		}
		if !slices.Contains(f.ports, int(ap.Port())) {
			return refusal(ReasonPort, address, portMessage(f.ports), fmt.Errorf("dial port %d", ap.Port()))
		}
		return nil
	}
}

// proxiedCheck resolves and checks each proxied request's host before it
// is sent, since the dialer then only sees the proxy.
type proxiedCheck struct {
	f    *Fetcher
	next http.RoundTripper
}

func (p proxiedCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	// A page addressed to the proxy's own host and port (not proxied, as
	// NO_PROXY may say) would reach the dialer looking like a proxy dial,
	// which is not checked: it is checked here like any page.
	pu, err := p.f.proxy(req.URL)
	if (err == nil && pu != nil) || p.f.proxyAddrs[hostPort(req.URL)] {
		if _, err := p.f.resolve(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
		if _, err := p.f.port(req.URL); err != nil {
			return nil, refusal(ReasonPort, req.URL.String(), portMessage(p.f.ports), err)
		}
	}
	return p.next.RoundTrip(req)
}

// hostPort is the address a direct request for u dials.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func (f *Fetcher) debug(err *Error) {
	f.log.Debug("fetch refused or failed", "url", err.URL, "reason", int(err.Reason), "err", err.Err)
}

// Package webfetch reads web pages on behalf of chat users, who are
// untrusted: any link they give may point inside the newsroom's network.
// It is the only way factdesk reads a page for a user (article ingest now,
// evidence archiving later).
//
// A Fetcher refuses, with an *Error whose Message a journalist can act on:
//   - schemes other than http and https, and URLs with a user name or
//     password in them;
//   - ports other than 80 and 443 unless the operator lists them;
//   - any address inside a private network: loopback, unspecified, private,
//     link-local (including the cloud metadata address 169.254.169.254),
//     shared address space (100.64.0.0/10), multicast, broadcast and
//     reserved ranges, and the IPv4-mapped, NAT64 and 6to4 forms of those
//     (see Refused for the list and its sources).
//
// The address is checked where it cannot be changed afterwards: on the IP
// the socket connects to (net.Dialer.Control), after name resolution, so
// host spellings such as 2130706433 or 0x7f000001 and DNS names that
// resolve inside are refused alike; and again for every redirect, whose new
// connection goes through the same dialer. The refusal never depends on
// whether anything listens at the address, so the desk cannot be used to
// scan the newsroom's ports.
//
// Through a proxy (Options.Proxy, or HTTPS_PROXY and HTTP_PROXY in the
// environment) the socket connects to the proxy, not the page, so the
// dial-time check cannot see the page's address. The fetcher then resolves
// each hop's host itself and refuses internal addresses before the request
// is sent; the proxy resolves the name again, so a name whose answer changes
// between the two (DNS rebinding) can only be stopped by the proxy: an
// operator who sets a proxy must make it refuse internal addresses too.
//
// Operators can allow intranet hosts or ranges (Options.Allow). Work is
// capped: redirects, bytes after decompression (a gzip bomb stops at the
// cap), time for the whole fetch, and pages fetched at once.
//
// Readable extracts the title and article text of an HTML page with a
// maintained port of Mozilla's Readability.
//
// The package imports only the standard library, golang.org/x/net and the
// readability library; it must not import factdesk's core, storage, chat or
// platform packages.
package webfetch

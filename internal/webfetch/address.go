package webfetch

import (
	"fmt"
	"net/netip"
	"strings"
)

// refusedPrefixes are the ranges no page for a chat user may come from,
// unless the operator allows them. Sources: RFC 6890 (special-purpose
// registries), RFC 1918 (private), RFC 6598 (shared address space),
// RFC 3927 and RFC 4291 (link-local), RFC 4193 (unique local), RFC 5771
// (multicast), RFC 919 (broadcast).
var refusedPrefixes = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified (this network)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (cloud metadata)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved and broadcast"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// Forms of IPv6 that carry an IPv4 address: the address inside is checked.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052
	nat64Home = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16") // RFC 3056
	// IPv4-compatible (deprecated, ::a.b.c.d); ::/128 and ::1 are above.
	v4Compat = netip.MustParsePrefix("::/96")
)

// Refused reports whether a page may not be fetched from ip, and why (the
// range, for the log). IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible,
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the
// IPv4 address they carry; the local-use NAT64 prefix 64:ff9b:1::/48 is
// refused whole, since it leads into the operator's own network. An
// invalid address is refused.
func Refused(ip netip.Addr) (bool, string) {
	if !ip.IsValid() {
		return true, "invalid address"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		if bad, why := Refused(ip.Unmap()); bad {
			return true, "IPv4-mapped " + why
		}
		return false, ""
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			if bad, why := Refused(netip.AddrFrom4([4]byte(b[12:16]))); bad {
				return true, "NAT64 " + why
			}
			return false, ""
		case nat64Home.Contains(ip):
			return true, "local-use NAT64"
		case sixToFour.Contains(ip):
			if bad, why := Refused(netip.AddrFrom4([4]byte(b[2:6]))); bad {
				return true, "6to4 " + why
			}
			return false, ""
		case v4Compat.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
			if bad, why := Refused(netip.AddrFrom4([4]byte(b[12:16]))); bad {
				return true, "IPv4-compatible " + why
			}
		}
	}
	for _, r := range refusedPrefixes {
		if r.prefix.Contains(ip) {
			return true, r.what
		}
	}
	// The methods cover what a table could miss (e.g. interface-local
	// multicast written oddly).
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return true, "internal"
	}
	return false, ""
}

// allowList is the operator's exceptions: address ranges and host names
// that may be fetched although they are inside.
type allowList struct {
	prefixes []netip.Prefix
	hosts    map[string]bool // lower case, no trailing dot
}

// parseAllow reads entries such as "10.20.0.0/16", "10.20.1.5", "fd00::/8"
// or "wiki.newsroom.internal".
func parseAllow(entries []string) (allowList, error) {
	a := allowList{hosts: map[string]bool{}}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
			return a, fmt.Errorf("an empty entry")
		case strings.Contains(e, "/"):
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return a, fmt.Errorf("%q is not an address range such as 10.20.0.0/16", e)
			}
			// An intranet is at most a /8 (10.0.0.0/8) or, in IPv6, the
			// unique local /7; a wider range would switch the check off.
			if min := map[bool]int{true: 8, false: 7}[p.Addr().Is4()]; p.Bits() < min {
				return a, fmt.Errorf("%q is wider than any intranet (at most /%d): list the newsroom's own ranges", e, min)
			}
			a.prefixes = append(a.prefixes, p.Masked())
		default:
			if ip, err := netip.ParseAddr(e); err == nil {
				a.prefixes = append(a.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
				continue
			}
			if strings.ContainsAny(e, " :@?#") {
				return a, fmt.Errorf("%q is neither a host name nor an address range", e)
			}
			a.hosts[normalHost(e)] = true
		}
	}
	return a, nil
}

// ip reports whether ip is inside an allowed range.
func (a allowList) ip(ip netip.Addr) bool {
	ip = ip.WithZone("")
	for _, p := range a.prefixes {
		if p.Contains(ip) || (ip.Is4In6() && p.Contains(ip.Unmap())) {
			return true
		}
	}
	return false
}

// host reports whether a host name was allowed as a whole.
func (a allowList) host(h string) bool { return a.hosts[normalHost(h)] }

func normalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

// legacyIPv4 reads a host written in one of the IPv4 forms inet_aton(3)
// accepts besides the dotted quad: a, a.b, a.b.c or a.b.c.d, each part
// decimal, 0x hex or 0-prefixed octal, the last filling the bytes left
// (2130706433, 0x7f000001, 0177.0.0.1, 127.1 are all 127.0.0.1). Browsers
// and C libraries read such hosts as addresses; so does the fetcher, so
// that they are judged as the addresses they are rather than sent to a
// resolver, which may answer anything.
func legacyIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := inetAtonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*i)
	}
	last := vals[len(vals)-1]
	if last >= 1<<(32-8*(len(vals)-1)) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// inetAtonPart reads one part: 0x1f, 017 (octal) or 31.
func inetAtonPart(p string) (uint64, bool) {
	base, digits := 10, p
	switch {
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, digits = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	if digits == "" || len(digits) > 11 {
		return 0, false
	}
	var v uint64
	for _, c := range strings.ToLower(digits) {
		d := strings.IndexRune("0123456789abcdef", c)
		if d < 0 || d >= base {
			return 0, false
		}
		v = v*uint64(base) + uint64(d)
	}
	return v, true
}

// hostAddr is the address a host names without asking a resolver: an IP
// literal, a legacy IPv4 form, or localhost (RFC 6761: localhost and every
// name under it are loopback, whatever a resolver says).
func hostAddr(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	if ip, ok := legacyIPv4(host); ok {
		return ip, true
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1}), true
	}
	return netip.Addr{}, false
}

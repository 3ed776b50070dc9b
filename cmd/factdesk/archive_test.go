package main

import (
	"context"
	"net"
	"net/netip"
)

// offline gives a test's Main a resolver that answers only loopback
// names: tests reach no network beyond loopback, so a page on any other
// host is "could not be reached" before a query leaves the machine, and
// pages on 127.0.0.1 go through the real safe fetcher (which the test's
// config must allow).
func offline(m *Main) *Main {
	if m.Resolver == nil {
		m.Resolver = loopbackResolver{}
	}
	return m
}

type loopbackResolver struct{}

func (loopbackResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if host == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, nil
	}
	return nil, &net.DNSError{Err: "tests resolve no names but localhost", Name: host, IsNotFound: true}
}

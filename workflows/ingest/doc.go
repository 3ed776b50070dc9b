// Package ingest turns figures found in articles into claims: each figure is
// matched against the open claims about the same thing (same metric, same
// place, a compatible period, the same people counted) and attached to one
// as evidence, so two sources stating different numbers make that claim
// disputed; a figure that matches nothing becomes a new claim.
//
// It owns the matching rules and the pending list of figures a reporter has
// been shown but not yet kept. It imports only the standard library,
// workflows and workflows/extract: no storage, chat or platform package.
package ingest

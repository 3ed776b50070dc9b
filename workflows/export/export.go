package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// Format is one export format.
type Format string

const (
	CSV         Format = "csv"
	JSONL       Format = "jsonl"
	ClaimReview Format = "claimreview"
	Audit       Format = "audit"
)

// Formats lists the formats in the order the command line names them.
var Formats = []Format{CSV, JSONL, ClaimReview, Audit}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown export format %q: use csv, jsonl, claimreview or audit", s)
}

// ContentType is the media type an HTTP answer carries for the format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case ClaimReview:
		return "application/ld+json; charset=utf-8"
	}
	return "application/x-ndjson; charset=utf-8"
}

// Filter narrows an export. Zero values mean "any".
type Filter struct {
	// Since keeps claims changed at or after it (audit: events at or
	// after it).
	Since time.Time
	// States keeps claims in any of these evidence states, Decisions those
	// with any of these decisions; both must hold when both are given.
	States    []workflows.EvidenceState
	Decisions []workflows.Decision
}

// ParseStates reads --state values ("disputed", "approved,rejected"): each
// an evidence state or a decision.
func (f *Filter) ParseStates(values []string) error {
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToLower(strings.TrimSpace(s))
			switch s {
			case "":
			case string(workflows.Unverified), string(workflows.Corroborated), string(workflows.Disputed):
				f.States = append(f.States, workflows.EvidenceState(s))
			case string(workflows.Pending), string(workflows.Approved), string(workflows.Rejected):
				f.Decisions = append(f.Decisions, workflows.Decision(s))
			default:
				return fmt.Errorf("unknown state %q: use unverified, corroborated, disputed, pending, approved or rejected", s)
			}
		}
	}
	return nil
}

// ParseSince reads a --since value: a date (2026-03-01, UTC midnight) or an
// RFC 3339 time.
func ParseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: write a date (2026-03-01) or a time (2026-03-01T12:00:00Z)", s)
}

// Source streams what an export reads, in id order, without holding it all
// in memory. storage.DB implements it.
type Source interface {
	// EachClaim calls fn with every claim matching f, oldest id first,
	// with its evidence and their snapshots (without text). It stops at
	// fn's first error and returns it.
	EachClaim(ctx context.Context, f Filter, fn func(*workflows.Claim) error) error
	// EachEvent calls fn with every audit event at or after since, in id
	// order. It stops at fn's first error and returns it.
	EachEvent(ctx context.Context, since time.Time, fn func(workflows.Event) error) error
}

// Options are what the formats need besides the claims.
type Options struct {
	// Newsroom is the organisation ClaimReview names as author; NewsroomURL
	// its home page ("" to leave it out).
	Newsroom, NewsroomURL string
	// ReviewURL is where the published fact-check of a claim lives, with
	// {id} standing for the claim id; "" leaves ClaimReview's url out.
	ReviewURL string
	// Rules give "about" figures their range (the figure tolerance).
	Rules workflows.Rules
}

// Write writes the export of src in format to w, streaming: memory does not
// grow with the number of claims. ClaimReview keeps only approved claims,
// whatever f says about decisions; audit ignores f except Since.
func Write(ctx context.Context, w io.Writer, format Format, src Source, f Filter, o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case CSV:
		err = writeCSV(ctx, bw, src, f, o)
	case JSONL:
		err = writeJSONL(ctx, bw, src, f, o)
	case ClaimReview:
		err = writeClaimReview(ctx, bw, src, f, o)
	case Audit:
		err = writeAudit(ctx, bw, src, f)
	default:
		err = fmt.Errorf("unknown export format %q", format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Range is the interval a figure allows: "at least 300" is [300, none],
// "200 to 350" is [200, 350]. Low or High nil means unbounded. "about"
// spans the rules' figure tolerance either side, the same band the desk
// corroborates with.
func Range(f *workflows.Figure, r workflows.Rules) (low, high *float64) {
	if f == nil {
		return nil, nil
	}
	v, top := f.Value, f.Value
	if f.Max > f.Value {
		top = f.Max // a range states every number up to its top
	}
	switch f.Qualifier {
	case workflows.AtLeast, workflows.MoreThan:
		return &v, nil
	case workflows.UpTo:
		return nil, &top
	case workflows.About:
		lo, hi := v*(1-r.FigureTolerance), top*(1+r.FigureTolerance)
		return &lo, &hi
	}
	return &v, &top
}

// timeText formats a stored time as RFC 3339 in UTC, "" for none.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

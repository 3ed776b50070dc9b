package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/golden"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/export"
)

// sliceSource is an export.Source over claims in memory, filtering as
// storage does.
type sliceSource struct {
	claims []workflows.Claim
	events []workflows.Event
}

func (s sliceSource) EachClaim(ctx context.Context, f export.Filter, fn func(*workflows.Claim) error) error {
	for i := range s.claims {
		c := s.claims[i]
		if !f.Since.IsZero() && c.UpdatedAt.Before(f.Since) ||
			len(f.States) > 0 && !slices.Contains(f.States, c.State) ||
			len(f.Decisions) > 0 && !slices.Contains(f.Decisions, c.Decision) {
			continue
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return nil
}

func (s sliceSource) EachEvent(ctx context.Context, since time.Time, fn func(workflows.Event) error) error {
	for _, e := range s.events {
		if e.At.Before(since) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

var t0 = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)

func fixture() sliceSource {
	fig := func(v float64, q workflows.Qualifier, unit string) *workflows.Figure {
		return &workflows.Figure{Value: v, Qualifier: q, Unit: unit}
	}
	approved := workflows.Claim{
		ID: 1, Statement: "At least 300 civilians were killed in Mosul in March", Figure: fig(300, workflows.AtLeast, "civilians killed"),
		Metric: "killed", Who: "civilians", Place: "Mosul", Period: "March",
		FiledBy: "slack:U01RITA", Assignee: "slack:U02ANA", State: workflows.Corroborated, Decision: workflows.Approved,
		DecidedBy: "slack:U03EVE", DecidedAt: t0.Add(3 * time.Hour), CreatedAt: t0, UpdatedAt: t0.Add(3 * time.Hour),
		StateSince: t0.Add(2 * time.Hour), Version: 5,
		Evidence: []workflows.Evidence{
			{ID: 11, ClaimID: 1, Source: "UN human rights office", URL: "https://un.example.org/report?a=1&b=2", Stance: workflows.Supports,
				Figure: fig(300, workflows.AtLeast, ""), AddedBy: "slack:U02ANA", AddedAt: t0.Add(time.Hour),
				Archive: &workflows.Snapshot{EvidenceID: 11, ClaimID: 1, State: workflows.Archived, URL: "https://un.example.org/report?a=1&b=2",
					FinalURL: "https://un.example.org/reports/2026/03", Status: 200, ContentType: "text/html; charset=utf-8",
					FetchedAt: t0.Add(time.Hour + 3*time.Minute), SHA256: "3f2a9c1e5b7d4f60a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718",
					Title: "Report", ArchiveURL: "https://web.archive.example/web/20260320100300/https://un.example.org/report?a=1&b=2"}},
			{ID: 12, ClaimID: 1, Source: "Airwars", Via: "Reuters", Quote: "at least 310 people, \"mostly\" civilians", Stance: workflows.Supports,
				Figure: fig(310, workflows.About, ""), Document: "https://news.example.com/mosul", AddedBy: "shell:ingest", AddedAt: t0.Add(2 * time.Hour),
				Archive: &workflows.Snapshot{EvidenceID: 12, ClaimID: 1, State: workflows.ArchiveFailed, URL: "https://news.example.com/mosul",
					Error: "the page answered 404 Not Found", FetchedAt: t0.Add(2 * time.Hour)}},
		},
	}
	disputed := workflows.Claim{
		ID: 2, Statement: "=HYPERLINK(\"http://evil.example\",\"140 homes\") destroyed in Raqqa, “Syria”\nsecond line", Figure: fig(140, workflows.Exact, "homes destroyed"),
		FiledBy: "matrix:@rita:example.org", State: workflows.Disputed, Decision: workflows.Pending,
		CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(4 * time.Hour), StateSince: t0.Add(4 * time.Hour), Version: 3,
		Evidence: []workflows.Evidence{
			{ID: 21, ClaimID: 2, Source: "Civil defence", Stance: workflows.Supports, Figure: fig(140, workflows.Exact, ""), AddedBy: "matrix:@ana:example.org", AddedAt: t0.Add(2 * time.Hour)},
			{ID: 22, ClaimID: 2, Source: "-Local council", Stance: workflows.Contradicts, Figure: fig(90, workflows.UpTo, ""), URL: "https://council.example/news",
				AddedBy: "matrix:@ana:example.org", AddedAt: t0.Add(4 * time.Hour),
				Archive: &workflows.Snapshot{EvidenceID: 22, ClaimID: 2, State: workflows.ArchivePending, URL: "https://council.example/news"}},
		},
	}
	rejected := workflows.Claim{
		ID: 3, Statement: "Fuel prices doubled", FiledBy: "shell:rita", State: workflows.Unverified, Decision: workflows.Rejected,
		DecidedBy: "shell:eve", DecidedAt: t0.Add(5 * time.Hour), DecisionNote: "no source, rumour", CreatedAt: t0.Add(2 * time.Hour),
		UpdatedAt: t0.Add(5 * time.Hour), StateSince: t0.Add(2 * time.Hour), Version: 2,
	}
	approvedUnverified := workflows.Claim{
		ID: 4, Statement: "The bridge reopened on Monday", FiledBy: "shell:rita", State: workflows.Unverified, Decision: workflows.Approved,
		DecidedBy: "shell:eve", DecidedAt: t0.Add(6 * time.Hour), DecisionNote: "attribute to the ministry", CreatedAt: t0.Add(2 * time.Hour),
		UpdatedAt: t0.Add(6 * time.Hour), StateSince: t0.Add(2 * time.Hour), Version: 2,
	}
	events := []workflows.Event{
		{ID: 1, ClaimID: 1, At: t0, Actor: "slack:U01RITA", Kind: workflows.EvFiled, New: "unverified", Note: approved.Statement},
		{ID: 2, ClaimID: 1, At: t0.Add(time.Hour), Actor: "slack:U02ANA", Kind: workflows.EvEvidenceAdded, New: "supports", Note: "UN human rights office supports: at least 300"},
		{ID: 3, ClaimID: 3, At: t0.Add(5 * time.Hour), Actor: "shell:eve", Kind: workflows.EvRejected, Old: "pending", New: "rejected", Note: "no source, <rumour> & more"},
	}
	return sliceSource{claims: []workflows.Claim{approved, disputed, rejected, approvedUnverified}, events: events}
}

var opts = export.Options{Newsroom: "Example Desk", NewsroomURL: "https://news.example.org",
	ReviewURL: "https://news.example.org/fact-checks/{id}", Rules: workflows.DefaultRules()}

func write(t *testing.T, format export.Format, f export.Filter) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(context.Background(), &buf, format, fixture(), f, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGoldenFiles(t *testing.T) {
	golden.Check(t, "claims.csv", write(t, export.CSV, export.Filter{}))
	golden.Check(t, "claims.jsonl", write(t, export.JSONL, export.Filter{}))
	golden.Check(t, "claimreview.json", write(t, export.ClaimReview, export.Filter{}))
	golden.Check(t, "audit.jsonl", write(t, export.Audit, export.Filter{}))
}

func TestCSVReadsBackWithEncodingCSV(t *testing.T) {
	data := write(t, export.CSV, export.Filter{})
	r := csv.NewReader(bytes.NewReader(data))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the export: %v", err)
	}
	if got, want := len(rows), 1+4; got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	header := rows[0]
	col := func(row []string, name string) string {
		t.Helper()
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, header)
		}
		return row[i]
	}
	for _, row := range rows {
		if len(row) != len(header) {
			t.Errorf("row %v has %d cells, header %d", row[0], len(row), len(header))
		}
	}
	c2 := rows[2]
	// Commas, quotes and non-ASCII survive; the formula does not, and a line
	// break (stored before they were folded on the way in) is one space: a
	// statement is one line.
	if got, want := col(c2, "statement"), "'=HYPERLINK(\"http://evil.example\",\"140 homes\") destroyed in Raqqa, “Syria” second line"; got != want {
		t.Errorf("statement read back as %q, want %q", got, want)
	}
	// Only a cell's start makes a formula: a later line stays as typed.
	if got, want := col(c2, "sources"), "Civil defence supports: 140\n-Local council contradicts: as many as 90"; got != want {
		t.Errorf("sources = %q, want %q", got, want)
	}
	if got, want := col(rows[1], "archive_sha256"), "3f2a9c1e5b7d4f60a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718  https://un.example.org/report?a=1&b=2"; got != want {
		t.Errorf("archive_sha256 = %q, want %q", got, want)
	}
	if got, want := col(rows[1], "links"), "https://un.example.org/report?a=1&b=2\nhttps://news.example.com/mosul"; got != want {
		t.Errorf("links = %q, want %q", got, want)
	}
	if got, want := col(rows[1], "figure_low")+"/"+col(rows[1], "figure_high"), "300/"; got != want {
		t.Errorf("at least 300 has range %q, want %q", got, want)
	}
	if got, want := col(rows[1], "decided_by")+" "+col(rows[1], "decided_at"), "slack:U03EVE 2026-03-20T12:00:00Z"; got != want {
		t.Errorf("decided = %q, want %q", got, want)
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n\"")) {
		// Records end in CRLF (RFC 4180); newlines inside quoted cells stay LF.
		t.Errorf("records do not end in CRLF")
	}
}

func TestFilters(t *testing.T) {
	var f export.Filter
	if err := f.ParseStates([]string{"disputed,pending"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(write(t, export.CSV, f))).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "2" {
		t.Errorf("disputed,pending gave %v, %v; want claim 2 only", rows, err)
	}
	if err := (&export.Filter{}).ParseStates([]string{"bogus"}); err == nil {
		t.Error("an unknown state is accepted")
	}
	since, err := export.ParseSince("2026-03-20T14:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(write(t, export.JSONL, export.Filter{Since: since}))), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"id":3,`) || !strings.HasPrefix(lines[1], `{"id":4,`) {
		t.Errorf("since 14:00 gave %d lines: %q", len(lines), lines)
	}
	if _, err := export.ParseSince("yesterday"); err == nil {
		t.Error("--since yesterday is accepted")
	}
}

// TestClaimReviewFields checks each object for what Google's fact-check
// structured data documentation requires (claimReviewed, reviewRating with
// alternateName, url) and recommends (author, datePublished, itemReviewed
// as a Claim with appearances, the rating's scale), with schema.org types.
func TestClaimReviewFields(t *testing.T) {
	var reviews []map[string]any
	if err := json.Unmarshal(write(t, export.ClaimReview, export.Filter{}), &reviews); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	if len(reviews) != 2 {
		t.Fatalf("%d reviews, want the 2 approved claims", len(reviews))
	}
	for _, r := range reviews {
		if r["@context"] != "https://schema.org" || r["@type"] != "ClaimReview" {
			t.Errorf("@context/@type = %v/%v", r["@context"], r["@type"])
		}
		for _, key := range []string{"claimReviewed", "url", "datePublished"} {
			if s, _ := r[key].(string); s == "" {
				t.Errorf("%s missing in %v", key, r)
			}
		}
		if _, err := time.Parse("2006-01-02", r["datePublished"].(string)); err != nil {
			t.Errorf("datePublished %v is not an ISO 8601 date", r["datePublished"])
		}
		author, _ := r["author"].(map[string]any)
		if author["@type"] != "Organization" || author["name"] != "Example Desk" || author["url"] != "https://news.example.org" {
			t.Errorf("author = %v", author)
		}
		rating, _ := r["reviewRating"].(map[string]any)
		if rating["@type"] != "Rating" || rating["alternateName"] == "" || rating["bestRating"] != 3.0 || rating["worstRating"] != 1.0 {
			t.Errorf("reviewRating = %v", rating)
		}
		if v, _ := rating["ratingValue"].(float64); v < 1 || v > 3 {
			t.Errorf("ratingValue %v outside the scale", rating["ratingValue"])
		}
		item, _ := r["itemReviewed"].(map[string]any)
		if item["@type"] != "Claim" {
			t.Errorf("itemReviewed = %v", item)
		}
	}
	first := reviews[0]
	if first["url"] != "https://news.example.org/fact-checks/1" {
		t.Errorf("url = %v", first["url"])
	}
	if got := first["reviewRating"].(map[string]any)["alternateName"]; got != "Corroborated" {
		t.Errorf("a corroborated approved claim is rated %v", got)
	}
	if got := reviews[1]["reviewRating"].(map[string]any)["alternateName"]; got != "Unverified" {
		t.Errorf("an unverified approved claim is rated %v", got)
	}
	apps, _ := first["itemReviewed"].(map[string]any)["appearance"].([]any)
	if len(apps) != 2 || apps[0].(map[string]any)["url"] != "https://un.example.org/report?a=1&b=2" {
		t.Errorf("appearance = %v", apps)
	}
	// No review url configured: the key is left out, not empty.
	var buf bytes.Buffer
	o := opts
	o.ReviewURL = ""
	if err := export.Write(context.Background(), &buf, export.ClaimReview, fixture(), export.Filter{}, o); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"url": "https://news.example.org/fact`) {
		t.Error("url present without review_url")
	}
}

func TestAuditIsOneEventPerLine(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(write(t, export.Audit, export.Filter{}))), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev["kind"] != "rejected" || ev["note"] != "no source, <rumour> & more" || ev["claim_id"] != 3.0 {
		t.Errorf("event = %v", ev)
	}
}

// A claim reopened before reopen cleared its decision fields exports as
// pending, without the old decider or note.
func TestPendingClaimExportsNoDecider(t *testing.T) {
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	src := sliceSource{claims: []workflows.Claim{{ID: 1, Statement: "5 killed", State: workflows.Unverified,
		Decision: workflows.Pending, DecidedBy: "shell:ana", DecidedAt: at, DecisionNote: "x", CreatedAt: at, UpdatedAt: at, Version: 3}}}
	for _, format := range []export.Format{export.CSV, export.JSONL} {
		var buf bytes.Buffer
		if err := export.Write(context.Background(), &buf, format, src, export.Filter{}, opts); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "shell:ana") || strings.Contains(buf.String(), "2026-03-20T12:00:00Z,x") {
			t.Errorf("%s export of a pending claim keeps its old decision:\n%s", format, buf.String())
		}
	}
}

// TestRangeOfARange: a figure stated as a range spans it whole.
func TestRangeOfARange(t *testing.T) {
	r := workflows.DefaultRules()
	for _, c := range []struct {
		f      workflows.Figure
		lo, hi float64
	}{
		{workflows.Figure{Value: 200, Max: 350, Qualifier: workflows.Exact}, 200, 350},
		{workflows.Figure{Value: 200, Max: 350, Qualifier: workflows.About}, 180, 385},
		{workflows.Figure{Value: 300, Qualifier: workflows.Exact}, 300, 300},
	} {
		lo, hi := export.Range(&c.f, r)
		if lo == nil || hi == nil || math.Abs(*lo-c.lo) > 1e-9 || math.Abs(*hi-c.hi) > 1e-9 {
			t.Errorf("Range(%v) = %v, %v; want %v, %v", c.f, lo, hi, c.lo, c.hi)
		}
	}
}

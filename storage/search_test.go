package storage

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

func TestFoldForSearch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Gölcük", "golcuk"},
		{"GÖLCÜK", "golcuk"},
		{"ar-Raqqā", "ar-raqqa"},
		{"Ḥalab", "halab"},
		{"İzmit", "izmit"},
		{"Straße", "strasse"},
		{"Ｍｏｓｕｌ　１００％", "mosul 100%"},
		{"Mosul 100% of 40_000", "mosul 100% of 40_000"},
		// Letters that are not a base letter with marks stay.
		{"Kırıkkale Łódź Ørsta", "kırıkkale łodz ørsta"},
	} {
		if got := foldForSearch(tc.in); got != tc.want {
			t.Errorf("foldForSearch(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchIgnoresCaseAndAccents(t *testing.T) { eachBackend(t, testSearchIgnoresCaseAndAccents) }

func testSearchIgnoresCaseAndAccents(t *testing.T, backend string) {
	ctx := context.Background()
	db := openTestDB(t, storagetest.URL(t, backend))
	filed := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	mk := func(statement string) *workflows.Claim {
		c := &workflows.Claim{Statement: statement, FiledBy: "shell:rita", State: workflows.Unverified,
			Decision: workflows.Pending, CreatedAt: filed, UpdatedAt: filed, StateSince: filed, Version: 1}
		if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.CreateClaim(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	golcuk := mk("Gölcük: 1,200 homes destroyed, 100% of the old town")
	raqqa := mk("Officials in ar-Raqqā counted 40_000 displaced")
	mosul := mk("Mosul: 12 killed")
	search := func(words ...string) []int64 {
		t.Helper()
		res, err := db.SearchClaims(ctx, words, 10)
		if err != nil {
			t.Fatalf("search %q: %v", words, err)
		}
		var ids []int64
		for _, c := range res {
			ids = append(ids, c.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		words []string
		want  []int64
	}{
		{[]string{"golcuk"}, []int64{golcuk.ID}},
		{[]string{"GÖLCÜK"}, []int64{golcuk.ID}},
		{[]string{"GOLCUK", "homes"}, []int64{golcuk.ID}},
		{[]string{"gölcük"}, []int64{golcuk.ID}},
		{[]string{"raqqa"}, []int64{raqqa.ID}},
		{[]string{"RAQQÁ"}, []int64{raqqa.ID}},
		{[]string{"mos"}, []int64{mosul.ID}}, // part of a longer word
		{[]string{"izmit"}, nil},
		{[]string{"\u0301"}, nil}, // folds to nothing: matches nothing, not everything
		{[]string{"golcuk", "mosul"}, nil},
		// LIKE's wildcards stay literal after folding.
		{[]string{"100%"}, []int64{golcuk.ID}},
		{[]string{"40_000"}, []int64{raqqa.ID}},
		{[]string{"1_200"}, nil},
		{[]string{"0%h"}, nil},
		{[]string{"%"}, []int64{golcuk.ID}},
		{[]string{"_"}, []int64{raqqa.ID}},
	} {
		if got := search(tc.words...); !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %v, want %v", tc.words, got, tc.want)
		}
	}

	// Counting a page of a search matches as the search does.
	if n, err := db.CountClaims(ctx, workflows.ClaimFilter{Words: []string{"GOLCUK"}}); err != nil || n != 1 {
		t.Errorf(`count of "GOLCUK" = %d, %v; want 1`, n, err)
	}

	// An edit refolds: the old name no longer finds the claim, the new does.
	edited := *raqqa
	edited.Statement = "Officials in Ḥalab counted 40_000 displaced"
	if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.UpdateClaim(ctx, &edited, raqqa.Version) }); err != nil {
		t.Fatal(err)
	}
	if got := search("raqqa"); len(got) != 0 {
		t.Errorf(`after the edit, search "raqqa" = %v, want nothing`, got)
	}
	if got := search("halab"); !slices.Equal(got, []int64{raqqa.ID}) {
		t.Errorf(`after the edit, search "halab" = %v, want %d`, got, raqqa.ID)
	}
}

func TestMigrateFoldsClaimsStoredBefore(t *testing.T) {
	eachBackend(t, testMigrateFoldsClaimsStoredBefore)
}

// Claims stored before migration 0017 have no folded statement; the next
// Migrate folds them, more than one batch of them, and search finds them.
func testMigrateFoldsClaimsStoredBefore(t *testing.T, backend string) {
	ctx := context.Background()
	db := openTestDB(t, storagetest.URL(t, backend))
	const n = backfillBatch + 7
	// As an older factdesk wrote them: every column but statement_folded.
	old := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + strconv.Itoa(n) + `)
		INSERT INTO claims (statement, filed_by, state, decision, created_ms, updated_ms, state_since_ms, version)
		SELECT CASE WHEN i = 1 THEN 'Gölcük: 300 homes' ELSE 'Mosul: 12 killed' END,
			'shell:rita', 'unverified', 'pending', 1, 1, 1, 1 FROM n`
	if _, err := db.SQL().ExecContext(ctx, old); err != nil {
		t.Fatal(err)
	}
	if res, err := db.SearchClaims(ctx, []string{"golcuk"}, 10); err != nil || len(res) != 0 {
		t.Fatalf(`before the backfill, search "golcuk" = %d claims, %v; want none (the test would prove nothing)`, len(res), err)
	}
	// Unfolded claims are still found by what the database's LOWER gives.
	if res, err := db.SearchClaims(ctx, []string{"MOSUL"}, 0); err != nil || len(res) != n-1 {
		t.Fatalf(`before the backfill, search "MOSUL" = %d claims, %v; want %d`, len(res), err, n-1)
	}

	if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("Migrate = %v, %v; want nothing to apply", applied, err)
	}
	res, err := db.SearchClaims(ctx, []string{"golcuk"}, 10)
	if err != nil || len(res) != 1 || res[0].Statement != "Gölcük: 300 homes" {
		t.Fatalf(`after the backfill, search "golcuk" = %+v, %v; want the Gölcük claim`, res, err)
	}
	var unfolded int
	if err := db.SQL().GetContext(ctx, &unfolded, `SELECT COUNT(*) FROM claims WHERE statement_folded IS NULL`); err != nil || unfolded != 0 {
		t.Errorf("%d claims left unfolded, %v", unfolded, err)
	}
	var folded string
	if err := db.SQL().GetContext(ctx, &folded, db.SQL().Rebind(`SELECT statement_folded FROM claims WHERE id = ?`), res[0].ID); err != nil || folded != "golcuk: 300 homes" {
		t.Errorf("statement_folded = %q, %v", folded, err)
	}
	// A second run finds nothing left to fold.
	if got, err := db.backfillFolded(ctx); err != nil || got != 0 {
		t.Errorf("second backfill folded %d, %v; want 0", got, err)
	}
}

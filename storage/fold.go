package storage

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldForSearch is how search compares text: Unicode compatibility
// decomposition (NFKD, so full-width "Ｍｏｓｕｌ" reads "Mosul"), with
// combining marks (category Mn) dropped, so "Gölcük" reads "Golcuk", then
// Unicode case folding (so "GÖLCÜK" and "Straße" read "golcuk" and
// "strasse"). Reporters type names without their accents; both a claim's
// statement (the statement_folded column) and the words searched for go
// through it, so matching is the same on SQLite and PostgreSQL, neither of
// which folds accents (SQLite's LOWER folds only ASCII). Letters that are
// not a base letter plus marks stay as they are: "ı", "ø", "ł".
func foldForSearch(s string) string {
	if isASCII(s) {
		// Most statements: NFKD leaves ASCII alone and folding it is
		// lower-casing, at a fraction of the chain's cost on every write.
		return strings.ToLower(s)
	}
	// A chain keeps buffers between calls, so each call builds its own.
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), cases.Fold())
	out, _, err := transform.String(t, s)
	if err != nil {
		// The transformers take any input, invalid UTF-8 included; were
		// one to fail, the lower-cased text still finds ASCII words.
		return cases.Fold().String(s)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

const (
	// selectUnfolded reads through the partial index claims_unfolded.
	selectUnfolded = `SELECT id, statement FROM claims WHERE statement_folded IS NULL ORDER BY id LIMIT ?`
	updateFolded   = `UPDATE claims SET statement_folded = ? WHERE id = ? AND statement_folded IS NULL`
)

// backfillBatch claims are folded per write transaction: short enough
// that a desk's own writes wait little between batches.
const backfillBatch = 1000

// backfillFolded writes statement_folded on every claim stored without it
// (before migration 0017, or by an older version of factdesk), one batch a
// transaction, and returns how many it wrote. Once none is left it costs
// one lookup in an empty index. Statements are folded here, in Go, because
// neither database can drop accents the same way.
func (s *DB) backfillFolded(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(t *Tx) error {
			var rows []struct {
				ID        int64  `db:"id"`
				Statement string `db:"statement"`
			}
			if err := t.selectRows(ctx, &rows, selectUnfolded, backfillBatch); err != nil {
				return err
			}
			for _, r := range rows {
				if _, err := t.exec(ctx, updateFolded, foldForSearch(r.Statement), r.ID); err != nil {
					return err
				}
			}
			n = len(rows)
			return nil
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("folding claims for search: %w", err)
		}
		if n < backfillBatch {
			return total, nil
		}
	}
}

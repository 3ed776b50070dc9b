package storage

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
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
	// Three passes, each allocating only its result, cost a tenth of a
	// transform.Chain, which allocates its buffers on every call.
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFKD.String(s))
	return folder.String(s)
}

// folder is stateless, so one serves every goroutine (cases.Fold's doc).
var folder = cases.Fold()

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
	// updateFolded is completed with one "(CAST(? AS BIGINT), CAST(? AS
	// TEXT))" row (id, folded statement) a claim: one statement a batch,
	// rather than a round trip a claim. The casts type PostgreSQL's VALUES.
	updateFolded = `WITH folded (id, statement_folded) AS (VALUES %s)
		UPDATE claims SET statement_folded = folded.statement_folded FROM folded
		WHERE claims.id = folded.id AND claims.statement_folded IS NULL`
)

// backfillBatch claims are folded per write transaction: short enough
// that a desk's own writes wait little between batches, and two
// parameters a claim stay far below either database's limit.
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
			n = len(rows)
			if n == 0 {
				return nil
			}
			args := make([]any, 0, 2*n)
			for _, r := range rows {
				args = append(args, r.ID, foldForSearch(r.Statement))
			}
			values := strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), CAST(? AS TEXT)), ", n), ", ")
			_, err := t.exec(ctx, fmt.Sprintf(updateFolded, values), args...)
			return err
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

-- A claim's statement as search compares it: NFKD, combining marks dropped,
-- case folded (storage's foldForSearch), so "golcuk" finds "Gölcük" on
-- SQLite and PostgreSQL alike. Written with the statement; NULL on claims
-- stored before this migration until Migrate's backfill reaches them.

ALTER TABLE claims ADD COLUMN statement_folded TEXT;

-- The backfill finds the claims it has yet to fold through this index; it
-- is empty once they are, so every later start checks it in no time.
CREATE INDEX claims_unfolded ON claims (id) WHERE statement_folded IS NULL;

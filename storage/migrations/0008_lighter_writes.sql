-- Filing a claim writes a dozen b-trees; these changes drop two of them.
--
-- Recovery looks only for inbox events not yet handled, and most events are
-- handled within milliseconds (terminal lines are recorded already
-- handled), so the index holds just those.
DROP INDEX inbox_unhandled;
CREATE INDEX inbox_unhandled ON inbox (id) WHERE handled_ms IS NULL;

-- A claim's threads are found by their primary key: stored in that key's
-- b-tree (SQLite's WITHOUT ROWID), a thread is one insert rather than two.
CREATE TABLE claim_threads_by_key (
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    platform TEXT NOT NULL,
    channel  TEXT NOT NULL,
    root_id  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (claim_id, platform, channel)
) WITHOUT ROWID;
INSERT INTO claim_threads_by_key (claim_id, platform, channel, root_id)
    SELECT claim_id, platform, channel, root_id FROM claim_threads;
DROP TABLE claim_threads;
ALTER TABLE claim_threads_by_key RENAME TO claim_threads;
CREATE INDEX claim_threads_root ON claim_threads (platform, channel, root_id);

-- Evidence archiving: one row per piece of evidence with a link, written in
-- the transaction that adds the evidence. It is the durable job (pending,
-- retried with backoff under a lease, like the outbox) and, once fetched,
-- the snapshot of the page. The evidence id as key means a page is never
-- fetched twice for the same evidence.

CREATE TABLE evidence_archive (
    evidence_id     BIGINT PRIMARY KEY REFERENCES evidence (id),
    claim_id        BIGINT NOT NULL,
    url             TEXT NOT NULL,
    -- pending, archived, failed
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until_ms  BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    final_url       TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 0,
    content_type    TEXT NOT NULL DEFAULT '',
    sha256          TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    body_text       TEXT NOT NULL DEFAULT '',
    text_truncated  INTEGER NOT NULL DEFAULT 0,
    -- The Internet Archive's copy (Save Page Now), when configured.
    archive_url     TEXT NOT NULL DEFAULT '',
    archive_error   TEXT NOT NULL DEFAULT '',
    fetched_ms      BIGINT NOT NULL DEFAULT 0,
    created_ms      BIGINT NOT NULL
);
-- The worker looks for due pending rows.
CREATE INDEX evidence_archive_due ON evidence_archive (state, next_attempt_ms);
-- The same link added again soon after reuses the fresh snapshot.
CREATE INDEX evidence_archive_url ON evidence_archive (url, fetched_ms);

-- Each recheck of an archived page: what was found, by whom, when.
CREATE TABLE archive_rechecks (
    id          BIGSERIAL PRIMARY KEY,
    evidence_id BIGINT NOT NULL REFERENCES evidence (id),
    checked_ms  BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    -- unchanged, changed, vanished, failed
    outcome     TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL DEFAULT '',
    final_url   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archive_rechecks_evidence ON archive_rechecks (evidence_id, id);

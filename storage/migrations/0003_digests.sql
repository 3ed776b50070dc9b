-- Scheduled digests: one row per schedule slot (or digest asked for), and the
-- claims the latest digest of each schedule and channel listed, so the next
-- one can mark what is new.

CREATE TABLE digest_runs (
    id        BIGSERIAL PRIMARY KEY,
    schedule  TEXT NOT NULL,
    -- 1 for a digest someone asked for; its slot is when they asked.
    manual    INTEGER NOT NULL DEFAULT 0,
    -- The UTC instant the digest was due, in milliseconds. Whoever inserts
    -- (schedule, manual, slot_ms) first posts it; nobody else does.
    slot_ms   BIGINT NOT NULL,
    platform  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    -- posted, late, empty, missed, superseded
    status    TEXT NOT NULL,
    run_ms    BIGINT NOT NULL,
    items     INTEGER NOT NULL DEFAULT 0,
    messages  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (schedule, manual, slot_ms)
);
-- The previous digest of a schedule to a channel.
CREATE INDEX digest_runs_previous ON digest_runs (schedule, platform, channel, id);

CREATE TABLE digest_run_items (
    run_id   BIGINT NOT NULL REFERENCES digest_runs (id),
    claim_id BIGINT NOT NULL,
    PRIMARY KEY (run_id, claim_id)
);

-- The digest's unassigned section filters undecided, unassigned claims by
-- state and age; with them in the index it never reads the table to do so.
-- (Disputed and stale claims are found through claims_state_decision.)
CREATE INDEX claims_digest_unassigned ON claims (assignee, decision, state, state_since_ms);

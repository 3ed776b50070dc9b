-- Claims, their evidence, threads and audit trail; the inbox and outbox.
-- Times are BIGINT milliseconds since the Unix epoch (UTC): portable, and
-- ordered the same way in SQLite and PostgreSQL.

CREATE TABLE claims (
    id               BIGSERIAL PRIMARY KEY,
    statement        TEXT NOT NULL,
    figure_value     DOUBLE PRECISION,
    figure_qualifier TEXT NOT NULL DEFAULT '',
    figure_unit      TEXT NOT NULL DEFAULT '',
    metric           TEXT NOT NULL DEFAULT '',
    who              TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    period           TEXT NOT NULL DEFAULT '',
    filed_by         TEXT NOT NULL,
    assignee         TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    decision         TEXT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_ms       BIGINT NOT NULL DEFAULT 0,
    decision_note    TEXT NOT NULL DEFAULT '',
    created_ms       BIGINT NOT NULL,
    updated_ms       BIGINT NOT NULL,
    state_since_ms   BIGINT NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX claims_state_decision ON claims (state, decision, state_since_ms);
CREATE INDEX claims_assignee ON claims (assignee, decision);
CREATE INDEX claims_filed_by ON claims (filed_by);
CREATE INDEX claims_topic ON claims (metric, place);

CREATE TABLE evidence (
    id               BIGSERIAL PRIMARY KEY,
    claim_id         BIGINT NOT NULL REFERENCES claims (id),
    source           TEXT NOT NULL,
    origin           TEXT NOT NULL,
    via              TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    quote            TEXT NOT NULL DEFAULT '',
    stance           TEXT NOT NULL,
    figure_value     DOUBLE PRECISION,
    figure_qualifier TEXT NOT NULL DEFAULT '',
    figure_unit      TEXT NOT NULL DEFAULT '',
    document         TEXT NOT NULL DEFAULT '',
    added_by         TEXT NOT NULL,
    added_ms         BIGINT NOT NULL
);
CREATE INDEX evidence_claim ON evidence (claim_id, id);

CREATE TABLE claim_threads (
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    platform TEXT NOT NULL,
    channel  TEXT NOT NULL,
    root_id  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (claim_id, platform, channel)
);
CREATE INDEX claim_threads_root ON claim_threads (platform, channel, root_id);

CREATE TABLE events (
    id       BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    at_ms    BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    old      TEXT NOT NULL DEFAULT '',
    new      TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_claim ON events (claim_id, id);

CREATE TABLE inbox (
    id          BIGSERIAL PRIMARY KEY,
    platform    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_name  TEXT NOT NULL DEFAULT '',
    conv        TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    handled_ms  BIGINT,
    UNIQUE (platform, event_id)
);
CREATE INDEX inbox_unhandled ON inbox (handled_ms, id);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    platform        TEXT NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    thread          TEXT NOT NULL DEFAULT '',
    claim_id        BIGINT NOT NULL DEFAULT 0,
    in_claim_thread INTEGER NOT NULL DEFAULT 0,
    target_user     TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    inbox_id        BIGINT NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until_ms  BIGINT NOT NULL DEFAULT 0,
    remote_id       TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    created_ms      BIGINT NOT NULL,
    delivered_ms    BIGINT NOT NULL DEFAULT 0
);
-- The dispatcher reads the head of each channel's queue of pending rows.
CREATE INDEX outbox_pending ON outbox (state, platform, channel, id);
CREATE INDEX outbox_inbox ON outbox (inbox_id);

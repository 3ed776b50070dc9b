-- Article ingests shown to a reporter as a numbered list, waiting for "keep".

CREATE TABLE ingests (
    id          BIGSERIAL PRIMARY KEY,
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    document    TEXT NOT NULL,
    publication TEXT NOT NULL DEFAULT '',
    figures     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX ingests_latest ON ingests (platform, channel, user_key, id);

CREATE TABLE ingest_kept (
    ingest_id BIGINT NOT NULL REFERENCES ingests (id),
    item      INTEGER NOT NULL,
    claim_id  BIGINT NOT NULL REFERENCES claims (id),
    PRIMARY KEY (ingest_id, item)
);

-- Matrix: where the bot's /sync stands, the login it got from a password,
-- notices said once per room, and the lease that lets one replica sync.

CREATE TABLE matrix_sync (
    account    TEXT PRIMARY KEY,
    next_batch TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);

CREATE TABLE matrix_session (
    account      TEXT PRIMARY KEY,
    access_token TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    created_ms   BIGINT NOT NULL
);

CREATE TABLE matrix_once (
    once_key TEXT PRIMARY KEY,
    done_ms  BIGINT NOT NULL
);

CREATE TABLE matrix_lease (
    account  TEXT PRIMARY KEY,
    owner    TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);

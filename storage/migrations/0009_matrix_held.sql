-- Encrypted Matrix events the desk could not decrypt yet, kept until their
-- keys arrive or the wait for them ends: a key that comes late loses
-- nothing. The event is stored as the adapter wrote it (JSON); the crypto
-- store itself (crypto_* and mx_* tables) is made and upgraded by mautrix
-- under its own version tables.

CREATE TABLE matrix_held (
    account  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event    TEXT NOT NULL,
    held_ms  BIGINT NOT NULL,
    PRIMARY KEY (account, event_id)
);

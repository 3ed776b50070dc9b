-- Who said "notify off": a person not listed gets direct notices about the
-- claims they filed or are assigned.

CREATE TABLE notify_prefs (
    actor      TEXT PRIMARY KEY,
    off        INTEGER NOT NULL,
    updated_ms BIGINT NOT NULL
);

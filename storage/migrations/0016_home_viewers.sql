-- Who has opened their home view (Slack's App Home tab), and whether they
-- were an editor then: a claim entering or leaving the editors' "waiting
-- for your decision" list redraws the tabs of the editors who use theirs.

CREATE TABLE home_viewers (
    actor     TEXT PRIMARY KEY,
    editor    INTEGER NOT NULL,
    opened_ms BIGINT NOT NULL
);

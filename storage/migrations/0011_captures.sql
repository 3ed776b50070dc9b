-- Chat messages filed as claims where they were said (a Slack message
-- shortcut, a Matrix reply): one claim per message, so filing the same
-- message twice is answered with the claim it already is.

CREATE TABLE captures (
    platform    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    claim_id    BIGINT NOT NULL REFERENCES claims (id),
    link        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform, channel, message_id)
);
CREATE INDEX captures_claim ON captures (claim_id);

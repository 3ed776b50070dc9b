-- Fair turns in a channel's queue: each outbox row gets the person whose
-- command caused it (requester) and a turn, given when it is written (see
-- storage/outbox.go), so one person's burst of messages cannot keep
-- another's reply waiting behind all of it. The dispatcher sends a channel's
-- pending rows in (turn, id) order, so its index leads with them.
ALTER TABLE outbox ADD COLUMN requester TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN turn BIGINT NOT NULL DEFAULT 0;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (state, platform, channel, turn, id);

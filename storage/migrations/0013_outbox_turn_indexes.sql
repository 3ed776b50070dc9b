-- Giving a row its turn looks up, among a channel's pending rows, the
-- lowest turn, the requester's last and the claim's last. Scanning the
-- pending rows for the last two made writing a message slower the longer a
-- channel's queue was; these partial indexes make each a seek. They hold
-- pending rows only, as does the queue's own index now (delivered rows, most
-- of the table, are never looked up by channel).
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (platform, channel, turn, id) WHERE state = 'pending';
CREATE INDEX outbox_pending_requester ON outbox (platform, channel, requester, turn) WHERE state = 'pending';
CREATE INDEX outbox_pending_claim ON outbox (platform, channel, claim_id, turn) WHERE state = 'pending' AND claim_id <> 0;

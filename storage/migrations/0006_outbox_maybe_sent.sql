-- maybe_sent is 1 while an outbox row may have reached its platform without
-- being marked delivered: it was leased (and so perhaps sent) by a process
-- that then died, or its send failed ambiguously. The next delivery looks
-- before sending again. A retry the platform imposed (pacing, 429) clears
-- it: that send certainly did not happen.
ALTER TABLE outbox ADD COLUMN maybe_sent INTEGER NOT NULL DEFAULT 0;

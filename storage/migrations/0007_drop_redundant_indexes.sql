-- Every claim and outbox row pays for each index on every write. These two
-- serve no query: claims_digest_unassigned (assignee, decision, state, …)
-- answers everything claims_assignee (assignee, decision) did, and no query
-- looks outbox rows up by their inbox event.
DROP INDEX claims_assignee;
DROP INDEX outbox_inbox;

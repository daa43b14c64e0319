-- When a connection's syncs started failing without a success since (throttling, Microsoft unavailable, refused
-- requests): a row failing for longer than health.failing-after shows Stale with the reason, never Healthy.
ALTER TABLE outlook_connection ADD COLUMN sync_failing_since timestamptz;

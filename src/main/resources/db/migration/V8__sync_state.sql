-- Sync's own state leaves outlook_connection: its schedule (requested_at, reason, backoff), its lease, its progress
-- (started_at, last success, failures) live in a table only the sync component writes. The connection keeps what the
-- person sees as its state (the error), written through the connections component.
CREATE TABLE sync_state (
    connection_id   uuid         PRIMARY KEY REFERENCES outlook_connection (id) ON DELETE CASCADE,
    requested_at    timestamptz,
    reason          varchar(32),
    backoff_until   timestamptz,
    lease_owner     varchar(64),
    lease_until     timestamptz,
    started_at      timestamptz,
    last_success_at timestamptz,
    failures        integer      NOT NULL DEFAULT 0,
    failure         text,
    failure_at      timestamptz,
    failing_since   timestamptz
);

INSERT INTO sync_state (connection_id, requested_at, reason, backoff_until, lease_owner, lease_until, started_at,
                        last_success_at, failures, failure, failure_at, failing_since)
SELECT id, sync_requested_at, sync_reason, sync_backoff_until, sync_lease_owner, sync_lease_until, sync_started_at,
       last_sync_at, sync_failures, sync_failure, sync_failure_at, sync_failing_since
  FROM outlook_connection;

CREATE INDEX sync_state_due ON sync_state (requested_at) WHERE requested_at IS NOT NULL;
CREATE INDEX sync_state_leased ON sync_state (lease_until) WHERE lease_owner IS NOT NULL;

DROP INDEX outlook_connection_due;
DROP INDEX outlook_connection_leased;
ALTER TABLE outlook_connection
    DROP COLUMN sync_requested_at,
    DROP COLUMN sync_reason,
    DROP COLUMN sync_backoff_until,
    DROP COLUMN sync_lease_owner,
    DROP COLUMN sync_lease_until,
    DROP COLUMN sync_started_at,
    DROP COLUMN last_sync_at,
    DROP COLUMN sync_failures,
    DROP COLUMN sync_failure,
    DROP COLUMN sync_failure_at,
    DROP COLUMN sync_failing_since;

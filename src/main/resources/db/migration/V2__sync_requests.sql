-- A connection is due for a sync when sync_requested_at is set; a scheduler claims it under a lease.
ALTER TABLE outlook_connection
    ADD COLUMN sync_requested_at  timestamptz,
    ADD COLUMN sync_reason        varchar(32),
    ADD COLUMN sync_lease_owner   varchar(64),
    ADD COLUMN sync_lease_until   timestamptz;

CREATE INDEX outlook_connection_due ON outlook_connection (sync_requested_at) WHERE sync_requested_at IS NOT NULL;

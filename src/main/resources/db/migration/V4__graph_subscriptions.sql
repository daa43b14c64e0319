-- Graph change-notification subscriptions, one per connection where push is possible.
CREATE TABLE graph_subscription (
    id                   varchar(128) PRIMARY KEY,
    connection_id        uuid         NOT NULL REFERENCES outlook_connection (id) ON DELETE CASCADE,
    resource             text         NOT NULL,
    identity             varchar(16)  NOT NULL CHECK (identity IN ('DELEGATED', 'APP_ONLY')),
    client_state_sha256  bytea        NOT NULL,
    expires_at           timestamptz  NOT NULL,
    created_at           timestamptz  NOT NULL,
    renewed_at           timestamptz,
    failures             integer      NOT NULL DEFAULT 0,
    last_failure         text,
    lease_until          timestamptz
);
CREATE UNIQUE INDEX graph_subscription_per_connection ON graph_subscription (connection_id);
CREATE INDEX graph_subscription_by_expiry ON graph_subscription (expires_at);

-- Why a connection polls although push was wanted (shown with its health), and failed attempts to set up push.
ALTER TABLE outlook_connection
    ADD COLUMN delivery_note      text,
    ADD COLUMN delivery_failures  integer NOT NULL DEFAULT 0;

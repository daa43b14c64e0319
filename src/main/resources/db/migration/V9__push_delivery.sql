-- Push delivery's state leaves outlook_connection, so each table has one writer: whether a connection is pushed or
-- polled is part of sync's schedule (sync_state.pushed, set by notifications through sync), and why it is polled and how
-- often setting up push failed belong to notifications (push_delivery).
CREATE TABLE push_delivery (
    connection_id  uuid         PRIMARY KEY REFERENCES outlook_connection (id) ON DELETE CASCADE,
    note           text,
    failures       integer      NOT NULL DEFAULT 0,
    updated_at     timestamptz  NOT NULL
);

INSERT INTO push_delivery (connection_id, note, failures, updated_at)
SELECT id, delivery_note, delivery_failures, updated_at FROM outlook_connection
 WHERE delivery_note IS NOT NULL OR delivery_failures > 0;

CREATE INDEX push_delivery_retries ON push_delivery (failures) WHERE failures > 0;

ALTER TABLE sync_state ADD COLUMN pushed boolean NOT NULL DEFAULT false;
UPDATE sync_state s SET pushed = true FROM outlook_connection c WHERE c.id = s.connection_id AND c.delivery = 'WEBHOOK';

ALTER TABLE outlook_connection
    DROP COLUMN delivery,
    DROP COLUMN delivery_note,
    DROP COLUMN delivery_failures;

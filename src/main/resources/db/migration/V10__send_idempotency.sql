-- Sending is idempotent: a client may send an Idempotency-Key header with POST /messages and /messages/{id}/reply.
-- The first request with a key claims it here (in its own short transaction, before Microsoft is asked); the answer
-- it got is recorded after, and every retry with that key (same caller) gets that answer instead of sending again.
-- A claim without an answer is a send under way, or one whose outcome is unknown (the server stopped while Microsoft
-- was asked): it is never sent again under that key. Rows live messages.idempotency-key-lifetime and are purged by
-- later claims.
CREATE TABLE send_idempotency (
    workspace_id    varchar(128) NOT NULL,
    user_id         varchar(128) NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    request_hash    varchar(64)  NOT NULL,
    outcome_status  integer,
    outcome_code    varchar(64),
    outcome_detail  text,
    outcome_retry_after_seconds bigint,
    created_at      timestamptz  NOT NULL,
    expires_at      timestamptz  NOT NULL,
    PRIMARY KEY (workspace_id, user_id, idempotency_key)
);
CREATE INDEX send_idempotency_expiry ON send_idempotency (expires_at);

-- The message store, each connection's delta cursors, sync scheduling state, and signatures.

-- One row per (mailbox, folder, immutable Graph id): every connection to the mailbox upserts the same rows.
CREATE TABLE message (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox_id           uuid         NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    workspace_id         varchar(128) NOT NULL,
    folder               varchar(16)  NOT NULL CHECK (folder IN ('INBOX', 'SENT')),
    graph_id             varchar(512) NOT NULL,
    internet_message_id  text,
    conversation_id      text,
    subject              text,
    from_name            text,
    from_address         text,
    sender_name          text,
    sender_address       text,
    to_recipients        text,
    cc_recipients        text,
    received_at          timestamptz  NOT NULL,
    is_read              boolean      NOT NULL DEFAULT false,
    has_attachments      boolean      NOT NULL DEFAULT false,
    preview              text,
    body_type            varchar(8),
    body                 text,
    change_key           text,
    removed_at           timestamptz,
    synced_at            timestamptz  NOT NULL,
    CONSTRAINT message_once_per_mailbox_folder UNIQUE (mailbox_id, folder, graph_id)
);

-- The inbox reads keys first, rows second: these covering indexes answer "which ids come next, newest first" with
-- index-only scans (the unread and removed filters included), then only the page's rows are fetched.
-- Per mailbox and folder, for callers who read a few mailboxes:
CREATE INDEX message_newest_first ON message (mailbox_id, folder, received_at DESC, id DESC) INCLUDE (is_read, removed_at);
-- Across the mailboxes of a workspace (its mailbox's workspace, kept on the row), for callers who read many:
CREATE INDEX message_newest_first_in_workspace ON message (workspace_id, received_at DESC, id DESC)
    INCLUDE (mailbox_id, folder, is_read, removed_at);

-- A connection's delta state per folder: the link to continue a round (next_link) or to start the next (delta_link).
CREATE TABLE sync_cursor (
    connection_id        uuid         NOT NULL REFERENCES outlook_connection (id) ON DELETE CASCADE,
    folder               varchar(16)  NOT NULL CHECK (folder IN ('INBOX', 'SENT')),
    next_link            text,
    delta_link           text,
    messages_synced      bigint       NOT NULL DEFAULT 0,
    history_complete_at  timestamptz,
    resyncs              integer      NOT NULL DEFAULT 0,
    updated_at           timestamptz  NOT NULL,
    PRIMARY KEY (connection_id, folder)
);

-- Scheduling: when the last run started, backoff after transient failures, and the last failure (visible, not an error).
ALTER TABLE outlook_connection
    ADD COLUMN sync_started_at     timestamptz,
    ADD COLUMN sync_backoff_until  timestamptz,
    ADD COLUMN sync_failures       integer NOT NULL DEFAULT 0,
    ADD COLUMN sync_failure        text,
    ADD COLUMN sync_failure_at     timestamptz;

-- Leases of crashed runs expire and are claimed again.
CREATE INDEX outlook_connection_leased ON outlook_connection (sync_lease_until) WHERE sync_lease_owner IS NOT NULL;

-- A user's signature for one mailbox, appended to what that user sends from it.
CREATE TABLE signature (
    mailbox_id    uuid         NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    user_id       varchar(128) NOT NULL,
    workspace_id  varchar(128) NOT NULL,
    content_type  varchar(8)   NOT NULL CHECK (content_type IN ('text', 'html')),
    content       text         NOT NULL,
    updated_at    timestamptz  NOT NULL,
    PRIMARY KEY (mailbox_id, user_id)
);

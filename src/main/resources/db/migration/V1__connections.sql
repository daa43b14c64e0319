-- Mailboxes, Outlook connections (personal and shared), who may read a mailbox's history, OAuth starts, audit.

CREATE TABLE mailbox (
    id            uuid PRIMARY KEY,
    workspace_id  varchar(128) NOT NULL,
    address       varchar(320) NOT NULL CHECK (address = lower(address)),
    display_name  varchar(256),
    kind          varchar(16)  NOT NULL CHECK (kind IN ('PERSONAL', 'SHARED')),
    created_at    timestamptz  NOT NULL,
    CONSTRAINT mailbox_once_per_workspace UNIQUE (workspace_id, address)
);

CREATE TABLE outlook_connection (
    id                  uuid PRIMARY KEY,
    workspace_id        varchar(128) NOT NULL,
    user_id             varchar(128) NOT NULL,
    user_upn            varchar(320),
    kind                varchar(16)  NOT NULL CHECK (kind IN ('PERSONAL', 'SHARED')),
    mailbox_id          uuid         NOT NULL REFERENCES mailbox (id),
    parent_id           uuid REFERENCES outlook_connection (id) ON DELETE CASCADE,
    microsoft_oid       varchar(64)  NOT NULL,
    microsoft_tid       varchar(64)  NOT NULL,
    microsoft_upn       varchar(320) NOT NULL,
    display_name        varchar(256),
    granted_scopes      text         NOT NULL,
    token_cache         bytea,
    token_key_id        varchar(64),
    error_code          varchar(64),
    error_message       text,
    error_at            timestamptz,
    last_sync_at        timestamptz,
    delivery            varchar(16)  NOT NULL DEFAULT 'POLLING' CHECK (delivery IN ('WEBHOOK', 'POLLING')),
    created_at          timestamptz  NOT NULL,
    updated_at          timestamptz  NOT NULL,
    version             bigint       NOT NULL DEFAULT 0,
    CONSTRAINT personal_has_no_parent CHECK ((kind = 'PERSONAL') = (parent_id IS NULL)),
    CONSTRAINT only_personal_holds_tokens CHECK (kind = 'PERSONAL' OR (token_cache IS NULL AND token_key_id IS NULL))
);

CREATE UNIQUE INDEX personal_connection_per_microsoft_user
    ON outlook_connection (workspace_id, user_id, microsoft_oid) WHERE kind = 'PERSONAL';
CREATE UNIQUE INDEX shared_mailbox_once_per_user
    ON outlook_connection (workspace_id, user_id, mailbox_id) WHERE kind = 'SHARED';
CREATE INDEX outlook_connection_by_owner ON outlook_connection (workspace_id, user_id);
CREATE INDEX outlook_connection_by_parent ON outlook_connection (parent_id);
CREATE INDEX outlook_connection_by_mailbox ON outlook_connection (mailbox_id);

-- Who may read a mailbox's history: granted when a user connects it, kept after disconnect, revoked when Exchange denies them.
CREATE TABLE mailbox_access (
    mailbox_id    uuid         NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    workspace_id  varchar(128) NOT NULL,
    user_id       varchar(128) NOT NULL,
    granted_at    timestamptz  NOT NULL,
    revoked_at    timestamptz,
    PRIMARY KEY (mailbox_id, user_id)
);
CREATE INDEX mailbox_access_by_user ON mailbox_access (workspace_id, user_id);

-- A started OAuth authorization: single-use state bound to the caller, PKCE verifier, expiry.
CREATE TABLE oauth_authorization (
    state                     varchar(128) PRIMARY KEY,
    workspace_id              varchar(128) NOT NULL,
    user_id                   varchar(128) NOT NULL,
    user_upn                  varchar(320),
    code_verifier             varchar(128) NOT NULL,
    return_url                text,
    reconnect_connection_id   uuid,
    created_at                timestamptz  NOT NULL,
    expires_at                timestamptz  NOT NULL
);
CREATE INDEX oauth_authorization_by_expiry ON oauth_authorization (expires_at);

CREATE TABLE audit_event (
    id             bigserial PRIMARY KEY,
    workspace_id   varchar(128) NOT NULL,
    user_id        varchar(128) NOT NULL,
    user_upn       varchar(320),
    action         varchar(64)  NOT NULL,
    mailbox        varchar(320),
    connection_id  uuid,
    detail         text,
    occurred_at    timestamptz  NOT NULL
);
CREATE INDEX audit_event_by_workspace ON audit_event (workspace_id, occurred_at DESC);

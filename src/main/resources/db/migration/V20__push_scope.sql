-- Issue 19: app-only push limited by an Exchange management scope (RBAC for Applications).
-- A shared mailbox whose app-only subscription Microsoft refused (403: outside the app's scope) is polled, and push is
-- tried again at every renewal round, without counting towards notifications.max-failures: widening the scope brings
-- push back by itself.
ALTER TABLE push_delivery ADD COLUMN outside_scope boolean NOT NULL DEFAULT false;
CREATE INDEX push_delivery_outside_scope ON push_delivery (connection_id) WHERE outside_scope;

-- The last canary check of a workspace: whether the app-only identity was refused on a mailbox that should be outside
-- its scope (SCOPED), allowed there (UNSCOPED), or the canary was one of the mailboxes that should be inside
-- (CANARY_INSIDE: proves nothing). One row per workspace, written by notifications.
CREATE TABLE push_scope_check (
    workspace_id  varchar(128) PRIMARY KEY,
    canary        varchar(320) NOT NULL,
    outcome       varchar(16)  NOT NULL CHECK (outcome IN ('SCOPED', 'UNSCOPED', 'CANARY_INSIDE', 'FAILED')),
    detail        text         NOT NULL,
    checked_at    timestamptz  NOT NULL,
    checked_by    varchar(128) NOT NULL
);

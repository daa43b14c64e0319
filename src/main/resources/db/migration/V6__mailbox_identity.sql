-- A mailbox is the one Exchange knows, not an address: a personal mailbox by its user's object id ('user:' || oid), a
-- shared one by its Inbox folder's id ('inbox:' || id), which the delegated .Shared scopes can read. The address is an
-- attribute that may change; a reused address is a new mailbox, so two rows may carry the same address.

ALTER TABLE mailbox ADD COLUMN exchange_identity varchar(512);
ALTER TABLE mailbox DROP CONSTRAINT mailbox_once_per_workspace;
CREATE UNIQUE INDEX mailbox_once_per_exchange_identity ON mailbox (workspace_id, exchange_identity)
    WHERE exchange_identity IS NOT NULL;
CREATE INDEX mailbox_by_address ON mailbox (workspace_id, address);

-- Personal mailboxes take the object id of the Microsoft user connected to them: each user's first row, and of two
-- users that reached one row through a reused address, the one connected first. Shared mailboxes learn theirs lazily:
-- the next sync reads it, and a probe of the same address adopts the row.
UPDATE mailbox m SET exchange_identity = 'user:' || p.microsoft_oid
  FROM (SELECT DISTINCT ON (mailbox_id) mailbox_id, microsoft_oid
          FROM (SELECT DISTINCT ON (workspace_id, microsoft_oid) mailbox_id, microsoft_oid, created_at, id
                  FROM outlook_connection WHERE kind = 'PERSONAL'
                 ORDER BY workspace_id, microsoft_oid, created_at, id) first_row_per_user
         ORDER BY mailbox_id, created_at, id) p
 WHERE m.id = p.mailbox_id;

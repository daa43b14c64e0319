-- Every folder (issue 16 §2). message.folder, sync_cursor.folder and mail_folder.folder name a mail folder of the
-- mailbox: INBOX and SENT as before (Inbox and Sent Items, so existing rows and cursors stay as they are), any other
-- folder by its Graph id. The types only widen (varchar to text is binary-coercible: no rewrite, no index rebuild).
ALTER TABLE message DROP CONSTRAINT IF EXISTS message_folder_check;
ALTER TABLE message ALTER COLUMN folder TYPE text;
ALTER TABLE sync_cursor DROP CONSTRAINT IF EXISTS sync_cursor_folder_check;
ALTER TABLE sync_cursor ALTER COLUMN folder TYPE text;

-- A mailbox's folder tree as Microsoft last listed it (written by sync through messages' MailFolders). path is the
-- folder's place as the mailbox shows it ("Inbox/Customers"); well_known_name is Graph's well-known name where the
-- folder has one (display names are localised: "Gesendete Elemente"); synced_by_default is false for Deleted Items,
-- Junk Email, Drafts and the folders under them. A folder Microsoft no longer lists keeps its row with removed_at.
CREATE TABLE mail_folder (
    mailbox_id         uuid        NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    folder             text        NOT NULL,
    graph_id           text        NOT NULL,
    parent_folder      text,
    well_known_name    varchar(32),
    display_name       text        NOT NULL,
    path               text        NOT NULL,
    synced_by_default  boolean     NOT NULL,
    listed_at          timestamptz NOT NULL,
    removed_at         timestamptz,
    PRIMARY KEY (mailbox_id, folder)
);

-- What a person chose for one connection (written by sync); a folder without a row follows synced_by_default.
CREATE TABLE sync_folder_choice (
    connection_id  uuid        NOT NULL REFERENCES outlook_connection (id) ON DELETE CASCADE,
    folder         text        NOT NULL,
    selected       boolean     NOT NULL,
    chosen_at      timestamptz NOT NULL,
    PRIMARY KEY (connection_id, folder)
);

-- When the connection last listed the mailbox's folder tree (NULL: never; the next run lists it).
ALTER TABLE sync_state ADD COLUMN folders_listed_at timestamptz;

-- Conversations: every message carries the id of its workspace-level thread, computed when sync stores it
-- (messages.control.ConversationThreads). A thread joins what Outlook keeps together in one mailbox (Graph's
-- conversationId) with the same mail in the workspace's other mailboxes (internetMessageId) and the mail it answers or
-- that answers it (the In-Reply-To and References headers). A thread's id comes from conversation_thread (older
-- threads have smaller ids); when a message links two threads, the younger joins the older.

ALTER TABLE message ADD COLUMN thread_id bigint;
CREATE SEQUENCE conversation_thread;

-- What links a message to its thread, per workspace: 'c:<mailbox id>:<conversationId>' (Outlook's conversation in one
-- mailbox) and 'm:<internetMessageId>' (the message itself, and each message it answers or references: a reply stored
-- before its original still finds the thread the original will join).
CREATE TABLE conversation_key (
    workspace_id  varchar(128) NOT NULL,
    key           text         NOT NULL,
    thread_id     bigint       NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX conversation_key_by_thread ON conversation_key (workspace_id, thread_id);

-- A conversation's messages, oldest first, and "has this conversation a newer message" for the keyset listing.
CREATE INDEX message_by_thread ON message (workspace_id, thread_id, received_at, id) INCLUDE (mailbox_id, folder, is_read, removed_at);

-- Messages stored before threads: each mailbox's Outlook conversation becomes a thread (a message without a
-- conversationId is a thread of its own); links across mailboxes are made as new mail arrives and names them.
UPDATE message m SET thread_id = t.thread_id
  FROM (SELECT id, min(id) OVER (PARTITION BY mailbox_id, COALESCE(conversation_id, id::text)) AS thread_id FROM message) t
 WHERE m.id = t.id;

INSERT INTO conversation_key (workspace_id, key, thread_id)
SELECT DISTINCT ON (workspace_id, key) workspace_id, key, thread_id
  FROM (SELECT workspace_id, 'c:' || mailbox_id || ':' || conversation_id AS key, thread_id, id FROM message
         WHERE conversation_id IS NOT NULL
        UNION ALL
        SELECT workspace_id, 'm:' || internet_message_id, thread_id, id FROM message
         WHERE internet_message_id IS NOT NULL) k
 ORDER BY workspace_id, key, id;

-- New threads are numbered after the ones above (which took their first message's id).
SELECT setval('conversation_thread', COALESCE((SELECT max(id) FROM message), 0) + 1, false);

-- The unread listings (GET /api/v1/conversations?unread=true, GET /api/v1/messages?unread=true; issue 16 §1): is_read
-- is only an INCLUDE column of message_newest_first and message_newest_first_in_workspace has no is_read at all, so a
-- range with little unread mail was read to its end (every entry, and its row) to find a page of unread messages.
-- These two hold only what those listings read (NOT is_read AND removed_at IS NULL, the predicate both queries
-- write), in the same order: one range per (mailbox, folder) for a caller of up to 40 mailboxes
-- (MessageQueries.DEFAULT_MERGE_LIMIT), one range per workspace beyond. Their cost on writes: an unread message stored adds one entry to each; a message marked
-- read adds none (its new row version is outside the predicate; the old entry goes with vacuum); one marked unread
-- adds one to each. An is_read change was already a non-HOT update (is_read is in other indexes), so it touched every
-- index of the table before.
CREATE INDEX message_unread_newest_first ON message (mailbox_id, folder, received_at DESC, id DESC)
    WHERE NOT is_read AND removed_at IS NULL;
CREATE INDEX message_unread_newest_first_in_workspace ON message (workspace_id, received_at DESC, id DESC)
    WHERE NOT is_read AND removed_at IS NULL;

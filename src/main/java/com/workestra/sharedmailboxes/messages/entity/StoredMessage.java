package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A message as stored, tagged with its mailbox; {@code body} is only read for a single message. {@code namesContentIds}:
 * its HTML body names a {@code cid:} (inline images, which Exchange does not count in {@code hasAttachments}), known
 * without reading the body.
 */
public record StoredMessage(long id, UUID mailboxId, String mailboxAddress, Folder folder, String graphId, String subject,
                            Recipient from, Recipient sender, List<Recipient> to, List<Recipient> cc, Instant receivedAt,
                            boolean isRead, boolean hasAttachments, String preview, String conversationId,
                            String internetMessageId, String bodyType, String body, Instant removedAt,
                            String removedReason, String movedTo, boolean namesContentIds) {

    /** A message whose body names no {@code cid:}. */
    public StoredMessage(long id, UUID mailboxId, String mailboxAddress, Folder folder, String graphId, String subject,
                         Recipient from, Recipient sender, List<Recipient> to, List<Recipient> cc, Instant receivedAt,
                         boolean isRead, boolean hasAttachments, String preview, String conversationId,
                         String internetMessageId, String bodyType, String body, Instant removedAt,
                         String removedReason, String movedTo) {
        this(id, mailboxId, mailboxAddress, folder, graphId, subject, from, sender, to, cc, receivedAt, isRead, hasAttachments,
                preview, conversationId, internetMessageId, bodyType, body, removedAt, removedReason, movedTo, false);
    }

    /** Whether Exchange has attachments to list for it: files, or inline images its body names. */
    public boolean mayHaveAttachments() {
        return hasAttachments || namesContentIds;
    }

    public boolean isRemoved() {
        return removedAt != null;
    }
}

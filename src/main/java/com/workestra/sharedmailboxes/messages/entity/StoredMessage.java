package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A message as stored, tagged with its mailbox; {@code body} is only read for a single message. */
public record StoredMessage(long id, UUID mailboxId, String mailboxAddress, Folder folder, String graphId, String subject,
                            Recipient from, Recipient sender, List<Recipient> to, List<Recipient> cc, Instant receivedAt,
                            boolean isRead, boolean hasAttachments, String preview, String conversationId,
                            String internetMessageId, String bodyType, String body, Instant removedAt,
                            String removedReason, String movedTo) {

    public boolean isRemoved() {
        return removedAt != null;
    }
}

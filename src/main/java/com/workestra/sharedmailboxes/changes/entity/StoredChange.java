package com.workestra.sharedmailboxes.changes.entity;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of the {@code change} table: its position in its workspace's feed ({@code seq}), and what decides who may see
 * it (the message's mailbox and when it was received; the connection's owner).
 */
public record StoredChange(long seq, Instant at, String type, UUID mailboxId, String mailboxAddress, Long messageId,
                           Long threadId, Instant receivedAt, UUID connectionId, String userId) {

    public static final String CONNECTION_HEALTH = "connection.health";

    public boolean aboutConnection() {
        return CONNECTION_HEALTH.equals(type);
    }

    public Change view() {
        return new Change(Long.toString(seq), at, type, messageId == null ? null : messageId.toString(),
                threadId == null ? null : threadId.toString(), mailboxAddress,
                connectionId == null ? null : connectionId.toString());
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import java.util.UUID;

/** A mailbox whose history a user may read (connected now, or connected before). */
public record ReadableMailbox(UUID id, String address, MailboxKind kind, String displayName) {
}

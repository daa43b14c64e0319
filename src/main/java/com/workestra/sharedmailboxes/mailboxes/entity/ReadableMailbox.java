package com.workestra.sharedmailboxes.mailboxes.entity;

import java.time.Instant;
import java.util.UUID;

/**
 * A mailbox whose messages a user may read: all of them while they hold a working connection to it
 * ({@code readableBefore} null), else those received before their access ended.
 */
public record ReadableMailbox(UUID id, String address, MailboxKind kind, String displayName, Instant readableBefore) {
}

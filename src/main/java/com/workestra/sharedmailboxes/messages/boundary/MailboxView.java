package com.workestra.sharedmailboxes.messages.boundary;

import java.util.UUID;

/** A mailbox the caller can send from and filter by (the From dropdown). */
public record MailboxView(String address, String kind, UUID connectionId, String displayName) {
}

package com.workestra.sharedmailboxes.messages.boundary;

import java.util.UUID;

/** A message or reply went out through this connection (announced in the transaction that recorded it). */
public record MailSent(UUID connectionId) {
}

package com.workestra.sharedmailboxes.messages.boundary;

import java.time.Instant;

public record SignatureView(String mailbox, String contentType, String content, Instant updatedAt) {
}

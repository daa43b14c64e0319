package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;
import java.util.List;

/**
 * One message in a mailbox's Inbox as its recipient sees it: the To and Cc lists are the message's headers, so a
 * Bcc recipient appears on neither.
 */
public record ReceivedMail(String subject, String from, String sender, List<String> to, List<String> cc,
                           String internetMessageId, Instant receivedAt) {
}

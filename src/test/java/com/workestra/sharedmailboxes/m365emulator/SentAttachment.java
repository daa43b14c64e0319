package com.workestra.sharedmailboxes.m365emulator;

/**
 * A file attached to a message the emulated Exchange sent: what arrived, for a test to compare with what it gave.
 *
 * @param internetMessageId the sent message's (its {@link SentMail#internetMessageId()})
 * @param mailbox the mailbox it was sent through
 * @param sha256 the SHA-256 of the bytes received, in hex
 * @param viaUploadSession true when it came through an upload session, false when inline (contentBytes)
 */
public record SentAttachment(String internetMessageId, String mailbox, String subject, String name, String contentType,
        long size, String sha256, boolean viaUploadSession) {
}

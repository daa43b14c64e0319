package com.workestra.sharedmailboxes.m365emulator;

import java.util.List;

/**
 * One message (or the tombstone of a deleted one) in a mailbox folder. {@code inReplyTo} and {@code references} are its
 * In-Reply-To and References headers (RFC 5322 3.6.4; References space-separated), null for a new message. Immutable: a change makes a new
 * record with the mailbox's next change sequence number, which is what delta tokens point at.
 */
record MailMessage(
        long key,
        int folder,
        long seq,
        long createdSeq,
        boolean deleted,
        String subject,
        String bodyContentType,
        String body,
        EmailAddress from,
        EmailAddress sender,
        List<EmailAddress> to,
        List<EmailAddress> cc,
        long receivedMillis,
        long sentMillis,
        long modifiedMillis,
        boolean isRead,
        boolean isDraft,
        String conversationId,
        String internetMessageId,
        String inReplyTo,
        String references) {

    static MailMessage tombstone(MailMessage removed, long seq, long nowMillis) {
        return new MailMessage(removed.key, removed.folder, seq, removed.createdSeq, true, null, null, null, null, null,
                List.of(), List.of(), removed.receivedMillis, removed.sentMillis, nowMillis, false, false, null, null, null, null);
    }

    MailMessage withRead(boolean read, long newSeq, long nowMillis) {
        return new MailMessage(key, folder, newSeq, createdSeq, false, subject, bodyContentType, body, from, sender, to, cc,
                receivedMillis, sentMillis, nowMillis, read, isDraft, conversationId, internetMessageId, inReplyTo, references);
    }

    /** The same message (same key, so the same immutable id) in another folder, new there as of {@code newSeq}. */
    MailMessage movedTo(int targetFolder, long newSeq, long nowMillis) {
        return new MailMessage(key, targetFolder, newSeq, newSeq, false, subject, bodyContentType, body, from, sender, to, cc,
                receivedMillis, sentMillis, nowMillis, isRead, isDraft, conversationId, internetMessageId, inReplyTo, references);
    }

    /** Packs (receivedDateTime, key) into one sortable long: 41 bits of milliseconds, 22 bits of key. */
    long receivedOrder() {
        return (receivedMillis << 22) | key;
    }
}

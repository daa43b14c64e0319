package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;
import java.util.List;

/**
 * One message that left the emulated Exchange through sendMail, reply or replyAll.
 *
 * @param mailbox the mailbox the request addressed (/me resolves to the signed-in user's)
 * @param from the address the message appears to be from
 * @param sender the address that actually sent it (differs from {@code from} for Send on Behalf)
 * @param bcc the blind copies: delivered, but on no recipient's copy (only the sender's request names them)
 * @param inReplyTo the internetMessageId of the message replied to, or null
 * @param savedToSentItemsOf the mailbox whose Sent Items holds the copy, or null when not saved
 */
public record SentMail(
        String mailbox,
        String from,
        String sender,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        String subject,
        String bodyContentType,
        String body,
        String inReplyTo,
        String conversationId,
        String internetMessageId,
        String savedToSentItemsOf,
        Instant sentAt) {
}

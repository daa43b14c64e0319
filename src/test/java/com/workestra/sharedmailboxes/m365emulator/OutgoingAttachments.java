package com.workestra.sharedmailboxes.m365emulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drafts, attachment upload sessions and the files of sent mail, with the limits Exchange Online applies to them:
 * the tenant's maximum message size (35 MB by default, "Attach large files to Outlook messages",
 * https://learn.microsoft.com/graph/outlook-large-attachments, and attachment-createuploadsession.md) and the
 * IncomingBytes limit of 150 MB uploaded per mailbox in 5 minutes (https://learn.microsoft.com/graph/throttling-limits,
 * Outlook service limits). Both can be changed by a test. Thread-safe.
 */
public final class OutgoingAttachments {

    /** Exchange Online's default maximum message size. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 35L * 1024 * 1024;
    /** IncomingBytes: 150 MB per 5 minutes per mailbox. */
    public static final long DEFAULT_INCOMING_BYTES = 150L * 1024 * 1024;
    static final long INCOMING_WINDOW_MILLIS = 5 * 60_000L;

    final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    final Map<String, UploadSession> sessions = new ConcurrentHashMap<>();
    private final List<SentAttachment> sent = new ArrayList<>();
    private final Map<String, Deque<long[]>> incoming = new HashMap<>();
    private volatile long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private volatile long incomingBytesLimit = DEFAULT_INCOMING_BYTES;

    /** The tenant's maximum message size (Set-TransportConfig / mailbox MaxSendSize), attachments included. */
    public void maxMessageBytes(long bytes) {
        maxMessageBytes = bytes;
    }

    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /** The bytes a mailbox may receive through upload sessions in 5 minutes before Graph answers 429. */
    public void incomingBytesPerFiveMinutes(long bytes) {
        incomingBytesLimit = bytes;
    }

    /** Every file of every message sent so far, in order. */
    public synchronized List<SentAttachment> sentAttachments() {
        return List.copyOf(sent);
    }

    /** Drafts not (yet) sent or deleted. */
    public int draftCount() {
        return drafts.size();
    }

    /** Upload sessions open (neither completed nor deleted). */
    public int openUploadSessions() {
        return sessions.size();
    }

    synchronized void sent(Mailbox mailbox, String internetMessageId, String subject, List<DraftEndpoints.Attached> files) {
        for (DraftEndpoints.Attached file : files) {
            sent.add(new SentAttachment(internetMessageId, mailbox.address, subject, file.name(), file.contentType(),
                    file.size(), file.sha256(), file.viaUploadSession()));
        }
    }

    /**
     * Counts {@code bytes} against the mailbox's IncomingBytes budget, or returns how many seconds until the window
     * has room (then nothing is counted).
     */
    synchronized long takeIncoming(String mailboxOid, long bytes, long nowMillis) {
        Deque<long[]> window = incoming.computeIfAbsent(mailboxOid, oid -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst()[0] <= nowMillis - INCOMING_WINDOW_MILLIS) {
            window.pollFirst();
        }
        long used = window.stream().mapToLong(entry -> entry[1]).sum();
        if (used + bytes > incomingBytesLimit) {
            long oldest = window.isEmpty() ? nowMillis : window.peekFirst()[0];
            return Math.max(1, (oldest + INCOMING_WINDOW_MILLIS - nowMillis + 999) / 1000);
        }
        window.addLast(new long[] {nowMillis, bytes});
        return 0;
    }

    /** A message being composed: in no folder the app syncs (the emulator keeps drafts apart from Drafts). */
    static final class Draft {
        final String id;
        final Mailbox mailbox;
        final String subject;
        final String contentType;
        final String content;
        final String fromAddress;
        final List<EmailAddress> to;
        final List<EmailAddress> cc;
        final List<EmailAddress> bcc;
        final String conversationId;
        final String inReplyTo;
        final String references;
        final List<DraftEndpoints.Attached> attachments = new ArrayList<>();

        Draft(String id, Mailbox mailbox, String subject, String contentType, String content, String fromAddress,
                List<EmailAddress> to, List<EmailAddress> cc, List<EmailAddress> bcc, String conversationId, String inReplyTo,
                String references) {
            this.id = id;
            this.mailbox = mailbox;
            this.subject = subject;
            this.contentType = contentType;
            this.content = content;
            this.fromAddress = fromAddress;
            this.to = List.copyOf(to);
            this.cc = List.copyOf(cc);
            this.bcc = List.copyOf(bcc);
            this.conversationId = conversationId;
            this.inReplyTo = inReplyTo;
            this.references = references;
        }

        synchronized long size() {
            return content.length() + attachments.stream().mapToLong(DraftEndpoints.Attached::size).sum();
        }
    }

    /** An upload session of one file attachment to a draft: the bytes received so far, in order, hashed as they come. */
    static final class UploadSession {
        final String id;
        final String token;
        final Draft draft;
        final String name;
        final String contentType;
        final long size;
        final long expiresMillis;
        final java.security.MessageDigest sha256;
        long received;

        UploadSession(String id, String token, Draft draft, String name, String contentType, long size, long expiresMillis) {
            this.id = id;
            this.token = token;
            this.draft = draft;
            this.name = name;
            this.contentType = contentType;
            this.size = size;
            this.expiresMillis = expiresMillis;
            try {
                this.sha256 = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

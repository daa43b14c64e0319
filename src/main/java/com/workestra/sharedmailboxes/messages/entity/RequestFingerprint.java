package com.workestra.sharedmailboxes.messages.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a sending request asked for, as a SHA-256 over its meaning (not its bytes): the same message sent again with
 * other whitespace, field order or recipient spelling ({@code "a@b.c"} or {@code {"address":"a@b.c"}}) has the same
 * fingerprint, any other content another. Each value is written with its length, so no two requests run together.
 */
public final class RequestFingerprint {

    private final StringBuilder text = new StringBuilder(256);

    private RequestFingerprint(String operation) {
        add(operation);
    }

    public static RequestFingerprint of(String operation) {
        return new RequestFingerprint(operation);
    }

    public RequestFingerprint add(String value) {
        if (value == null) {
            text.append("-1:");
        } else {
            text.append(value.length()).append(':').append(value);
        }
        return this;
    }

    public RequestFingerprint add(Boolean value) {
        return add(value == null ? null : value.toString());
    }

    public RequestFingerprint add(List<Recipient> recipients) {
        if (recipients == null) {
            return add((String) null);
        }
        text.append('[').append(recipients.size()).append(']');
        recipients.forEach(recipient -> add(recipient.address()).add(recipient.name()));
        return this;
    }

    /** The files of a multipart request: each one's name, type, size and SHA-256, in order (none adds nothing). */
    public RequestFingerprint addAttachments(List<OutgoingAttachment> attachments) {
        if (attachments == null || attachments.isEmpty()) {
            return this;
        }
        text.append("files[").append(attachments.size()).append(']');
        attachments.forEach(file -> add(file.name()).add(file.contentType()).add(Long.toString(file.size())).add(file.sha256()));
        return this;
    }

    /** The SHA-256 of everything added, in hex. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

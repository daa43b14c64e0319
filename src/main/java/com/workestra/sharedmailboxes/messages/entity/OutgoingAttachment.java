package com.workestra.sharedmailboxes.messages.entity;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file to send with a message, staged on local disk while it goes to Microsoft (never held whole in memory):
 * its name and type as the uploader gave them, its size and SHA-256 (what an Idempotency-Key's request fingerprint
 * includes). The staging area deletes the file after the request.
 */
public record OutgoingAttachment(String name, String contentType, Path file, long size, String sha256) {

    /** Graph's line between a single POST of the attachment and an upload session (outlook-large-attachments.md). */
    public static final long UPLOAD_SESSION_FROM_BYTES = 3L * 1024 * 1024;
    /** The largest file Graph takes through an upload session. */
    public static final long UPLOAD_SESSION_MAX_BYTES = 150L * 1024 * 1024;

    public OutgoingAttachment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(file, "file");
        if (size < 0) {
            throw new IllegalArgumentException("size " + size);
        }
    }

    /** Under 3 MB: one POST with contentBytes (or inline in the message); from 3 MB: an upload session. */
    public boolean needsUploadSession() {
        return size >= UPLOAD_SESSION_FROM_BYTES;
    }
}

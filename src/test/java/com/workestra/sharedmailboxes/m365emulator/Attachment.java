package com.workestra.sharedmailboxes.m365emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * An attachment of a message, as Graph models it (resources/attachment.md and its three kinds): a
 * {@code fileAttachment} (raw bytes, a content type, {@code isInline} and {@code contentId} for images the HTML body
 * shows as {@code cid:}), an {@code itemAttachment} (an attached e-mail, whose {@code $value} is its MIME; Graph gives
 * an item attachment no {@code contentType}) or a {@code referenceAttachment} (a link to a file in the cloud, whose
 * {@code $value} Graph refuses with 405). Immutable; build one with {@link #file}, {@link #inline}, {@link #message} or
 * {@link #reference}. Received mail carries them ({@link Tenant#deliverWithAttachments}); sending may add others.
 */
public record Attachment(Kind kind, String name, String contentType, byte[] content, boolean isInline, String contentId,
                         String sourceUrl, EmbeddedMail item, long lastModifiedMillis) {

    public enum Kind {
        FILE("#microsoft.graph.fileAttachment"),
        ITEM("#microsoft.graph.itemAttachment"),
        REFERENCE("#microsoft.graph.referenceAttachment");

        final String odataType;

        Kind(String odataType) {
            this.odataType = odataType;
        }
    }

    /** The e-mail an item attachment holds: enough to write it as MIME (RFC 5322, one text/plain part). */
    public record EmbeddedMail(String subject, String from, List<String> to, String textBody, long sentMillis,
                               String internetMessageId) {
    }

    public static Attachment file(String name, String contentType, byte[] content) {
        return new Attachment(Kind.FILE, name, contentType, content.clone(), false, null, null, null, 0);
    }

    /** An image the HTML body shows as {@code <img src="cid:{contentId}">}. */
    public static Attachment inline(String name, String contentType, byte[] content, String contentId) {
        return new Attachment(Kind.FILE, name, contentType, content.clone(), true, contentId, null, null, 0);
    }

    /** An attached e-mail (Outlook's "attach item"), named by its subject as Outlook names it. */
    public static Attachment message(String subject, String from, List<String> to, String textBody) {
        return new Attachment(Kind.ITEM, subject, null, null, false, null, null,
                new EmbeddedMail(subject, from, List.copyOf(to), textBody, 0,
                        "<" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "@emulator.invalid>"), 0);
    }

    /** A link to a file in OneDrive or SharePoint. */
    public static Attachment reference(String name, String contentType, String sourceUrl) {
        return new Attachment(Kind.REFERENCE, name, contentType, null, false, null, sourceUrl, null, 0);
    }

    /** The same attachment as it was delivered at {@code millis} (the item's Date header, lastModifiedDateTime). */
    Attachment deliveredAt(long millis) {
        EmbeddedMail mail = item == null ? null : new EmbeddedMail(item.subject(), item.from(), item.to(), item.textBody(),
                millis, item.internetMessageId());
        return new Attachment(kind, name, contentType, content, isInline, contentId, sourceUrl, mail, millis);
    }

    /** What {@code $value} returns: a file's bytes, an item's MIME. */
    byte[] rawValue() {
        if (kind == Kind.FILE) {
            return content.clone();
        }
        if (kind == Kind.ITEM) {
            String mime = "From: " + item.from() + "\r\n"
                    + "To: " + String.join(", ", item.to()) + "\r\n"
                    + "Subject: " + item.subject() + "\r\n"
                    + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                    .format(Instant.ofEpochMilli(item.sentMillis()).atOffset(ZoneOffset.UTC)) + "\r\n"
                    + "Message-ID: " + item.internetMessageId() + "\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=\"utf-8\"\r\n"
                    + "Content-Transfer-Encoding: 8bit\r\n"
                    + "\r\n"
                    + item.textBody() + "\r\n";
            return mime.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalStateException("a reference attachment has no raw value");
    }

    /** Graph's {@code size}: the file's length; for an item, the length of its MIME. */
    long size() {
        return switch (kind) {
            case FILE -> content.length;
            case ITEM -> rawValue().length;
            case REFERENCE -> 0;
        };
    }
}

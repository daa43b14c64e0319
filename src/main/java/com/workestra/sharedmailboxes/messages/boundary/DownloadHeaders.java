package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.Attachment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The headers an attachment downloads with. The name comes from the mail's sender, so it is made harmless: no path, no
 * control characters (no CR/LF to split the header), no quotes or backslashes, at most 200 characters; RFC 6266's
 * {@code filename*=UTF-8''…} (RFC 8187 percent-encoding) carries it exactly, and a plain {@code filename="…"} with
 * non-ASCII replaced serves old clients. The content type is Exchange's when it is a well-formed media type, else
 * {@code application/octet-stream}; an attached e-mail is {@code message/rfc822} and ends in {@code .eml} (an event
 * {@code text/calendar}, {@code .ics}; a contact {@code text/vcard}, {@code .vcf}): Graph's {@code $value} is their MIME.
 */
final class DownloadHeaders {

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]{0,126}");
    private static final int MAX_NAME = 200;

    private DownloadHeaders() {
    }

    static String contentType(Attachment attachment, String itemType) {
        if (attachment.isItem()) {
            return switch (itemType == null ? "message" : itemType) {
                case "event" -> "text/calendar";
                case "contact" -> "text/vcard";
                default -> "message/rfc822";
            };
        }
        String type = attachment.contentType() == null ? "" : attachment.contentType().trim();
        int parameters = type.indexOf(';');
        String bare = parameters < 0 ? type : type.substring(0, parameters).trim();
        return MEDIA_TYPE.matcher(bare).matches() ? bare.toLowerCase(Locale.ROOT) : "application/octet-stream";
    }

    static String fileName(Attachment attachment, String itemType) {
        String name = attachment.name() == null ? "" : attachment.name();
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        StringBuilder kept = new StringBuilder();
        name.codePoints().filter(c -> !Character.isISOControl(c) && c != '"' && c != '\\' && c != ';'
                        && Character.getType(c) != Character.FORMAT && Character.getType(c) != Character.LINE_SEPARATOR
                        && Character.getType(c) != Character.PARAGRAPH_SEPARATOR)
                .forEach(kept::appendCodePoint);
        name = kept.toString().strip();
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.isBlank()) {
            name = "attachment";
        }
        if (attachment.isItem()) {
            String extension = switch (itemType == null ? "message" : itemType) {
                case "event" -> ".ics";
                case "contact" -> ".vcf";
                default -> ".eml";
            };
            if (!name.toLowerCase(Locale.ROOT).endsWith(extension)) {
                name = name + extension;
            }
        }
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME));
        }
        return name;
    }

    /** {@code attachment; filename="ascii"; filename*=UTF-8''encoded} for a name from {@link #fileName}. */
    static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder();
        fileName.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded(fileName);
    }

    /** RFC 8187 value-chars: attr-char stays, every other octet of the UTF-8 is %XX. */
    private static String encoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}

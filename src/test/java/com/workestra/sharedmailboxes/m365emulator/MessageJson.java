package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes messages in Graph's message resource shape (property order as Graph sends them), honouring
 * $select: the id is always written, and delta items carry @odata.type and @odata.etag.
 */
final class MessageJson {

    private MessageJson() {
    }

    static Set<String> parseSelect(String select) {
        if (select == null || select.isBlank()) {
            return null;
        }
        Set<String> fields = new java.util.HashSet<>();
        for (String field : select.split(",")) {
            String trimmed = field.trim();
            if (!trimmed.isEmpty()) {
                fields.add(trimmed.toLowerCase(Locale.ROOT));
            }
        }
        return fields;
    }

    private static boolean wants(Set<String> select, String field) {
        return select == null || select.contains(field.toLowerCase(Locale.ROOT));
    }

    static void write(JsonGenerator json, Mailbox mailbox, MailMessage message, boolean immutable, Set<String> select,
            boolean deltaItem) throws IOException {
        String id = MessageIds.message(mailbox.number, message.key(), immutable);
        json.writeStartObject();
        if (deltaItem) {
            json.writeStringField("@odata.type", "#microsoft.graph.message");
        }
        if (message.deleted()) {
            json.writeStringField("id", id);
            json.writeObjectFieldStart("@removed");
            json.writeStringField("reason", "deleted");
            json.writeEndObject();
            json.writeEndObject();
            return;
        }
        String changeKey = MessageIds.changeKey(message.seq());
        json.writeStringField("@odata.etag", "W/\"" + changeKey + "\"");
        json.writeStringField("id", id);
        if (wants(select, "createdDateTime")) {
            json.writeStringField("createdDateTime", Json.seconds(Instant.ofEpochMilli(message.receivedMillis())));
        }
        if (wants(select, "lastModifiedDateTime")) {
            json.writeStringField("lastModifiedDateTime", Json.seconds(Instant.ofEpochMilli(message.modifiedMillis())));
        }
        if (wants(select, "changeKey")) {
            json.writeStringField("changeKey", changeKey);
        }
        if (wants(select, "categories")) {
            json.writeArrayFieldStart("categories");
            json.writeEndArray();
        }
        if (wants(select, "receivedDateTime")) {
            json.writeStringField("receivedDateTime", Json.seconds(Instant.ofEpochMilli(message.receivedMillis())));
        }
        if (wants(select, "sentDateTime")) {
            json.writeStringField("sentDateTime", Json.seconds(Instant.ofEpochMilli(message.sentMillis())));
        }
        if (wants(select, "hasAttachments")) {
            // Exchange counts only attachments that are not inline (a message whose only attachments are inline images
            // has hasAttachments false).
            json.writeBooleanField("hasAttachments", mailbox.attachments.getOrDefault(message.key(), java.util.List.of())
                    .stream().anyMatch(attachment -> !attachment.isInline()));
        }
        if (wants(select, "internetMessageId")) {
            json.writeStringField("internetMessageId", message.internetMessageId());
        }
        if (wants(select, "subject")) {
            json.writeStringField("subject", message.subject());
        }
        if (wants(select, "bodyPreview")) {
            json.writeStringField("bodyPreview", preview(message));
        }
        if (wants(select, "importance")) {
            json.writeStringField("importance", "normal");
        }
        if (wants(select, "parentFolderId")) {
            json.writeStringField("parentFolderId", mailbox.folders.get(message.folder()).id);
        }
        if (wants(select, "conversationId")) {
            json.writeStringField("conversationId", message.conversationId());
        }
        if (wants(select, "isDeliveryReceiptRequested")) {
            json.writeBooleanField("isDeliveryReceiptRequested", false);
        }
        if (wants(select, "isReadReceiptRequested")) {
            json.writeBooleanField("isReadReceiptRequested", false);
        }
        if (wants(select, "isRead")) {
            json.writeBooleanField("isRead", message.isRead());
        }
        if (wants(select, "isDraft")) {
            json.writeBooleanField("isDraft", message.isDraft());
        }
        if (wants(select, "webLink")) {
            json.writeStringField("webLink", "https://outlook.office365.com/owa/?ItemID=" + id
                    + "&exvsurl=1&viewmodel=ReadMessageItem");
        }
        if (wants(select, "inferenceClassification")) {
            json.writeStringField("inferenceClassification", "focused");
        }
        // Returned only when selected (message resource: "Returned only on applying a $select query option"), list,
        // get and delta alike. The copy in Sent Items never went through transport and comes without them, as
        // reported from Microsoft 365 (microsoft-graph-docs#18761): its conversationId is what threads it.
        if (select != null && select.contains("internetmessageheaders") && message.folder() != Mailbox.SENT_ITEMS) {
            json.writeArrayFieldStart("internetMessageHeaders");
            header(json, "Message-ID", message.internetMessageId());
            if (message.inReplyTo() != null) {
                header(json, "In-Reply-To", message.inReplyTo());
                header(json, "References", message.references() != null ? message.references() : message.inReplyTo());
            }
            json.writeEndArray();
        }
        if (wants(select, "body")) {
            json.writeObjectFieldStart("body");
            json.writeStringField("contentType", message.bodyContentType());
            json.writeStringField("content", message.body());
            json.writeEndObject();
        }
        if (wants(select, "sender")) {
            recipient(json, "sender", message.sender());
        }
        if (wants(select, "from")) {
            recipient(json, "from", message.from());
        }
        if (wants(select, "toRecipients")) {
            recipients(json, "toRecipients", message.to());
        }
        if (wants(select, "ccRecipients")) {
            recipients(json, "ccRecipients", message.cc());
        }
        if (wants(select, "bccRecipients")) {
            recipients(json, "bccRecipients", List.of());
        }
        if (wants(select, "replyTo")) {
            recipients(json, "replyTo", List.of());
        }
        if (wants(select, "flag")) {
            json.writeObjectFieldStart("flag");
            json.writeStringField("flagStatus", "notFlagged");
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void header(JsonGenerator json, String name, String value) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("value", value);
        json.writeEndObject();
    }

    private static void recipient(JsonGenerator json, String field, EmailAddress address) throws IOException {
        if (address == null) {
            json.writeNullField(field);
            return;
        }
        json.writeObjectFieldStart(field);
        emailAddress(json, address);
        json.writeEndObject();
    }

    private static void recipients(JsonGenerator json, String field, List<EmailAddress> addresses) throws IOException {
        json.writeArrayFieldStart(field);
        for (EmailAddress address : addresses) {
            json.writeStartObject();
            emailAddress(json, address);
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void emailAddress(JsonGenerator json, EmailAddress address) throws IOException {
        json.writeObjectFieldStart("emailAddress");
        json.writeStringField("name", address.name());
        json.writeStringField("address", address.address());
        json.writeEndObject();
    }

    /** Graph's bodyPreview: the first 255 characters of the body's text. */
    static String preview(MailMessage message) {
        String text = message.body() == null ? "" : message.body();
        if ("html".equalsIgnoreCase(message.bodyContentType())) {
            text = Html.unescape(text.replaceAll("<[^>]*>", " ")).replaceAll("\\s+", " ").trim();
        }
        return text.length() <= 255 ? text : text.substring(0, 255);
    }
}

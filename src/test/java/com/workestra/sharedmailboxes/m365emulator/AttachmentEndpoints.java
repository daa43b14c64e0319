package com.workestra.sharedmailboxes.m365emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The attachments of a received message, read side: {@code GET …/messages/{id}/attachments} (list),
 * {@code …/attachments/{id}} (one, with {@code $expand=microsoft.graph.itemAttachment/item}) and
 * {@code …/attachments/{id}/$value} (raw content), as Microsoft documents them:
 * <ul>
 * <li>https://learn.microsoft.com/en-us/graph/api/message-list-attachments and
 * https://learn.microsoft.com/en-us/graph/api/attachment-get: {@code $value} gives a file's bytes with its content type,
 * an item's MIME; a reference attachment's {@code $value} is 405.</li>
 * <li>Without {@code $select} a fileAttachment carries {@code contentBytes} (base64). {@code contentId} is a property of
 * fileAttachment only: unqualified in {@code $select} Graph answers 400 "Could not find a property named 'contentId' on
 * type 'microsoft.graph.attachment'" (microsoft-graph-explorer-v4 issue 3916); {@code microsoft.graph.fileAttachment/contentId}
 * is how clients ask for it (OData's type cast).</li>
 * <li>An unknown attachment id: 404 ErrorItemNotFound, as for an unknown message; a malformed one 400
 * ErrorInvalidIdMalformed.</li>
 * </ul>
 * Writing attachments (upload sessions, POST) is not here.
 */
final class AttachmentEndpoints {

    private static final Set<String> BASE_PROPERTIES = Set.of("id", "name", "contenttype", "size", "isinline",
            "lastmodifieddatetime");
    private static final Set<String> FILE_PROPERTIES = Set.of("contentid", "contentlocation", "contentbytes");
    private static final String FILE_CAST = "microsoft.graph.fileattachment/";
    private static final String ITEM_EXPAND = "microsoft.graph.itemattachment/item";

    private final String graphBase;

    AttachmentEndpoints(String baseUrl) {
        this.graphBase = baseUrl + "/v1.0";
    }

    /** Graph-like opaque id of the {@code index}-th attachment of a message (url-safe base64, padded as Exchange's are). */
    static String id(Mailbox mailbox, long messageKey, int index) {
        return "AAMkAtt" + Base64.getUrlEncoder().encodeToString(("att:" + mailbox.number + ":" + messageKey + ":" + index)
                .getBytes(StandardCharsets.UTF_8));
    }

    void handle(HttpCall call, TargetMailbox target, Mailbox mailbox, MailMessage message, GraphRequest request, int at) {
        if (!call.method.equals("GET")) {
            throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
        }
        List<Attachment> attachments = mailbox.attachments.getOrDefault(message.key(), List.of());
        int remaining = request.size() - at;
        if (remaining == 0) {
            Set<String> select = select(call.option("$select"));
            List<Map<String, Object>> value = new ArrayList<>();
            for (int i = 0; i < attachments.size(); i++) {
                value.add(json(id(mailbox, message.key(), i), attachments.get(i), select, false));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("@odata.context", graphBase + "/$metadata#users('" + target.contextId() + "')/messages('"
                    + MessageIds.message(mailbox.number, message.key(), true) + "')/attachments");
            body.put("value", value);
            call.respondJson(200, body);
            return;
        }
        String attachmentId = request.get(at);
        int index = index(mailbox, message, attachmentId);
        if (index < 0 || index >= attachments.size()) {
            throw GraphException.itemNotFound();
        }
        Attachment attachment = attachments.get(index);
        if (remaining == 1) {
            String expand = call.option("$expand");
            boolean item = expand != null && expand.trim().toLowerCase(Locale.ROOT).startsWith(ITEM_EXPAND);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("@odata.context", graphBase + "/$metadata#users('" + target.contextId() + "')/messages('"
                    + MessageIds.message(mailbox.number, message.key(), true) + "')/attachments/$entity");
            body.putAll(json(attachmentId, attachment, select(call.option("$select")), item));
            call.respondJson(200, body);
            return;
        }
        if (remaining == 2 && request.get(at + 1).equals("$value")) {
            if (attachment.kind() == Attachment.Kind.REFERENCE) {
                // attachment-get: "Attempting to get the $value of a reference attachment returns HTTP 405." (code undocumented)
                throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
            }
            String type = attachment.kind() == Attachment.Kind.FILE && attachment.contentType() != null
                    ? attachment.contentType() : "application/octet-stream";
            call.respond(200, type, attachment.rawValue());
            return;
        }
        throw GraphException.noResource(request.get(at + 1));
    }

    /** The attachment's index on this message, or -1 when the id names another message's; 400 when not an id at all. */
    private static int index(Mailbox mailbox, MailMessage message, String attachmentId) {
        if (!attachmentId.startsWith("AAMkAtt")) {
            throw new GraphException(400, "ErrorInvalidIdMalformed", "Id is malformed.");
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(attachmentId.substring(7)), StandardCharsets.UTF_8)
                    .split(":");
            if (parts.length != 4 || !parts[0].equals("att")) {
                throw new GraphException(400, "ErrorInvalidIdMalformed", "Id is malformed.");
            }
            if (Integer.parseInt(parts[1]) != mailbox.number || Long.parseLong(parts[2]) != message.key()) {
                return -1;
            }
            return Integer.parseInt(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new GraphException(400, "ErrorInvalidIdMalformed", "Id is malformed.");
        }
    }

    /** The properties asked for (lower case; {@code file:} prefix for fileAttachment casts), or null for all. */
    private static Set<String> select(String option) {
        if (option == null || option.isBlank()) {
            return null;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String raw : option.split(",")) {
            String property = raw.trim().toLowerCase(Locale.ROOT);
            if (property.startsWith(FILE_CAST) && FILE_PROPERTIES.contains(property.substring(FILE_CAST.length()))) {
                wanted.add("file:" + property.substring(FILE_CAST.length()));
            } else if (BASE_PROPERTIES.contains(property)) {
                wanted.add(property);
            } else {
                throw new GraphException(400, "RequestBroker--ParseUri", "Could not find a property named '" + raw.trim()
                        + "' on type 'microsoft.graph.attachment'.");
            }
        }
        return wanted;
    }

    private static Map<String, Object> json(String id, Attachment attachment, Set<String> select, boolean expandItem) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("@odata.type", attachment.kind().odataType);
        json.put("id", id);
        if (select == null || select.contains("lastmodifieddatetime")) {
            json.put("lastModifiedDateTime", Json.seconds(Instant.ofEpochMilli(attachment.lastModifiedMillis())));
        }
        if (select == null || select.contains("name")) {
            json.put("name", attachment.name());
        }
        if (select == null || select.contains("contenttype")) {
            json.put("contentType", attachment.contentType());
        }
        if (select == null || select.contains("size")) {
            json.put("size", attachment.size());
        }
        if (select == null || select.contains("isinline")) {
            json.put("isInline", attachment.isInline());
        }
        if (attachment.kind() == Attachment.Kind.FILE) {
            if (select == null || select.contains("file:contentid")) {
                json.put("contentId", attachment.contentId());
            }
            if (select == null || select.contains("file:contentlocation")) {
                json.put("contentLocation", null);
            }
            if (select == null || select.contains("file:contentbytes")) {
                json.put("contentBytes", Base64.getEncoder().encodeToString(attachment.content()));
            }
        }
        if (expandItem && attachment.kind() == Attachment.Kind.ITEM) {
            Attachment.EmbeddedMail mail = attachment.item();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("@odata.type", "#microsoft.graph.message");
            item.put("id", "");
            item.put("sentDateTime", Json.seconds(Instant.ofEpochMilli(mail.sentMillis())));
            item.put("hasAttachments", false);
            item.put("internetMessageId", mail.internetMessageId());
            item.put("subject", mail.subject());
            item.put("body", Map.of("contentType", "text", "content", mail.textBody()));
            item.put("from", Map.of("emailAddress", Map.of("name", mail.from(), "address", mail.from())));
            item.put("toRecipients", mail.to().stream()
                    .map(to -> Map.of("emailAddress", Map.of("name", to, "address", to))).toList());
            json.put("item", item);
        }
        return json;
    }
}

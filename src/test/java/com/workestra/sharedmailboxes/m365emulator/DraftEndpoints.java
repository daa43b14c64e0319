package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Drafts and their file attachments, as Graph documents them:
 * <ul>
 * <li>{@code POST .../messages} creates a draft: 201 with the message (user-post-messages.md);</li>
 * <li>{@code POST .../messages/{id}/createReply|createReplyAll|createForward}: 201 with the draft reply or forward, the
 * comment above the quoted original, in its thread (message-createreply.md, message-createforward.md);</li>
 * <li>{@code POST .../messages/{id}/attachments} with a fileAttachment's contentBytes: 201 (message-post-attachments.md);</li>
 * <li>{@code POST .../messages/{id}/attachments/createUploadSession}: 201 with uploadUrl, expirationDateTime and
 * nextExpectedRanges ["0-"]; files under 3 MB get 400 ErrorAttachmentSizeShouldNotBeLessThanMinimumSize, other kinds
 * than file 405 ErrorAttachmentSessionIsSupportedOnlyForFileAttachments (attachment-createuploadsession.md,
 * outlook-large-attachments.md, microsoft-graph-docs-contrib issue 710); the PUTs are {@link UploadSessionEndpoint}'s;</li>
 * <li>{@code POST .../messages/{id}/send}: 202, sent as sendMail sends (message-send.md);</li>
 * <li>{@code DELETE .../messages/{id}} of a draft: 204.</li>
 * </ul>
 * A message over the tenant's maximum size (attachments included) is Exchange's 400 ErrorMessageSizeExceeded "The
 * message exceeds the maximum supported size." (seen when adding an attachment and during an upload: microsoft-graph-docs
 * issue 15579, motze92/office365-mail issue 39); the emulator checks it when a file is added or a session is created
 * (its declared size). A request body over 4 MB is Graph's 413 "The maximum request length supported is 4MB."
 * (microsoft-graph-docs-contrib issue 682, msgraph-sdk-powershell issue 1554).
 */
final class DraftEndpoints {

    static final long UPLOAD_SESSION_MIN_BYTES = 3L * 1024 * 1024;
    static final long UPLOAD_SESSION_MAX_BYTES = 150L * 1024 * 1024;
    static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    private static final long SESSION_LIFETIME_MILLIS = 15 * 60_000L;

    /** A file on a draft or a sent message: its name, type, size and SHA-256. */
    record Attached(String name, String contentType, long size, String sha256, boolean viaUploadSession) {
    }

    private final Tenant tenant;
    private final SendMailEndpoints sending;
    private final String baseUrl;

    DraftEndpoints(Tenant tenant, SendMailEndpoints sending, String baseUrl) {
        this.tenant = tenant;
        this.sending = sending;
        this.baseUrl = baseUrl;
    }

    private OutgoingAttachments state() {
        return tenant.outgoingAttachments();
    }

    void create(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox) {
        tenant.requireMailWrite(caller, target.recipient());
        requireRequestSize(call);
        JsonNode message = call.jsonObject();
        JsonNode bodyNode = Json.field(message, "body");
        String contentType = bodyNode == null ? "text" : SendMailEndpoints.normalizeContentType(Json.text(bodyNode, "contentType"));
        String content = bodyNode == null ? "" : SendMailEndpoints.nullToEmpty(Json.text(bodyNode, "content"));
        OutgoingAttachments.Draft draft = new OutgoingAttachments.Draft(newId(), mailbox,
                SendMailEndpoints.nullToEmpty(Json.text(message, "subject")), contentType, content,
                SendMailEndpoints.addressOf(Json.field(message, "from")),
                SendMailEndpoints.recipients(Json.field(message, "toRecipients")),
                SendMailEndpoints.recipients(Json.field(message, "ccRecipients")),
                SendMailEndpoints.recipients(Json.field(message, "bccRecipients")), Tenant.newConversationId(), null, null);
        for (Attached attached : inlineAttachments(tenant, mailbox, message, 0)) {
            draft.attachments.add(attached);
        }
        state().drafts.put(draft.id, draft);
        call.respondJson(201, view(draft));
    }

    /** createReply, createReplyAll ({@code replyAll}) and createForward ({@code forward}). */
    void createAnswer(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String messageId,
            boolean replyAll, boolean forward) {
        tenant.requireMailWrite(caller, target.recipient());
        MailMessage original = MessageEndpoints.find(mailbox, messageId);
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        List<EmailAddress> to = SendMailEndpoints.recipients(Json.field(message, "toRecipients"));
        List<EmailAddress> cc = SendMailEndpoints.recipients(Json.field(message, "ccRecipients"));
        List<EmailAddress> bcc = SendMailEndpoints.recipients(Json.field(message, "bccRecipients"));
        if (forward) {
            to.addAll(SendMailEndpoints.recipients(Json.field(body, "toRecipients")));
        } else {
            to = SendMailEndpoints.replyTo(mailbox, original, message, replyAll, to, cc);
        }
        SendMailEndpoints.Answer answer = SendMailEndpoints.answerOf(original, forward ? "FW: " : "RE: ",
                SendMailEndpoints.comment(body, message), !forward);
        OutgoingAttachments.Draft draft = new OutgoingAttachments.Draft(newId(), mailbox, answer.subject(), "html",
                answer.content(), SendMailEndpoints.addressOf(Json.field(message, "from")), to, cc, bcc,
                original.conversationId(), answer.inReplyTo(), answer.references());
        state().drafts.put(draft.id, draft);
        call.respondJson(201, view(draft));
    }

    void addAttachment(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String draftId) {
        tenant.requireMailWrite(caller, target.recipient());
        OutgoingAttachments.Draft draft = draft(mailbox, draftId);
        requireRequestSize(call);
        Attached attached = fileAttachment(call.jsonObject());
        synchronized (draft) {
            requireFits(draft, attached.size());
            draft.attachments.add(attached);
        }
        ObjectNode view = Json.object();
        view.put("@odata.type", "#microsoft.graph.fileAttachment");
        view.put("id", newId());
        view.put("name", attached.name());
        view.put("contentType", attached.contentType());
        view.put("size", attached.size());
        view.put("isInline", false);
        call.respondJson(201, view);
    }

    void createUploadSession(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String draftId) {
        tenant.requireMailWrite(caller, target.recipient());
        OutgoingAttachments.Draft draft = draft(mailbox, draftId);
        JsonNode item = Json.field(call.jsonObject(), "attachmentItem");
        if (item == null || !item.isObject()) {
            throw GraphException.badRequest("The value of the parameter 'AttachmentItem' is empty.");
        }
        String type = Json.text(item, "attachmentType");
        if (type != null && !type.equalsIgnoreCase("file")) {
            throw new GraphException(405, "ErrorAttachmentSessionIsSupportedOnlyForFileAttachments",
                    "Unsupported Attachment type specified. Only File attachments can be uploaded using an Upload Session.");
        }
        JsonNode sizeNode = Json.field(item, "size");
        long size = sizeNode == null ? -1 : sizeNode.asLong(-1);
        String name = Json.text(item, "name");
        if (name == null || name.isBlank() || size < 0) {
            throw GraphException.badRequest("The attachment item needs a name and a size.");
        }
        if (size < UPLOAD_SESSION_MIN_BYTES) {
            throw new GraphException(400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                    "Attachment size should not be less than 3 MB."); // the code is documented, the message is the emulator's
        }
        if (size > UPLOAD_SESSION_MAX_BYTES) {
            // No documented code for a file over 150 MB; no tenant lets a message be larger, so it is the size error.
            throw messageTooLarge();
        }
        synchronized (draft) {
            requireFits(draft, size);
        }
        String contentType = Json.text(item, "contentType");
        long expires = System.currentTimeMillis() + SESSION_LIFETIME_MILLIS;
        OutgoingAttachments.UploadSession session = new OutgoingAttachments.UploadSession(newId(), UUID.randomUUID().toString(),
                draft, name, contentType == null ? "application/octet-stream" : contentType, size, expires);
        state().sessions.put(session.id, session);
        ObjectNode view = Json.object();
        view.put("@odata.context", baseUrl + "/v1.0/$metadata#microsoft.graph.uploadSession");
        view.put("uploadUrl", UploadSessionEndpoint.url(baseUrl, mailbox, draft, session));
        view.put("expirationDateTime", Json.sevenDigits(Instant.ofEpochMilli(expires)));
        view.putArray("nextExpectedRanges").add("0-");
        call.respondJson(201, view);
    }

    void send(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String draftId) {
        OutgoingAttachments.Draft draft = draft(mailbox, draftId);
        Tenant.Sending sendingAs = tenant.requireSend(caller, target.recipient(), draft.fromAddress);
        if (draft.to.isEmpty() && draft.cc.isEmpty() && draft.bcc.isEmpty()) {
            throw new GraphException(400, "ErrorInvalidRecipients",
                    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        }
        List<Attached> attachments;
        synchronized (draft) {
            if (draft.size() > state().maxMessageBytes()) {
                throw messageTooLarge();
            }
            attachments = List.copyOf(draft.attachments);
        }
        state().drafts.remove(draft.id);
        state().sessions.values().removeIf(session -> session.draft == draft);
        String internetMessageId = sending.submit(mailbox, sendingAs, draft.to, draft.cc, draft.bcc, draft.subject,
                draft.contentType, draft.content, draft.conversationId, draft.inReplyTo, draft.references, true);
        state().sent(mailbox, internetMessageId, draft.subject, attachments);
        call.respondEmpty(202);
    }

    /** DELETE of a draft: 204. Returns false when the id is not a draft (the caller answers as for other messages). */
    boolean delete(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String draftId) {
        OutgoingAttachments.Draft draft = state().drafts.get(draftId);
        if (draft == null || draft.mailbox != mailbox) {
            return false;
        }
        tenant.requireMailWrite(caller, target.recipient());
        state().drafts.remove(draftId);
        state().sessions.values().removeIf(session -> session.draft == draft);
        call.respondEmpty(204);
        return true;
    }

    boolean isDraft(Mailbox mailbox, String id) {
        OutgoingAttachments.Draft draft = state().drafts.get(id);
        return draft != null && draft.mailbox == mailbox;
    }

    /** The fileAttachments of a message in sendMail or a new draft, checked against the tenant's message size. */
    static List<Attached> inlineAttachments(Tenant tenant, Mailbox mailbox, JsonNode message, int requestBytes) {
        JsonNode array = Json.field(message, "attachments");
        List<Attached> attachments = new ArrayList<>();
        if (array == null || !array.isArray() || array.isEmpty()) {
            return attachments;
        }
        if (requestBytes > MAX_REQUEST_BYTES) {
            throw requestTooLarge();
        }
        long total = 0;
        for (JsonNode attachment : array) {
            Attached attached = fileAttachment(attachment);
            total += attached.size();
            attachments.add(attached);
        }
        if (total > tenant.outgoingAttachments().maxMessageBytes()) {
            throw messageTooLarge();
        }
        return attachments;
    }

    private static Attached fileAttachment(JsonNode attachment) {
        String type = Json.text(attachment, "@odata.type");
        if (type != null && !type.equalsIgnoreCase("#microsoft.graph.fileAttachment")) {
            throw GraphException.badRequest("The emulator takes file attachments only (" + type + ").");
        }
        String name = Json.text(attachment, "name");
        String base64 = Json.text(attachment, "contentBytes");
        if (name == null || base64 == null) {
            throw new GraphException(400, "ErrorInvalidProperty", "A file attachment needs a name and contentBytes.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw GraphException.badRequest("Invalid value for contentBytes.");
        }
        String contentType = Json.text(attachment, "contentType");
        return new Attached(name, contentType == null ? "application/octet-stream" : contentType, bytes.length, sha256(bytes),
                false);
    }

    private void requireFits(OutgoingAttachments.Draft draft, long more) {
        if (draft.size() + more > state().maxMessageBytes()) {
            throw messageTooLarge();
        }
    }

    static GraphException messageTooLarge() {
        return new GraphException(400, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
    }

    private static GraphException requestTooLarge() {
        return new GraphException(413, "BadRequest", "The maximum request length supported is 4MB.");
    }

    private static void requireRequestSize(HttpCall call) {
        if (call.body().length > MAX_REQUEST_BYTES) {
            throw requestTooLarge();
        }
    }

    private OutgoingAttachments.Draft draft(Mailbox mailbox, String id) {
        OutgoingAttachments.Draft draft = state().drafts.get(id);
        if (draft == null || draft.mailbox != mailbox) {
            throw GraphException.itemNotFound();
        }
        return draft;
    }

    private static ObjectNode view(OutgoingAttachments.Draft draft) {
        ObjectNode view = Json.object();
        view.put("@odata.type", "#microsoft.graph.message");
        view.put("id", draft.id);
        view.put("subject", draft.subject);
        view.put("isDraft", true);
        view.put("conversationId", draft.conversationId);
        ObjectNode body = view.putObject("body");
        body.put("contentType", draft.contentType);
        body.put("content", draft.content);
        return view;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newId() {
        return "AAMkAD" + UUID.randomUUID().toString().replace("-", "") + "=";
    }
}

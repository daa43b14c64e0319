package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .../sendMail} and {@code .../messages/{id}/reply|replyAll|forward}: 202, the copy in the sending mailbox's Sent Items
 * (unless {@code saveToSentItems} is false), delivery to the recipients the tenant has, and a record of what was sent.
 * Who may send as whom is the tenant's rule ({@link Tenant#requireSend}).
 */
final class SendMailEndpoints {

    private final Tenant tenant;

    SendMailEndpoints(Tenant tenant) {
        this.tenant = tenant;
    }

    void sendMail(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox) {
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        if (message == null || !message.isObject()) {
            throw new GraphException(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.");
        }
        JsonNode save = Json.field(body, "saveToSentItems");
        boolean saveToSentItems = save == null || save.isNull() || save.asBoolean(true);
        List<EmailAddress> to = recipients(Json.field(message, "toRecipients"));
        List<EmailAddress> cc = recipients(Json.field(message, "ccRecipients"));
        List<EmailAddress> bcc = recipients(Json.field(message, "bccRecipients"));
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new GraphException(400, "ErrorInvalidRecipients",
                    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        }
        Tenant.Sending sending = tenant.requireSend(caller, target.recipient(), addressOf(Json.field(message, "from")));
        JsonNode bodyNode = Json.field(message, "body");
        String contentType = bodyNode == null ? "text" : normalizeContentType(Json.text(bodyNode, "contentType"));
        String content = bodyNode == null ? "" : nullToEmpty(Json.text(bodyNode, "content"));
        String subject = nullToEmpty(Json.text(message, "subject"));
        List<DraftEndpoints.Attached> attachments = DraftEndpoints.inlineAttachments(tenant, mailbox, message,
                call.body().length);
        String internetMessageId = submit(mailbox, sending, to, cc, bcc, subject, contentType, content,
                Tenant.newConversationId(), null, null, saveToSentItems);
        tenant.outgoingAttachments().sent(mailbox, internetMessageId, subject, attachments);
        call.respondEmpty(202);
    }

    /**
     * reply and replyAll: {@code comment} or the {@code message}'s body (both: 400, as Graph documents), above the quoted
     * original; the {@code message}'s writable properties (toRecipients, ccRecipients, bccRecipients, from) apply to the
     * reply. Without toRecipients, reply answers the sender, replyAll also every To and Cc recipient but the mailbox itself.
     */
    void reply(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String messageId,
            boolean replyAll) {
        MailMessage original = MessageEndpoints.find(mailbox, messageId);
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        Tenant.Sending sending = tenant.requireSend(caller, target.recipient(), addressOf(Json.field(message, "from")));
        List<EmailAddress> to = recipients(Json.field(message, "toRecipients"));
        List<EmailAddress> cc = recipients(Json.field(message, "ccRecipients"));
        List<EmailAddress> bcc = recipients(Json.field(message, "bccRecipients"));
        to = replyTo(mailbox, original, message, replyAll, to, cc);
        answer(mailbox, sending, original, "RE: ", comment(body, message), to, cc, bcc, true);
        call.respondEmpty(202);
    }

    /** Whom a reply goes to without toRecipients: the sender; reply all also the To and Cc but the mailbox (added to cc). */
    static List<EmailAddress> replyTo(Mailbox mailbox, MailMessage original, JsonNode message, boolean replyAll,
            List<EmailAddress> to, List<EmailAddress> cc) {
        if (Json.field(message, "toRecipients") == null) {
            to = new ArrayList<>();
            to.add(original.from());
            if (replyAll) {
                for (EmailAddress address : original.to()) {
                    if (!address.address().equalsIgnoreCase(mailbox.address) && !containsAddress(to, address)) {
                        to.add(address);
                    }
                }
                for (EmailAddress address : original.cc()) {
                    if (!address.address().equalsIgnoreCase(mailbox.address) && !containsAddress(cc, address)) {
                        cc.add(address);
                    }
                }
            }
        }
        return to;
    }

    /**
     * forward: the recipients in {@code toRecipients} (at least one, else 400 as Graph answers), or the {@code message}'s
     * recipients; the comment above the forwarded original. Forwarding keeps the conversation, not In-Reply-To.
     */
    void forward(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, String messageId) {
        MailMessage original = MessageEndpoints.find(mailbox, messageId);
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        List<EmailAddress> to = recipients(Json.field(body, "toRecipients"));
        to.addAll(recipients(Json.field(message, "toRecipients")));
        List<EmailAddress> cc = recipients(Json.field(message, "ccRecipients"));
        List<EmailAddress> bcc = recipients(Json.field(message, "bccRecipients"));
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new GraphException(400, "ErrorInvalidRecipients",
                    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        }
        Tenant.Sending sending = tenant.requireSend(caller, target.recipient(), addressOf(Json.field(message, "from")));
        answer(mailbox, sending, original, "FW: ", comment(body, message), to, cc, bcc, false);
        call.respondEmpty(202);
    }

    /** The new text: {@code comment}, or the message's body; both is Graph's 400. */
    static String comment(JsonNode body, JsonNode message) {
        String comment = Json.text(body, "comment");
        JsonNode messageBody = Json.field(message, "body");
        if (comment != null && messageBody != null && !messageBody.isNull()) {
            throw GraphException.badRequest("Specify either a comment or the body property of the message parameter, not both.");
        }
        if (messageBody != null && !messageBody.isNull()) {
            String content = nullToEmpty(Json.text(messageBody, "content"));
            return "html".equalsIgnoreCase(Json.text(messageBody, "contentType")) ? content : Html.escape(content);
        }
        return Html.escape(nullToEmpty(comment));
    }

    /** Sends the reply or forward: the new text above the quoted original, in the original's thread. */
    private void answer(Mailbox mailbox, Tenant.Sending sending, MailMessage original, String prefix, String newHtml,
            List<EmailAddress> to, List<EmailAddress> cc, List<EmailAddress> bcc, boolean isReply) {
        Answer answer = answerOf(original, prefix, newHtml, isReply);
        submit(mailbox, sending, to, cc, bcc, answer.subject(), "html", answer.content(), original.conversationId(),
                answer.inReplyTo(), answer.references(), true);
    }

    /** What a reply or forward carries: the subject with its prefix, the new text above the quoted original, its thread. */
    record Answer(String subject, String content, String inReplyTo, String references) {
    }

    static Answer answerOf(MailMessage original, String prefix, String newHtml, boolean isReply) {
        String subject = original.subject() == null ? prefix : original.subject().regionMatches(true, 0, prefix, 0, prefix.length())
                ? original.subject() : prefix + original.subject();
        String quoted = "html".equalsIgnoreCase(original.bodyContentType()) ? original.body() : Html.escape(original.body());
        String content = "<html><body><div>" + newHtml + "</div><hr><div><b>From:</b> "
                + Html.escape(original.from().name()) + " &lt;" + Html.escape(original.from().address()) + "&gt;<br><b>Subject:</b> "
                + Html.escape(original.subject()) + "</div><div>" + quoted + "</div></body></html>";
        String inReplyTo = null;
        String references = null;
        if (isReply) {
            // RFC 5322 3.6.4: References is the parent's References (or In-Reply-To) followed by the parent's Message-ID.
            String parentReferences = original.references() != null ? original.references() : original.inReplyTo();
            references = parentReferences == null ? original.internetMessageId()
                    : parentReferences + " " + original.internetMessageId();
            inReplyTo = original.internetMessageId();
        }
        return new Answer(subject, content, inReplyTo, references);
    }

    private static boolean containsAddress(List<EmailAddress> list, EmailAddress address) {
        return list.stream().anyMatch(existing -> existing.address().equalsIgnoreCase(address.address()));
    }

    /** Sends: the Sent Items copy, delivery to the tenant's recipients, the record; returns the internetMessageId. */
    String submit(Mailbox mailbox, Tenant.Sending sending, List<EmailAddress> to, List<EmailAddress> cc,
            List<EmailAddress> bcc, String subject, String contentType, String content, String conversationId,
            String inReplyTo, String references, boolean saveToSentItems) {
        long now = tenant.nowMillis();
        String internetMessageId = Tenant.newInternetMessageId(sending.from().address());
        List<EmailAddress> shownTo = List.copyOf(to);
        List<EmailAddress> shownCc = List.copyOf(cc);
        if (saveToSentItems) {
            MailMessage copy = mailbox.add((key, seq) -> new MailMessage(key, Mailbox.SENT_ITEMS, seq, seq, false, subject,
                    contentType, content, sending.from(), sending.sender(), shownTo, shownCc, now, now, now, true, false,
                    conversationId, internetMessageId, inReplyTo, references));
            tenant.fire(mailbox, copy, "created");
        }
        Map<String, Mailbox> deliverTo = new LinkedHashMap<>();
        for (List<EmailAddress> list : List.of(to, cc, bcc)) {
            for (EmailAddress address : list) {
                Recipient recipient = tenant.find(address.address());
                if (recipient != null && recipient.mailbox != null) {
                    deliverTo.putIfAbsent(recipient.oid, recipient.mailbox);
                }
            }
        }
        for (Mailbox recipientMailbox : deliverTo.values()) {
            MailMessage delivered = recipientMailbox.add((key, seq) -> new MailMessage(key, Mailbox.INBOX, seq, seq, false,
                    subject, contentType, content, sending.from(), sending.sender(), shownTo, shownCc, now, now, now,
                    false, false, conversationId, internetMessageId, inReplyTo, references));
            tenant.fire(recipientMailbox, delivered, "created");
        }
        tenant.recordSent(new SentMail(mailbox.address, sending.from().address(), sending.sender().address(),
                addresses(to), addresses(cc), addresses(bcc), subject, contentType, content, inReplyTo, conversationId, internetMessageId,
                saveToSentItems ? mailbox.address : null, Instant.ofEpochMilli(now)));
        return internetMessageId;
    }

    private static List<String> addresses(List<EmailAddress> list) {
        List<String> values = new ArrayList<>(list.size());
        for (EmailAddress address : list) {
            values.add(address.address());
        }
        return List.copyOf(values);
    }

    static List<EmailAddress> recipients(JsonNode array) {
        List<EmailAddress> list = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return list;
        }
        for (JsonNode recipient : array) {
            JsonNode email = Json.field(recipient, "emailAddress");
            String address = Json.text(email, "address");
            if (address == null || address.isBlank() || !address.contains("@")) {
                throw new GraphException(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
            }
            String name = Json.text(email, "name");
            list.add(new EmailAddress(name == null || name.isBlank() ? address : name, address));
        }
        return list;
    }

    static String addressOf(JsonNode recipient) {
        if (recipient == null || recipient.isNull()) {
            return null;
        }
        String address = Json.text(Json.field(recipient, "emailAddress"), "address");
        return address == null || address.isBlank() ? null : address;
    }

    static String normalizeContentType(String value) {
        return value != null && value.equalsIgnoreCase("html") ? "html" : "text";
    }

    static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.List;

/**
 * One item of a delta page: a message as Graph sent it (fields Graph left out are null), or a removal.
 * An item without {@code receivedAt} is a partial update: it changes a message already stored and never creates one.
 * {@code references}: the internetMessageIds this message answers (its In-Reply-To and References headers, when Graph
 * returned them), oldest first; null when unknown.
 */
public record MessageChange(String graphId, boolean removed, String internetMessageId, String conversationId, String subject,
                            Recipient from, Recipient sender, List<Recipient> to, List<Recipient> cc, Instant receivedAt,
                            Boolean isRead, Boolean hasAttachments, String preview, String bodyType, String body,
                            String changeKey, List<String> references) {

    /** A message whose headers were not read. */
    public MessageChange(String graphId, boolean removed, String internetMessageId, String conversationId, String subject,
                         Recipient from, Recipient sender, List<Recipient> to, List<Recipient> cc, Instant receivedAt,
                         Boolean isRead, Boolean hasAttachments, String preview, String bodyType, String body,
                         String changeKey) {
        this(graphId, removed, internetMessageId, conversationId, subject, from, sender, to, cc, receivedAt, isRead,
                hasAttachments, preview, bodyType, body, changeKey, null);
    }

    public static MessageChange removal(String graphId) {
        return new MessageChange(graphId, true, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean isComplete() {
        return !removed && receivedAt != null;
    }

    /** This item, with the fields a later item of the same page carries laid over it (Graph may repeat an item). */
    public MessageChange overlaidWith(MessageChange later) {
        if (later.removed) {
            return later;
        }
        if (removed) {
            return later;
        }
        return new MessageChange(graphId, false,
                pick(later.internetMessageId, internetMessageId), pick(later.conversationId, conversationId),
                pick(later.subject, subject), pick(later.from, from), pick(later.sender, sender), pick(later.to, to),
                pick(later.cc, cc), pick(later.receivedAt, receivedAt), pick(later.isRead, isRead),
                pick(later.hasAttachments, hasAttachments), pick(later.preview, preview), pick(later.bodyType, bodyType),
                pick(later.body, body), pick(later.changeKey, changeKey), pick(later.references, references));
    }

    private static <T> T pick(T later, T earlier) {
        return later != null ? later : earlier;
    }
}

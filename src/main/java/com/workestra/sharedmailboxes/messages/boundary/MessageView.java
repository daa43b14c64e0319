package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.List;

/** API.md's Message, tagged with its mailbox; {@code body} only on the single-message read. */
@JsonbPropertyOrder({"id", "mailbox", "folder", "subject", "from", "sender", "to", "cc", "receivedAt", "isRead", "preview",
        "hasAttachments", "conversationId", "internetMessageId", "removed", "body"})
public record MessageView(String id, String mailbox, String folder, String subject, Recipient from, Recipient sender,
                          List<Recipient> to, List<Recipient> cc, Instant receivedAt, boolean isRead, String preview,
                          boolean hasAttachments, String conversationId, String internetMessageId, boolean removed,
                          BodyView body) {

    public record BodyView(String contentType, String content) {
    }

    public static MessageView of(StoredMessage message) {
        BodyView body = message.body() == null ? null : new BodyView(message.bodyType() == null ? "text" : message.bodyType(), message.body());
        return new MessageView(Long.toString(message.id()), message.mailboxAddress(), message.folder().apiName(), message.subject(),
                message.from(), message.sender(), message.to(), message.cc(), message.receivedAt(), message.isRead(),
                message.preview(), message.hasAttachments(), message.conversationId(), message.internetMessageId(),
                message.isRemoved(), body);
    }
}

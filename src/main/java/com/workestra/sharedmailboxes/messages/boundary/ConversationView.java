package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.Conversation;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.List;

/**
 * API.md's Conversation as the caller sees it: every count, participant and mailbox is of the messages they may read.
 * {@code messages} (oldest first, without bodies) only on the single read, each with its attachments as Exchange listed
 * them for this read (or {@code attachmentsUnavailable} saying why it could not).
 */
@JsonbPropertyOrder({"id", "subject", "participants", "mailboxes", "messageCount", "unreadCount", "lastActivityAt", "preview",
        "messages"})
public record ConversationView(String id, String subject, List<Recipient> participants, List<String> mailboxes,
                               int messageCount, int unreadCount, Instant lastActivityAt, String preview,
                               List<MessageView> messages) {

    static ConversationView summary(Conversation conversation) {
        return new ConversationView(Long.toString(conversation.id()), conversation.subject(), conversation.participants(),
                conversation.mailboxes(), conversation.messageCount(), conversation.unreadCount(),
                conversation.lastActivityAt(), conversation.preview(), null);
    }

    static ConversationView withMessages(Conversation conversation, java.util.Map<Long, Attachments.Listing> attachments) {
        return new ConversationView(Long.toString(conversation.id()), conversation.subject(), conversation.participants(),
                conversation.mailboxes(), conversation.messageCount(), conversation.unreadCount(),
                conversation.lastActivityAt(), conversation.preview(),
                conversation.messages().stream()
                        .map(message -> MessageView.of(message, null,
                                attachments.getOrDefault(message.id(), Attachments.Listing.NONE)))
                        .toList());
    }
}

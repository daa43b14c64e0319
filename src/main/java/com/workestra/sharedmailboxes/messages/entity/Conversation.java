package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A conversation as one caller sees it: the messages of a thread they may read, oldest first, each mail once. The same
 * mail in several of the caller's mailboxes (cc'd to support@ and sales@, or a copy in Inbox and Sent Items) is one
 * message here: it counts once, is unread only while it is unread in every one of them, and each of those mailboxes is
 * listed.
 */
public record Conversation(long id, String subject, List<Recipient> participants, List<String> mailboxes, int messageCount,
                           int unreadCount, Instant lastActivityAt, String preview, List<StoredMessage> messages) {

    /** The conversation {@code id} from the readable messages of its thread, oldest first (null when there are none). */
    public static Conversation of(long id, List<StoredMessage> readable) {
        if (readable.isEmpty()) {
            return null;
        }
        Map<String, List<StoredMessage>> copies = new LinkedHashMap<>();
        TreeSet<String> mailboxes = new TreeSet<>();
        for (StoredMessage message : readable) {
            String mail = message.internetMessageId() == null || message.internetMessageId().isBlank()
                    ? "#" + message.id() : message.internetMessageId();
            copies.computeIfAbsent(mail, key -> new ArrayList<>()).add(message);
            if (message.mailboxAddress() != null) {
                mailboxes.add(message.mailboxAddress());
            }
        }
        List<StoredMessage> messages = new ArrayList<>(copies.size());
        for (List<StoredMessage> same : copies.values()) {
            // The copy shown is one already read, when there is one: someone has answered to it.
            messages.add(same.stream().filter(StoredMessage::isRead).findFirst().orElse(same.get(0)));
        }
        messages.sort((a, b) -> a.receivedAt().equals(b.receivedAt()) ? Long.compare(a.id(), b.id())
                : a.receivedAt().compareTo(b.receivedAt()));
        Map<String, Recipient> participants = new LinkedHashMap<>();
        int unread = 0;
        for (StoredMessage message : messages) {
            add(participants, message.from());
            if (message.to() != null) {
                message.to().forEach(recipient -> add(participants, recipient));
            }
            if (message.cc() != null) {
                message.cc().forEach(recipient -> add(participants, recipient));
            }
            if (!message.isRead()) {
                unread++;
            }
        }
        StoredMessage newest = messages.get(messages.size() - 1);
        return new Conversation(id, messages.get(0).subject(), List.copyOf(participants.values()), List.copyOf(mailboxes),
                messages.size(), unread, newest.receivedAt(), newest.preview(), List.copyOf(messages));
    }

    private static void add(Map<String, Recipient> participants, Recipient recipient) {
        if (recipient == null || recipient.address() == null || recipient.address().isBlank()) {
            return;
        }
        participants.putIfAbsent(recipient.address().trim().toLowerCase(Locale.ROOT), recipient);
    }
}

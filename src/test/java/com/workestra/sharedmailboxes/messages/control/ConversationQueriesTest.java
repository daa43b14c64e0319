package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.entity.Conversation;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conversation listing's SQL against a real PostgreSQL: order, keyset pages, filters, access that ended. */
class ConversationQueriesTest {

    static StoreDatabase database;
    static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");
    static final String READER = "u-reader";
    final MessageStore store = new MessageStore();

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("conversations");
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange mail(String graphId, String conversationId, int minute, boolean read) {
        return new MessageChange(graphId, false, "<" + graphId + "@customer.example>", conversationId, "Thread " + conversationId,
                new Recipient("Customer", "customer@example.com"), null, List.of(new Recipient("Support", "support@acme.test")),
                List.of(), T0.plus(minute, ChronoUnit.MINUTES), read, false, "preview " + graphId, "text", "body", "ck",
                null);
    }

    static InboxQuery query(String workspace, Map<UUID, String> mailboxes, boolean unread, Instant afterAt, Long afterId,
                            int limit, Map<UUID, Instant> before) {
        return new InboxQuery(new ListScope(workspace, READER, mailboxes, before, false), Set.of(Folder.INBOX, Folder.SENT), unread,
                null, false, afterAt, afterId, limit);
    }

    /** The same page for {@link #READER}, by their access rows: one scan of the workspace. */
    static InboxQuery ofReader(String workspace, boolean unread, Instant afterAt, Long afterId, int limit) {
        return new InboxQuery(new ListScope(workspace, READER, Map.of(), Map.of(), true), Set.of(Folder.INBOX, Folder.SENT), unread,
                null, false, afterAt, afterId, limit);
    }

    @Test
    void pagesWalkEveryConversationOnceNewestActivityFirst() throws SQLException {
        walk("w-pages", 0, false);
    }

    @Test
    void aCallerWhoReadsManyMailboxesIsServedByOneScanOfTheWorkspace() throws SQLException {
        walk("w-many", MessageQueries.DEFAULT_MERGE_LIMIT, true);
    }

    void walk(String workspace, int otherMailboxes, boolean byReader) throws SQLException {
        UUID support = database.mailbox(workspace, "support@acme.test");
        UUID sales = database.mailbox(workspace, "sales@acme.test");
        Map<UUID, String> mailboxes = new LinkedHashMap<>();
        mailboxes.put(support, "support@acme.test");
        mailboxes.put(sales, "sales@acme.test");
        for (int i = 0; i < otherMailboxes; i++) {
            mailboxes.put(database.mailbox(workspace, "box" + i + "@acme.test"), "box" + i + "@acme.test");
        }
        for (UUID mailbox : mailboxes.keySet()) {
            database.grant(mailbox, workspace, READER);
        }
        // 12 conversations; each has an old message and a newer one, interleaved, so that a conversation's old messages
        // lie below the cursor of the page that listed it.
        List<MessageChange> supportPage = new ArrayList<>();
        List<MessageChange> salesPage = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            (i % 2 == 0 ? supportPage : salesPage).add(mail("old-" + i, "c" + i, i, true));
            (i % 2 == 0 ? supportPage : salesPage).add(mail("new-" + i, "c" + i, 100 + (i * 7) % 12, i % 3 == 0));
        }
        try (Connection connection = database.connect()) {
            store.apply(connection, support, Folder.INBOX, supportPage, Instant.now(), null);
            store.apply(connection, sales, Folder.INBOX, salesPage, Instant.now(), null);

            List<Long> walked = new ArrayList<>();
            List<Instant> activity = new ArrayList<>();
            Instant afterAt = null;
            Long afterId = null;
            for (int pages = 0; pages < 20; pages++) {
                List<ConversationQueries.Position> page = ConversationQueries.page(connection, byReader
                        ? ofReader(workspace, false, afterAt, afterId, 5) : query(workspace, mailboxes, false, afterAt, afterId, 5, Map.of()));
                page.forEach(position -> {
                    walked.add(position.threadId());
                    activity.add(position.receivedAt());
                });
                if (page.size() < 5) {
                    break;
                }
                afterAt = page.get(4).receivedAt();
                afterId = page.get(4).messageId();
            }
            assertEquals(12, walked.size(), "every conversation: " + walked);
            assertEquals(12, new HashSet<>(walked).size(), "none twice: " + walked);
            for (int i = 1; i < activity.size(); i++) {
                assertTrue(!activity.get(i).isAfter(activity.get(i - 1)), "newest activity first: " + activity);
            }

            List<ConversationQueries.Position> unread = ConversationQueries.page(connection, byReader
                    ? ofReader(workspace, true, null, null, 50) : query(workspace, mailboxes, true, null, null, 50, Map.of()));
            assertEquals(8, unread.size(), "conversations with an unread message (all but c0, c3, c6, c9)");

            // Access to sales@ ended before the newer messages arrived: its conversations rank by the old ones.
            Instant end = T0.plus(50, ChronoUnit.MINUTES);
            Mailboxes.endReadingThrough(connection, sales, READER, end);
            List<ConversationQueries.Position> ended = ConversationQueries.page(connection, byReader
                    ? ofReader(workspace, false, null, null, 50) : query(workspace, mailboxes, false, null, null, 50, Map.of(sales, end)));
            assertEquals(12, ended.size());
            Set<Long> salesThreads = new HashSet<>();
            ended.subList(6, 12).forEach(position -> salesThreads.add(position.threadId()));
            Map<Long, List<StoredMessage>> read = ConversationQueries.messages(connection, workspace, READER, salesThreads);
            assertEquals(salesThreads, read.keySet());
            read.values().forEach(messages -> {
                assertEquals(1, messages.size(), "only what arrived before the access ended");
                assertTrue(messages.get(0).receivedAt().isBefore(T0.plus(50, ChronoUnit.MINUTES)));
            });
        }
    }

    @Test
    void theNextConversationIsFoundBelowHundredsOfMessagesOfOneAlreadyListed() throws SQLException {
        String workspace = "w-long-thread";
        UUID support = database.mailbox(workspace, "support@acme.test");
        Map<UUID, String> mailboxes = Map.of(support, "support@acme.test");
        // A conversation of 400 messages, its newest at the top, and one older conversation below all of them: the second
        // page reads past 399 messages of the first conversation (several rounds, each larger) before it meets the next.
        List<MessageChange> mail = new ArrayList<>();
        mail.add(mail("older", "quiet", 0, true));
        for (int i = 0; i < 400; i++) {
            mail.add(mail("long-" + i, "busy", 10 + i, true));
        }
        try (Connection connection = database.connect()) {
            store.apply(connection, support, Folder.INBOX, mail, Instant.now(), null);
            List<ConversationQueries.Position> first = ConversationQueries.page(connection,
                    query(workspace, mailboxes, false, null, null, 1, Map.of()));
            assertEquals(1, first.size());
            assertEquals(T0.plus(409, ChronoUnit.MINUTES), first.get(0).receivedAt(), "the busy conversation's newest message");
            List<ConversationQueries.Position> second = ConversationQueries.page(connection,
                    query(workspace, mailboxes, false, first.get(0).receivedAt(), first.get(0).messageId(), 1, Map.of()));
            assertEquals(List.of(T0), second.stream().map(ConversationQueries.Position::receivedAt).toList(),
                    "the quiet conversation, and only it");
            assertTrue(second.get(0).threadId() != first.get(0).threadId());
            List<ConversationQueries.Position> third = ConversationQueries.page(connection,
                    query(workspace, mailboxes, false, second.get(0).receivedAt(), second.get(0).messageId(), 1, Map.of()));
            assertEquals(List.of(), third, "nothing below the last conversation");
        }
    }

    @Test
    void theSameMailInTwoMailboxesCountsOnceAndIsReadWhenReadInOne() {
        UUID support = UUID.randomUUID();
        UUID sales = UUID.randomUUID();
        Recipient customer = new Recipient("Customer", "customer@example.com");
        List<StoredMessage> readable = List.of(
                stored(1, support, "support@acme.test", "<q@customer.example>", 0, true, customer),
                stored(2, sales, "sales@acme.test", "<q@customer.example>", 0, false, customer),
                stored(3, support, "support@acme.test", "<r@acme.test>", 5, true, new Recipient("Support", "support@acme.test")),
                stored(4, sales, "sales@acme.test", "<a@customer.example>", 9, false, customer));
        Conversation conversation = Conversation.of(7, readable);
        assertEquals(3, conversation.messageCount());
        assertEquals(1, conversation.unreadCount(), "the first mail was read in support@; the answer is unread");
        assertEquals(List.of("sales@acme.test", "support@acme.test"), conversation.mailboxes());
        assertEquals(List.of("customer@example.com", "support@acme.test", "sales@acme.test"),
                conversation.participants().stream().map(Recipient::address).toList());
        assertEquals("Order", conversation.subject());
        assertEquals(T0.plus(9, ChronoUnit.MINUTES), conversation.lastActivityAt());
    }

    private static StoredMessage stored(long id, UUID mailbox, String address, String internetMessageId, int minute, boolean read,
                                        Recipient from) {
        return new StoredMessage(id, mailbox, address, Folder.INBOX, "g" + id, id == 1 ? "Order" : "RE: Order", from, from,
                List.of(new Recipient("Support", "support@acme.test")), List.of(new Recipient("Sales", "sales@acme.test")),
                T0.plus(minute, ChronoUnit.MINUTES), read, false, "preview " + id, "conv", internetMessageId, null, null, null, null, null);
    }
}

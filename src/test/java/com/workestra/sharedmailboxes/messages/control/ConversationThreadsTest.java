package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The threading rule against a real PostgreSQL, through the message store as sync uses it: Outlook's conversation in a
 * mailbox, the same mail in several mailboxes, replies through In-Reply-To and References, in any order of arrival.
 */
class ConversationThreadsTest {

    static StoreDatabase database;
    final MessageStore store = new MessageStore();
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("threads");
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange mail(String graphId, String conversationId, String internetMessageId, int minute, String... references) {
        return new MessageChange(graphId, false, internetMessageId, conversationId, "Order " + graphId,
                new Recipient("Customer", "customer@example.com"), null, List.of(new Recipient("Support", "support@acme.test")),
                List.of(), T0.plus(minute, ChronoUnit.MINUTES), false, false, "preview", "text", "body", "ck-" + graphId,
                references.length == 0 ? null : List.of(references));
    }

    void store(UUID mailbox, Folder folder, MessageChange... changes) throws SQLException {
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, folder, List.of(changes), Instant.now(), null);
        }
    }

    static Long thread(UUID mailbox, Folder folder, String graphId) throws SQLException {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT thread_id FROM message WHERE mailbox_id = ? AND folder = ? AND graph_id = ?")) {
            statement.setObject(1, mailbox);
            statement.setString(2, folder.name());
            statement.setString(3, graphId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getObject(1, Long.class) : null;
            }
        }
    }

    @Test
    void aCustomerThreadAcrossSupportAndSalesIsOneConversation() throws SQLException {
        UUID support = database.mailbox("w-cross", "support@acme.test");
        UUID sales = database.mailbox("w-cross", "sales@acme.test");
        // The customer writes to support@, cc sales@: one internet message, a conversation of its own in each mailbox.
        store(support, Folder.INBOX, mail("s1", "conv-support", "<q1@customer.example>", 0));
        store(sales, Folder.INBOX, mail("x1", "conv-sales", "<q1@customer.example>", 0));
        // Our reply from support@ lands in its Sent Items: no headers there, but Outlook's conversation.
        store(support, Folder.SENT, mail("s2", "conv-support", "<r1@acme.test>", 5));
        // The customer answers to support@ cc sales@, quoting both.
        store(support, Folder.INBOX, mail("s3", "conv-support", "<a1@customer.example>", 9, "<q1@customer.example>", "<r1@acme.test>"));
        store(sales, Folder.INBOX, mail("x3", "conv-sales-2", "<a1@customer.example>", 9, "<q1@customer.example>", "<r1@acme.test>"));

        Long thread = thread(support, Folder.INBOX, "s1");
        assertNotNull(thread);
        for (Long other : List.of(thread(support, Folder.SENT, "s2"), thread(support, Folder.INBOX, "s3"),
                thread(sales, Folder.INBOX, "x1"), thread(sales, Folder.INBOX, "x3"))) {
            assertEquals(thread, other, "every message of the customer's thread, in both mailboxes, is in one conversation");
        }
    }

    @Test
    void aReplyStoredBeforeItsOriginalInAnotherMailboxStillJoinsIt() throws SQLException {
        UUID support = database.mailbox("w-order", "support@acme.test");
        UUID sales = database.mailbox("w-order", "sales@acme.test");
        store(sales, Folder.INBOX, mail("x3", "conv-sales", "<a2@customer.example>", 9, "<q2@customer.example>"));
        store(support, Folder.INBOX, mail("s1", "conv-support", "<q2@customer.example>", 0));
        assertEquals(thread(sales, Folder.INBOX, "x3"), thread(support, Folder.INBOX, "s1"));
    }

    @Test
    void aMessageThatLinksTwoThreadsMergesThemIntoTheOlder() throws SQLException {
        UUID support = database.mailbox("w-merge", "support@acme.test");
        UUID sales = database.mailbox("w-merge", "sales@acme.test");
        store(support, Folder.INBOX, mail("s1", "conv-support", "<m1@customer.example>", 0));
        store(sales, Folder.INBOX, mail("x1", "conv-sales", "<m2@customer.example>", 1));
        Long older = thread(support, Folder.INBOX, "s1");
        assertNotEquals(older, thread(sales, Folder.INBOX, "x1"), "unrelated until something links them");
        // sales@ receives a message in its conversation that answers support@'s message.
        store(sales, Folder.INBOX, mail("x2", "conv-sales", "<m3@customer.example>", 2, "<m1@customer.example>"));
        assertEquals(older, thread(sales, Folder.INBOX, "x1"));
        assertEquals(older, thread(sales, Folder.INBOX, "x2"));
        // And what arrives later through either old link finds the merged thread.
        store(sales, Folder.INBOX, mail("x4", "conv-sales", "<m4@customer.example>", 3));
        assertEquals(older, thread(sales, Folder.INBOX, "x4"));
    }

    @Test
    void aMessageIsNeverInTwoThreadsOfOneMailbox() throws SQLException {
        UUID support = database.mailbox("w-one", "support@acme.test");
        // Outlook's conversation holds these together even without any header linking them.
        store(support, Folder.INBOX, mail("a", "conv-1", "<p1@example.com>", 0), mail("b", "conv-1", "<p2@example.com>", 1));
        store(support, Folder.SENT, mail("c", "conv-1", null, 2));
        store(support, Folder.INBOX, mail("d", "conv-2", "<p3@example.com>", 3));
        Set<Long> threads = new HashSet<>(List.of(thread(support, Folder.INBOX, "a"), thread(support, Folder.INBOX, "b"),
                thread(support, Folder.SENT, "c")));
        assertEquals(1, threads.size(), "one Outlook conversation, one thread");
        assertNotEquals(thread(support, Folder.INBOX, "a"), thread(support, Folder.INBOX, "d"), "another conversation is another thread");
    }

    @Test
    void theSameMessageSyncedAgainKeepsItsThreadAndWorkspacesNeverShareOne() throws SQLException {
        UUID here = database.mailbox("w-a", "support@acme.test");
        UUID there = database.mailbox("w-b", "support@other.test");
        store(here, Folder.INBOX, mail("a", "conv", "<same@example.com>", 0));
        store(there, Folder.INBOX, mail("a", "conv", "<same@example.com>", 0));
        Long first = thread(here, Folder.INBOX, "a");
        store(here, Folder.INBOX, mail("a", "conv", "<same@example.com>", 0));
        assertEquals(first, thread(here, Folder.INBOX, "a"));
        assertNotEquals(first, thread(there, Folder.INBOX, "a"), "the same mail in another workspace is another conversation");
    }

    @Test
    void headersAreReadForTheIdsTheyName() {
        assertEquals(List.of("<a@x>", "<b@y>", "<c@z>"),
                ConversationThreads.messageIds("<a@x>\r\n <b@y>", "<c@z> <b@y>"));
        assertEquals(List.of(), ConversationThreads.messageIds(null, "no id here"));
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.mailboxes.entity.ReadableMailbox;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The message store's SQL against a real PostgreSQL: idempotent pages, updates, removals, and the inbox's keyset pages. */
class MessageStoreTest {

    static StoreDatabase database;
    final MessageStore store = new MessageStore();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("store");
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange message(String id, String subject, int minute, boolean read) {
        return new MessageChange(id, false, "<" + id + "@example.com>", "conv-" + id, subject,
                new Recipient("Customer", "customer@example.com"), new Recipient("Customer", "customer@example.com"),
                List.of(new Recipient("Support", "support@acme.test")), List.of(), T0.plus(minute, ChronoUnit.MINUTES),
                read, false, "preview " + subject, "text", "body of " + subject, "ck-" + id + "-" + read);
    }

    @Test
    void applyingAPageTwiceLeavesTheSameRows() throws SQLException {
        UUID mailbox = database.mailbox("w1", "twice@acme.test");
        List<MessageChange> page = List.of(message("a", "First", 1, false), message("b", "Second", 2, true));
        try (Connection connection = database.connect()) {
            assertEquals(2, store.apply(connection, mailbox, Folder.INBOX, page, Instant.now(), null));
            store.apply(connection, mailbox, Folder.INBOX, page, Instant.now(), null);
            assertEquals(2, count(connection, mailbox, "INBOX"));
        }
    }

    @Test
    void aMessageMovedToAnotherSyncedFolderKeepsItsRowWhicheverFolderReportsFirst() throws SQLException {
        UUID mailbox = database.mailbox("w1", "moves@acme.test");
        Folder customers = Folder.valueOf("AQMkADcustomers");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("a", "Order", 1, false), message("b", "Invoice", 2, false)),
                    Instant.now(), null);
            long a = rowId(connection, mailbox, "a");
            long b = rowId(connection, mailbox, "b");

            // The target's delta first (it lists the message as new), then the source's @removed.
            store.apply(connection, mailbox, customers, List.of(message("a", "Order", 1, false)), Instant.now(), null);
            store.apply(connection, mailbox, Folder.INBOX, List.of(MessageChange.removal("a")), Instant.now(), null);
            assertEquals(a, rowId(connection, mailbox, "a"), "the same row, so its id in the API stays");
            assertEquals("AQMkADcustomers", folderOf(connection, a));
            assertFalse(isRemoved(connection, a), "a late @removed from the old folder does not remove it from the new one");

            // The source's @removed first (the message looks gone, moved to a folder named so), then the target's delta.
            store.apply(connection, mailbox, Folder.INBOX, List.of(MessageChange.removal("b")), Instant.now(), null,
                    Map.of("b", Removal.movedTo("Customers")));
            assertTrue(isRemoved(connection, b));
            store.apply(connection, mailbox, customers, List.of(message("b", "Invoice", 2, false)), Instant.now(), null);
            assertEquals(b, rowId(connection, mailbox, "b"));
            assertEquals("AQMkADcustomers", folderOf(connection, b));
            assertFalse(isRemoved(connection, b), "back, in its new folder");
            assertEquals(2, count(connection, mailbox, "AQMkADcustomers"));
            assertEquals(0, count(connection, mailbox, "INBOX"), "nothing left behind, nothing twice");
        }
    }

    static long rowId(Connection connection, UUID mailbox, String graphId) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT id FROM message WHERE mailbox_id = ? AND graph_id = ?")) {
            statement.setObject(1, mailbox);
            statement.setString(2, graphId);
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next());
                long id = rows.getLong(1);
                assertFalse(rows.next(), "one row per message");
                return id;
            }
        }
    }

    static String folderOf(Connection connection, long id) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT folder FROM message WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    static boolean isRemoved(Connection connection, long id) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT removed_at IS NOT NULL FROM message WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    @Test
    void updatesRemovalsAndRepeatsWithinAPage() throws SQLException {
        UUID mailbox = database.mailbox("w1", "changes@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("a", "Hello", 1, false), message("b", "Bye", 2, false)),
                    Instant.now(), null);
            MessageChange partialRead = new MessageChange("a", false, null, null, null, null, null, null, null, null, true,
                    null, null, null, null, "ck-a-2");
            MessageChange unknownPartial = new MessageChange("zzz", false, null, null, null, null, null, null, null, null, true,
                    null, null, null, null, null);
            store.apply(connection, mailbox, Folder.INBOX, List.of(partialRead, unknownPartial, MessageChange.removal("b"),
                    message("c", "Repeated", 3, false), message("c", "Repeated", 3, true)), Instant.now(), null);

            Map<UUID, String> addresses = Map.of(mailbox, "changes@acme.test");
            List<StoredMessage> visible = MessageQueries.page(connection, query(addresses, false, null, false, null, null, 10));
            assertEquals(List.of("Repeated", "Hello"), visible.stream().map(StoredMessage::subject).toList());
            assertTrue(visible.get(0).isRead(), "the later copy of a repeated item wins");
            assertTrue(visible.get(1).isRead(), "a partial update changes only what it carries");
            assertEquals(null, MessageQueries.find(connection, visible.get(1).id(), "w1", "u-reader"), "not granted");
            database.grant(mailbox, "w1", "u-reader");
            StoredMessage found = MessageQueries.find(connection, visible.get(1).id(), "w1", "u-reader");
            assertEquals("body of Hello", found.body());
            assertEquals("changes@acme.test", found.mailboxAddress());
            assertEquals(3, count(connection, mailbox, "INBOX"), "a partial update of an unknown message creates nothing");

            List<StoredMessage> all = MessageQueries.page(connection, query(addresses, false, null, true, null, null, 10));
            assertEquals(3, all.size());
            assertTrue(all.get(1).isRemoved(), "Bye was removed and is kept as history");
            assertEquals("Bye", all.get(1).subject());

            store.apply(connection, mailbox, Folder.INBOX, List.of(message("b", "Bye", 2, false)), Instant.now(), null);
            assertEquals(3, MessageQueries.page(connection, query(addresses, false, null, false, null, null, 10)).size(),
                    "a message that comes back is visible again");
        }
    }

    @Test
    void historyDepthSkipsOlderMessages() throws SQLException {
        UUID mailbox = database.mailbox("w1", "depth@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("old", "Old", 1, false), message("new", "New", 100, false)),
                    Instant.now(), T0.plus(50, ChronoUnit.MINUTES));
            assertEquals(1, count(connection, mailbox, "INBOX"));
        }
    }

    @Test
    void theInboxIsNewestFirstAcrossMailboxesWithKeysetPagesAndFilters() throws SQLException {
        UUID support = database.mailbox("w2", "support@acme.test");
        UUID sales = database.mailbox("w2", "sales@acme.test");
        try (Connection connection = database.connect()) {
            List<MessageChange> supportPage = new ArrayList<>();
            List<MessageChange> salesPage = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                supportPage.add(message("s" + i, (i % 3 == 0 ? "Invoice 100%_" : "Ticket ") + i, i * 2, i % 2 == 0));
                salesPage.add(message("l" + i, "Lead " + i, i * 2 + 1, false));
            }
            store.apply(connection, support, Folder.INBOX, supportPage, Instant.now(), null);
            store.apply(connection, sales, Folder.INBOX, salesPage, Instant.now(), null);
            store.apply(connection, sales, Folder.SENT, List.of(message("x", "Sent one", 200, true)), Instant.now(), null);
            Map<UUID, String> addresses = Map.of(support, "support@acme.test", sales, "sales@acme.test");

            database.grant(support, "w2", "u-both");
            database.grant(sales, "w2", "u-both");
            // Listed, each mailbox through its own index range; and by the reader's access rows, one scan of the workspace.
            for (boolean byReader : new boolean[]{false, true}) {
                List<String> walked = new ArrayList<>();
                Instant afterAt = null;
                Long afterId = null;
                for (int page = 0; page < 10; page++) {
                    List<StoredMessage> rows = MessageQueries.page(connection, new InboxQuery(byReader
                            ? new ListScope("w2", "u-both", Map.of(), Map.of(), true) : new ListScope("w2", "u-both", addresses, Map.of(), false),
                            Set.of(Folder.INBOX), false, null, false, afterAt, afterId, 7));
                    if (rows.isEmpty()) {
                        break;
                    }
                    rows.forEach(row -> walked.add(row.subject()));
                    StoredMessage last = rows.get(rows.size() - 1);
                    afterAt = last.receivedAt();
                    afterId = last.id();
                }
                assertEquals(60, walked.size(), "by reader " + byReader);
                assertEquals(60, new HashSet<>(walked).size());
                assertEquals("Lead 29", walked.get(0));
                assertEquals("Invoice 100%_0", walked.get(59));
                assertEquals(45, MessageQueries.page(connection, byReader
                        ? new InboxQuery(new ListScope("w2", "u-both", Map.of(), Map.of(), true), Set.of(Folder.INBOX, Folder.SENT), true,
                        null, false, null, null, 100)
                        : query(addresses, true, null, false, null, null, 100)).size(),
                        "15 unread in support@, 30 in sales@ (by reader " + byReader + ")");
            }

            List<StoredMessage> both = MessageQueries.page(connection, query(addresses, false, null, false, null, null, 3));
            assertEquals("Sent one", both.get(0).subject(), "both folders by default");
            assertEquals("sales@acme.test", both.get(0).mailboxAddress());

            List<StoredMessage> unread = MessageQueries.page(connection, query(Map.of(support, "support@acme.test"), true, null, false, null, null, 100));
            assertEquals(15, unread.size());
            assertTrue(unread.stream().noneMatch(StoredMessage::isRead));

            List<StoredMessage> search = MessageQueries.page(connection, query(addresses, false, "100%_", false, null, null, 100));
            assertEquals(10, search.size(), "LIKE wildcards in q are taken literally");
            assertEquals(0, MessageQueries.page(connection, query(addresses, false, "1_0", false, null, null, 100)).size());
            assertEquals(60, MessageQueries.page(connection, query(addresses, false, "CUSTOMER@", false, null, null, 100))
                    .stream().filter(m -> m.folder().equals(Folder.INBOX)).count(), "q matches the sender, case-insensitively");
        }
    }

    @Test
    void grantedMailboxesOfTheWorkspaceAreReadableAndAnEndedAccessCarriesItsEnd() throws SQLException {
        UUID mine = database.mailbox("w3", "mine@acme.test");
        UUID ended = database.mailbox("w3", "ended@acme.test");
        UUID foreign = database.mailbox("w4", "mine@acme.test");
        database.grant(mine, "w3", "u1");
        database.grant(ended, "w3", "u1");
        database.grant(foreign, "w3", "u1"); // a row pointing at another workspace's mailbox must not leak it
        try (Connection connection = database.connect()) {
            Mailboxes.endReadingThrough(connection, ended, "u1", Instant.now());
            List<ReadableMailbox> readable = MessageQueries.readableMailboxes(connection, "w3", "u1");
            assertEquals(List.of(ended, mine), readable.stream().map(ReadableMailbox::id).toList());
            assertNotNull(readable.get(0).readableBefore(), "ended access: only what was received before");
            assertEquals(null, readable.get(1).readableBefore(), "a working connection: everything");
            assertTrue(MessageQueries.readableMailboxes(connection, "w4", "u1").isEmpty());
            assertFalse(MessageQueries.readableMailboxes(connection, "w3", "u2").iterator().hasNext());
            assertNotNull(readable.get(0).address());

            store.apply(connection, foreign, Folder.INBOX, List.of(message("foreign", "Elsewhere", 1, false)), Instant.now(), null);
            store.apply(connection, mine, Folder.INBOX, List.of(message("mine", "Here", 1, false)), Instant.now(), null);
            long foreignId = MessageQueries.page(connection, new InboxQuery(new ListScope("w4", "u1",
                    Map.of(foreign, "foreign@acme.test"), Map.of(), false), Set.of(Folder.INBOX), false, null, false, null, null, 1)).get(0).id();
            long mineId = MessageQueries.page(connection, new InboxQuery(new ListScope("w3", "u1",
                    Map.of(mine, "mine@acme.test"), Map.of(), false), Set.of(Folder.INBOX), false, null, false, null, null, 1)).get(0).id();
            assertEquals("Here", MessageQueries.find(connection, mineId, "w3", "u1").subject());
            assertEquals(null, MessageQueries.find(connection, foreignId, "w3", "u1"), "the row naming another workspace's mailbox");
            assertEquals(null, MessageQueries.find(connection, foreignId, "w4", "u1"), "no access in that workspace");
        }
    }

    @Test
    void afterAccessEndedOnlyMessagesReceivedBeforeItAreListedOrFound() throws SQLException {
        UUID mailbox = database.mailbox("w2", "ended-access@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("old", "Before", 1, false), message("new", "After", 3, false)),
                    Instant.now(), null);
            Map<UUID, String> addresses = Map.of(mailbox, "ended-access@acme.test");
            List<StoredMessage> all = MessageQueries.page(connection, query(addresses, false, null, false, null, null, 10));
            assertEquals(List.of("After", "Before"), all.stream().map(StoredMessage::subject).toList());
            Instant end = all.get(1).receivedAt().plusSeconds(1);
            database.grant(mailbox, "w2", "u-ended");
            Mailboxes.endReadingThrough(connection, mailbox, "u-ended", end);
            List<StoredMessage> listed = MessageQueries.page(connection, new InboxQuery(new ListScope("w2", "u-ended",
                    addresses, Map.of(mailbox, end), false), Set.of(Folder.INBOX, Folder.SENT), false, null, false, null, null, 10));
            assertEquals(List.of("Before"), listed.stream().map(StoredMessage::subject).toList(), "listed with the end of access");
            List<StoredMessage> byReader = MessageQueries.page(connection, new InboxQuery(new ListScope("w2", "u-ended",
                    Map.of(), Map.of(), true), Set.of(Folder.INBOX, Folder.SENT), false, null, false, null, null, 10));
            assertEquals(List.of("Before"), byReader.stream().map(StoredMessage::subject).toList(), "by the reader's access row");
            assertNotNull(MessageQueries.find(connection, all.get(1).id(), "w2", "u-ended"));
            assertEquals(null, MessageQueries.find(connection, all.get(0).id(), "w2", "u-ended"), "received after the end");
            assertEquals(null, MessageQueries.find(connection, all.get(1).id(), "w3", "u-ended"), "not in another workspace");
        }
    }

    /** A page of these mailboxes of w2, listed, each readable in full. */
    static InboxQuery query(Map<UUID, String> mailboxes, boolean unread, String q, boolean removed, Instant afterAt, Long afterId,
                            int limit) {
        return new InboxQuery(new ListScope("w2", "u1", mailboxes, Map.of(), false), Set.of(Folder.INBOX, Folder.SENT), unread, q,
                removed, afterAt, afterId, limit);
    }

    static long count(Connection connection, UUID mailbox, String folder) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT count(*) FROM message WHERE mailbox_id = ? AND folder = ?")) {
            statement.setObject(1, mailbox);
            statement.setString(2, folder);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}

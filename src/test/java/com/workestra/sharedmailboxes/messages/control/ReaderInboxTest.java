package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.messages.entity.MailFolderEntry;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inbox of a reader of more mailboxes than a page merges: their access joined in SQL must list exactly what the
 * mailboxes listed one by one would, with the same ends of access, and nothing of a mailbox they may not read.
 */
class ReaderInboxTest {

    static final String WORKSPACE = "w-many";
    static final String READER = "u-many";
    /** {@link #READER}'s mailboxes by their access rows. */
    static final ListScope BY_READER = new ListScope(WORKSPACE, READER, Map.of(), Map.of(), true);
    static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
    /** The reader's access to box43 ended here, inside a conversation: what came before stays readable, later mail not. */
    static final Instant ENDED = T0.plus(150, ChronoUnit.MINUTES);
    static final Folder ARCHIVE_OF_ENDED = Folder.of("F-box43", "Archive");
    static final Folder ARCHIVE_OF_OTHERS = Folder.of("F-box44", "Archive");

    static StoreDatabase database;
    static final Map<UUID, String> addresses = new HashMap<>();

    @BeforeAll
    static void start() throws SQLException {
        database = StoreDatabase.start("reader-inbox");
        MessageStore store = new MessageStore();
        try (Connection connection = database.connect()) {
            for (int n = 1; n <= 45; n++) {
                String address = String.format("box%02d@acme.test", n);
                UUID mailbox = database.mailbox(WORKSPACE, address);
                addresses.put(mailbox, address);
                if (n <= MessageQueries.DEFAULT_MERGE_LIMIT) {
                    database.grant(mailbox, WORKSPACE, "u-forty");
                }
                if (n <= MessageQueries.DEFAULT_MERGE_LIMIT + 1) {
                    database.grant(mailbox, WORKSPACE, "u-forty-one");
                }
                if (n <= 43) {
                    database.grant(mailbox, WORKSPACE, READER);
                }
                if (n == 43) {
                    Mailboxes.endReadingThrough(connection, mailbox, READER, ENDED);
                } else if (n == 44) {
                    database.grant(mailbox, WORKSPACE, "u-other");
                }
                List<MessageChange> mail = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    int minute = n * 3 + k * 50;
                    mail.add(mail("m-" + n + "-" + k, "c-" + n + "-" + k / 2, (n + k) % 3 == 0, minute,
                            k % 2 == 0 ? "invoice " + n + "/" + k : "hello " + n));
                }
                store.apply(connection, mailbox, Folder.INBOX, mail, Instant.now(), null);
                if (n == 43 || n == 44) {
                    Folder archive = n == 43 ? ARCHIVE_OF_ENDED : ARCHIVE_OF_OTHERS;
                    MailFolders.listed(connection, mailbox, List.of(new MailFolderEntry(archive.name(), null, null, "Archive", "Archive")),
                            Instant.now());
                    store.apply(connection, mailbox, archive, List.of(mail("a-" + n, "c-a-" + n, false, 1, "invoice archived " + n)),
                            Instant.now(), null);
                }
            }
            // The reader's access row in another workspace, and one of this workspace naming another workspace's mailbox.
            UUID elsewhere = database.mailbox("w-else", "box01@acme.test");
            database.grant(elsewhere, "w-else", READER);
            UUID foreign = database.mailbox("w-foreign", "foreign@acme.test");
            database.grant(foreign, WORKSPACE, READER);
            Folder foreignArchive = Folder.of("F-foreign", "Archive");
            MailFolders.listed(connection, foreign, List.of(new MailFolderEntry(foreignArchive.name(), null, null, "Archive", "Archive")),
                    Instant.now());
            store.apply(connection, elsewhere, Folder.INBOX, List.of(mail("else", "c-else", false, 500, "invoice elsewhere")), Instant.now(), null);
            store.apply(connection, foreign, foreignArchive, List.of(mail("foreign", "c-foreign", false, 501, "invoice foreign")), Instant.now(), null);
        }
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange mail(String graphId, String conversationId, boolean read, int minute, String subject) {
        return new MessageChange(graphId, false, "<" + graphId + "@customer.example>", conversationId, subject,
                new Recipient("Customer", "customer@example.com"), null, List.of(new Recipient("Support", "support@acme.test")),
                List.of(), T0.plus(minute, ChronoUnit.MINUTES), read, false, "preview", "text", "body of " + subject, "ck", null);
    }

    @Test
    void upToAPageMergesWorthTheMailboxesAreListedBeyondTheReadersAccessIsJoined() throws SQLException {
        try (Connection connection = database.connect()) {
            ListScope forty = MessageQueries.scope(connection, WORKSPACE, "u-forty", null);
            assertFalse(forty.byReader());
            assertEquals(MessageQueries.DEFAULT_MERGE_LIMIT, forty.addresses().size());
            assertEquals("box01@acme.test", forty.addresses().values().iterator().next(), "in address order");
            ListScope fortyOne = MessageQueries.scope(connection, WORKSPACE, "u-forty-one", null);
            assertTrue(fortyOne.byReader());
            assertTrue(fortyOne.addresses().isEmpty(), "none listed");

            ListScope reader = MessageQueries.scope(connection, WORKSPACE, READER, null);
            assertTrue(reader.byReader());
            ListScope ended = MessageQueries.scope(connection, WORKSPACE, READER, "box43@acme.test");
            assertFalse(ended.byReader(), "one mailbox named: listed");
            assertEquals(List.of("box43@acme.test"), List.copyOf(ended.addresses().values()));
            assertEquals(List.of(ENDED), List.copyOf(ended.before().values()), "with the end of the access");
            assertTrue(MessageQueries.scope(connection, WORKSPACE, READER, "box44@acme.test").addresses().isEmpty(),
                    "another person's mailbox");
            assertTrue(MessageQueries.scope(connection, WORKSPACE, READER, "foreign@acme.test").addresses().isEmpty(),
                    "an access row naming another workspace's mailbox");
            assertEquals(Set.of(Folder.INBOX, Folder.SENT, ARCHIVE_OF_ENDED), MessageQueries.folders(connection, ended, null));
            assertEquals(Set.of(ARCHIVE_OF_ENDED), MessageQueries.folders(connection, reader, ARCHIVE_OF_ENDED.name()));
            assertEquals(null, MessageQueries.folders(connection, ended, ARCHIVE_OF_OTHERS.name()), "another mailbox's folder");
            assertEquals(null, MessageQueries.folders(connection, reader, ARCHIVE_OF_OTHERS.name()), "another person's folder");
        }
    }

    @Test
    void theReadersPagesAreThoseOfTheirMailboxesListedOneByOne() throws SQLException {
        try (Connection connection = database.connect()) {
            ListScope listed = listed(connection);
            assertEquals(43, listed.addresses().size(), "granted in the workspace; not the row naming another workspace's mailbox");
            Set<Folder> folders = MailFolders.keysOf(connection, listed.mailboxIds());
            assertEquals(folders, MailFolders.keysOfReader(connection, WORKSPACE, READER), "the same folders either way");
            for (boolean unread : new boolean[]{false, true}) {
                for (String q : new String[]{null, "invoice"}) {
                    for (int window : new int[]{MessageQueries.SEARCH_WINDOW, 1}) {
                        List<StoredMessage> expected = walk(connection, (afterAt, afterId) -> new InboxQuery(listed, folders, unread, q,
                                false, afterAt, afterId, 8), window);
                        List<StoredMessage> byReader = walk(connection, (afterAt, afterId) -> new InboxQuery(BY_READER, folders, unread, q,
                                false, afterAt, afterId, 8), window);
                        String what = "unread " + unread + ", q " + q + ", window " + window;
                        assertEquals(expected.stream().map(StoredMessage::graphId).toList(),
                                byReader.stream().map(StoredMessage::graphId).toList(), what);
                        assertEquals(expected.stream().map(StoredMessage::mailboxAddress).toList(),
                                byReader.stream().map(StoredMessage::mailboxAddress).toList(), "each tagged with its mailbox: " + what);
                        assertFalse(expected.isEmpty(), what);
                    }
                }
            }
        }
    }

    @Test
    void nothingOfAMailboxTheReaderMayNotReadAndOnlyWhatCameBeforeAnEndedAccess() throws SQLException {
        try (Connection connection = database.connect()) {
            Set<Folder> folders = MailFolders.keysOfReader(connection, WORKSPACE, READER);
            assertTrue(folders.contains(ARCHIVE_OF_ENDED), "the history of an ended access keeps its folders");
            assertFalse(folders.contains(ARCHIVE_OF_OTHERS), "another person's mailbox's folder");
            assertFalse(folders.contains(Folder.valueOf("F-foreign")), "another workspace's mailbox's folder");
            assertTrue(MailFolders.existsForReader(connection, WORKSPACE, READER, ARCHIVE_OF_ENDED));
            assertFalse(MailFolders.existsForReader(connection, WORKSPACE, READER, ARCHIVE_OF_OTHERS));
            assertFalse(MailFolders.existsForReader(connection, WORKSPACE, READER, Folder.valueOf("F-foreign")));

            Set<Folder> every = Set.of(Folder.INBOX, Folder.SENT, ARCHIVE_OF_ENDED, ARCHIVE_OF_OTHERS, Folder.valueOf("F-foreign"));
            for (String q : new String[]{null, "invoice"}) {
                for (int window : new int[]{MessageQueries.SEARCH_WINDOW, 1}) {
                    List<StoredMessage> all = walk(connection, (afterAt, afterId) -> new InboxQuery(BY_READER, every, false, q, false,
                            afterAt, afterId, 10), window);
                    String what = "q " + q + ", window " + window;
                    assertTrue(all.stream().noneMatch(m -> m.mailboxAddress().equals("box44@acme.test")
                            || m.mailboxAddress().equals("box45@acme.test") || m.mailboxAddress().equals("foreign@acme.test")), what);
                    assertTrue(all.stream().noneMatch(m -> m.graphId().equals("else")), "another workspace: " + what);
                    List<StoredMessage> ofEnded = all.stream().filter(m -> m.mailboxAddress().equals("box43@acme.test")).toList();
                    assertFalse(ofEnded.isEmpty(), what);
                    assertTrue(ofEnded.stream().allMatch(m -> m.receivedAt().isBefore(ENDED)), "only before the end: " + what);
                    assertTrue(ofEnded.stream().anyMatch(m -> m.graphId().equals("a-43")), "its archive's history: " + what);
                    long expected = q == null ? 42 * 4 + 1 + 1 : 42 * 2 + 1 + 1;
                    assertEquals(expected, all.size(), what);
                }
            }
        }
    }

    @Test
    void theReadersConversationsAreThoseOfTheirMailboxesListedOneByOne() throws SQLException {
        try (Connection connection = database.connect()) {
            ListScope listed = listed(connection);
            Set<Folder> folders = MailFolders.keysOfReader(connection, WORKSPACE, READER);
            for (boolean unread : new boolean[]{false, true}) {
                for (String q : new String[]{null, "invoice"}) {
                    for (int window : new int[]{MessageQueries.SEARCH_WINDOW, 1}) {
                        List<ConversationQueries.Position> expected = conversations(connection, (afterAt, afterId) -> new InboxQuery(
                                listed, folders, unread, q, false, afterAt, afterId, 6), window);
                        List<ConversationQueries.Position> byReader = conversations(connection, (afterAt, afterId) ->
                                new InboxQuery(BY_READER, folders, unread, q, false, afterAt, afterId, 6), window);
                        String what = "unread " + unread + ", q " + q + ", window " + window;
                        assertFalse(expected.isEmpty(), what);
                        assertEquals(expected, byReader, what);
                        List<Long> threads = expected.stream().map(ConversationQueries.Position::threadId).toList();
                        assertEquals(Set.copyOf(threads), ConversationQueries.messages(connection, WORKSPACE, READER, threads).keySet(),
                                "each listed conversation has messages the reader may read: " + what);
                    }
                }
            }
            Map<Long, List<StoredMessage>> every = ConversationQueries.messages(connection, WORKSPACE, READER,
                    conversations(connection, (afterAt, afterId) -> new InboxQuery(BY_READER, folders, false, null, false, afterAt,
                            afterId, 6), MessageQueries.SEARCH_WINDOW).stream().map(ConversationQueries.Position::threadId).toList());
            assertEquals(42 * 2 + 1 + 1, every.size(), "two conversations a granted mailbox, one of the ended access, its archive's");
            assertTrue(every.values().stream().flatMap(List::stream).allMatch(m -> m.mailboxAddress().compareTo("box43@acme.test") < 0
                    || m.mailboxAddress().equals("box43@acme.test") && m.receivedAt().isBefore(ENDED)));
        }
    }

    /** {@link #READER}'s scope with every mailbox they may read listed, however many: the other form, to compare with. */
    static ListScope listed(Connection connection) throws SQLException {
        return MessageQueries.listed(WORKSPACE, READER, MessageQueries.readableMailboxes(connection, WORKSPACE, READER));
    }

    /** Every page of conversations in turn, by the position of the last of each. */
    static List<ConversationQueries.Position> conversations(Connection connection, PageQuery pages, int window) throws SQLException {
        List<ConversationQueries.Position> all = new ArrayList<>();
        Instant afterAt = null;
        Long afterId = null;
        while (true) {
            InboxQuery query = pages.at(afterAt, afterId);
            List<ConversationQueries.Position> page = ConversationQueries.page(connection, query, window);
            all.addAll(page);
            if (page.size() < query.limit()) {
                return all;
            }
            ConversationQueries.Position last = page.get(page.size() - 1);
            afterAt = last.receivedAt();
            afterId = last.messageId();
        }
    }

    interface PageQuery {
        InboxQuery at(Instant afterAt, Long afterId);
    }

    /** Every page in turn, by the keyset of the last row of each, as the API walks them. */
    static List<StoredMessage> walk(Connection connection, PageQuery pages, int window) throws SQLException {
        List<StoredMessage> all = new ArrayList<>();
        Instant afterAt = null;
        Long afterId = null;
        while (true) {
            InboxQuery query = pages.at(afterAt, afterId);
            List<StoredMessage> page = MessageQueries.page(connection, query, window);
            all.addAll(page);
            if (page.size() < query.limit()) {
                return all;
            }
            StoredMessage last = page.get(page.size() - 1);
            afterAt = last.receivedAt();
            afterId = last.id();
        }
    }
}

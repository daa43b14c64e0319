package com.workestra.sharedmailboxes.changes.control;

import com.workestra.sharedmailboxes.changes.entity.ChangeBatch;
import com.workestra.sharedmailboxes.changes.entity.ChangeReader;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.control.StoreDatabase;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The change feed's SQL against a real PostgreSQL: what the triggers record, and positions in commit order. */
class ChangeLogTest {

    static StoreDatabase database;
    static ChangeLog log;
    final MessageStore store = new MessageStore();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("changes");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(com.workestra.sharedmailboxes.localrun.EmbeddedDatabase.USER);
        dataSource.setPassword(com.workestra.sharedmailboxes.localrun.EmbeddedDatabase.PASSWORD);
        log = new ChangeLog(dataSource);
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange message(String id, int minute, boolean read) {
        return new MessageChange(id, false, "<" + id + "@example.com>", "conv-" + id, "Subject " + id,
                new Recipient("Customer", "customer@example.com"), null, List.of(), List.of(), T0.plus(minute, ChronoUnit.MINUTES),
                read, false, "preview", "text", "body", "ck-" + id + "-" + read);
    }

    private static List<String> types(List<StoredChange> changes) {
        return changes.stream().map(change -> change.type() + ":" + change.messageId()).toList();
    }

    @Test
    void storedUpdatedAndRemovedMessagesAreRecordedInOrderAndRepeatsAreNot() throws SQLException {
        String workspace = "w-" + UUID.randomUUID();
        UUID mailbox = database.mailbox(workspace, "feed-" + workspace + "@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("a", 1, false)), Instant.now(), null);
            long a = messageId(connection, mailbox, "a");
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("a", 1, false)), Instant.now(), null);
            store.markListed(connection, mailbox, Folder.INBOX, List.of(message("a", 1, false)), Instant.now().plusSeconds(5));
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("a", 1, true)), Instant.now(), null);
            store.apply(connection, mailbox, Folder.INBOX, List.of(MessageChange.removal("a")), Instant.now(), null);
            store.apply(connection, mailbox, Folder.INBOX, List.of(MessageChange.removal("a")), Instant.now(), null);

            List<StoredChange> changes = log.after(workspace, 0, 100);
            assertEquals(List.of("message.added:" + a, "conversation.updated:" + a, "message.updated:" + a,
                    "conversation.updated:" + a, "message.removed:" + a, "conversation.updated:" + a), types(changes),
                    "a page applied again, or a fresh round stamping what it lists, is no change");
            for (int i = 0; i < changes.size(); i++) {
                assertEquals(i + 1, changes.get(i).seq(), "positions without gaps, in order");
            }
            assertEquals(6, log.latest(workspace));
            assertEquals(List.of(), log.after(workspace, 6, 100));
            assertEquals(List.of(), log.after("w-other", 0, 100), "another workspace's feed is its own");
        }
    }

    @Test
    void positionsFollowCommitOrderSoAReaderNeverSkipsALaterCommit() throws SQLException {
        String workspace = "w-" + UUID.randomUUID();
        UUID mailbox = database.mailbox(workspace, "order-" + workspace + "@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("early", 1, false), message("late", 2, false)),
                    Instant.now(), null);
        }
        long start = log.latest(workspace);
        try (Connection first = database.connect(); Connection second = database.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            // The first transaction writes first but commits last (a read-state change and a removal: other rows).
            store.apply(first, mailbox, Folder.INBOX, List.of(new MessageChange("early", false, null, null, null, null, null,
                    null, null, null, true, null, null, null, null, "ck-early-2")), Instant.now(), null);
            store.apply(second, mailbox, Folder.INBOX, List.of(MessageChange.removal("late")), Instant.now(), null);
            second.commit();
            List<StoredChange> seen = log.after(workspace, start, 100);
            assertEquals(List.of("message.removed:" + messageId(second, mailbox, "late"),
                    "conversation.updated:" + messageId(second, mailbox, "late")), types(seen),
                    "only the committed transaction's changes");
            long cursor = seen.get(seen.size() - 1).seq();
            first.commit();
            List<StoredChange> next = log.after(workspace, cursor, 100);
            assertEquals(List.of("message.updated:" + messageId(first, mailbox, "early"),
                    "conversation.updated:" + messageId(first, mailbox, "early")), types(next),
                    "the earlier writer's changes come after the cursor");
        }
    }

    @Test
    void connectionHealthIsRecordedWhenTheBadgeCanChangeNotOnEveryRoutineSync() throws SQLException {
        String workspace = "w-" + UUID.randomUUID();
        UUID mailbox = database.mailbox(workspace, "health-" + workspace + "@acme.test");
        UUID connection = UUID.randomUUID();
        try (Connection db = database.connect()) {
            execute(db, "INSERT INTO outlook_connection (id, workspace_id, user_id, kind, mailbox_id, microsoft_oid, microsoft_tid,"
                    + " microsoft_upn, granted_scopes, created_at, updated_at) VALUES ('" + connection + "', '" + workspace
                    + "', 'u1', 'PERSONAL', '" + mailbox + "', 'oid', 'tid', 'u1@contoso.test', 'Mail.Read', now(), now())");
            execute(db, "INSERT INTO sync_state (connection_id) VALUES ('" + connection + "')");
            execute(db, "UPDATE sync_state SET last_success_at = now() WHERE connection_id = '" + connection + "'");
            execute(db, "UPDATE sync_state SET last_success_at = now() + interval '1 minute' WHERE connection_id = '" + connection + "'");
            execute(db, "UPDATE outlook_connection SET error_code = 'RECONNECT_REQUIRED' WHERE id = '" + connection + "'");
            execute(db, "UPDATE outlook_connection SET updated_at = now() WHERE id = '" + connection + "'");
            execute(db, "DELETE FROM outlook_connection WHERE id = '" + connection + "'");
        }
        List<StoredChange> changes = log.after(workspace, 0, 100);
        assertEquals(4, changes.size(), "connected, first sync, error, removed: " + changes);
        changes.forEach(change -> {
            assertEquals("connection.health", change.type());
            assertEquals(connection, change.connectionId());
        });
        ChangeReader owner = new ChangeReader(workspace, "u1", false, Map.of());
        ChangeReader colleague = new ChangeReader(workspace, "u2", false, Map.of());
        ChangeReader admin = new ChangeReader(workspace, "u3", true, Map.of());
        assertTrue(owner.sees(changes.get(0)));
        assertFalse(colleague.sees(changes.get(0)), "a member sees only their own connections' health");
        assertTrue(admin.sees(changes.get(0)));
    }

    @Test
    void aReaderSeesAMailboxsChangesWhileTheirAccessLastsAndAfterwardsOnlyThoseOfEarlierMail() throws SQLException {
        String workspace = "w-" + UUID.randomUUID();
        UUID mailbox = database.mailbox(workspace, "access-" + workspace + "@acme.test");
        UUID other = database.mailbox(workspace, "other-" + workspace + "@acme.test");
        database.grant(mailbox, workspace, "reader");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("old", 1, false), message("new", 10, false)),
                    Instant.now(), null);
            store.apply(connection, other, Folder.INBOX, List.of(message("elsewhere", 1, false)), Instant.now(), null);
        }
        List<StoredChange> changes = log.after(workspace, 0, 100);
        ChangeReader now = log.readers(workspace, Set.of("reader", "stranger"), Set.of()).get("reader");
        assertEquals(4, changes.stream().filter(now::sees).count(), "both messages of the mailbox they read, nothing else");
        assertEquals(0, changes.stream().filter(log.readers(workspace, Set.of("stranger"), Set.of()).get("stranger")::sees).count());
        try (Connection connection = database.connect()) {
            execute(connection, "UPDATE mailbox_access SET revoked_at = '" + T0.plus(5, ChronoUnit.MINUTES) + "' WHERE user_id = 'reader'");
        }
        ChangeReader ended = log.readers(workspace, Set.of("reader"), Set.of()).get("reader");
        List<Long> seen = changes.stream().filter(ended::sees).map(StoredChange::messageId).distinct().toList();
        assertEquals(1, seen.size(), "only the message received before their access ended: " + seen);
    }

    @Test
    void changesRemovedByRetentionAreMarkedSoAReaderBehindThemKnowsItMissedSome() throws SQLException {
        String workspace = "w-" + UUID.randomUUID();
        UUID mailbox = database.mailbox(workspace, "retention-" + workspace + "@acme.test");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("kept", 1, false)), Instant.now(), null);
        }
        ChangeBatch fresh = log.read(workspace, 0, 100);
        assertEquals(2, fresh.changes().size());
        assertFalse(fresh.forgotAfter(0), "nothing removed yet: " + fresh);

        assertTrue(log.forget(Instant.now().plusSeconds(1)) >= 2, "the retention removes them");
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(message("after", 2, false)), Instant.now(), null);
        }
        ChangeBatch behind = log.read(workspace, 0, 100);
        assertTrue(behind.forgotAfter(0), "a reader at 0 missed positions 1 and 2: " + behind);
        assertEquals(2, behind.forgottenThrough());
        assertEquals(List.of(3L, 4L), behind.changes().stream().map(StoredChange::seq).toList(), "what is kept is still read");
        assertTrue(log.read(workspace, 1, 100).forgotAfter(1), "position 2 is gone too");
        assertFalse(log.read(workspace, 2, 100).forgotAfter(2), "a reader at 2 missed nothing");
        assertEquals(2, log.forgottenThrough(workspace));
        assertEquals(0, log.forgottenThrough("w-" + UUID.randomUUID()), "a workspace with nothing removed");
    }

    private static long messageId(Connection connection, UUID mailbox, String graphId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM message WHERE mailbox_id = ? AND graph_id = ?")) {
            select.setObject(1, mailbox);
            select.setString(2, graphId);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}

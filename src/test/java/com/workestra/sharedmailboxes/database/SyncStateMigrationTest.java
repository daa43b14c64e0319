package com.workestra.sharedmailboxes.database;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V8 and V9 on a database whose connections kept sync's and push's state on their own rows: a connection due for a
 * sync stays due, one that was leased and failing keeps its lease, failures and since when, its last success stays its
 * last success, and a pushed connection stays pushed with a polled one keeping the reason it shows.
 */
class SyncStateMigrationTest {

    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static EmbeddedDatabase database;
    static UUID due;
    static UUID failing;
    static UUID polled;

    @BeforeAll
    static void migrateOverRowsWithSyncStateOnTheConnection() throws SQLException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = EmbeddedDatabase.start(port, Path.of(System.getProperty("java.io.tmpdir"), "pg-syncstate-" + port), false);
        MailboxIdentityMigrationTest.database = database;
        MailboxIdentityMigrationTest.flyway("7").migrate();
        try (Connection connection = MailboxIdentityMigrationTest.connect()) {
            due = MailboxIdentityMigrationTest.personal(connection,
                    MailboxIdentityMigrationTest.mailbox(connection, "ann@contoso.test", "PERSONAL", "user:oid-ann"), "u-ann", "oid-ann", T0);
            failing = MailboxIdentityMigrationTest.personal(connection,
                    MailboxIdentityMigrationTest.mailbox(connection, "bo@contoso.test", "PERSONAL", "user:oid-bo"), "u-bo", "oid-bo", T0);
            polled = MailboxIdentityMigrationTest.personal(connection,
                    MailboxIdentityMigrationTest.mailbox(connection, "cy@contoso.test", "PERSONAL", "user:oid-cy"), "u-cy", "oid-cy", T0);
            update(connection, "UPDATE outlook_connection SET sync_requested_at = ?, sync_reason = 'WEBHOOK', last_sync_at = ?,"
                    + " delivery = 'WEBHOOK' WHERE id = ?", T0, T0.minusSeconds(60), due);
            update(connection, "UPDATE outlook_connection SET sync_lease_owner = 'node-a', sync_lease_until = ?, sync_failures = 3,"
                    + " sync_failure = 'Microsoft 365 did not answer', sync_failure_at = ?, sync_failing_since = ? WHERE id = ?",
                    T0.plusSeconds(300), T0, T0.minusSeconds(600), failing);
            update(connection, "UPDATE outlook_connection SET delivery = 'POLLING', delivery_note = 'Polled every 60 s: no app-only identity.',"
                    + " delivery_failures = 2 WHERE id = ?", polled);
        }
        MailboxIdentityMigrationTest.flyway(null).migrate();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void aConnectionDueForASyncStaysDueAndKeepsItsLastSuccess() throws SQLException {
        assertEquals(T0, instant(state(due, "requested_at")));
        assertEquals("WEBHOOK", state(due, "reason"));
        assertEquals(T0.minusSeconds(60), instant(state(due, "last_success_at")));
    }

    @Test
    void aLeasedFailingConnectionKeepsItsLeaseItsFailuresAndSinceWhen() throws SQLException {
        assertEquals("node-a", state(failing, "lease_owner"));
        assertEquals(T0.plusSeconds(300), instant(state(failing, "lease_until")));
        assertEquals(3, state(failing, "failures"));
        assertEquals("Microsoft 365 did not answer", state(failing, "failure"));
        assertEquals(T0.minusSeconds(600), instant(state(failing, "failing_since")));
        assertNull(state(failing, "last_success_at"), "never synced stays never synced");
    }

    @Test
    void aPushedConnectionStaysPushedAndAPolledOneKeepsItsReasonAndFailures() throws SQLException {
        assertTrue((Boolean) state(due, "pushed"));
        assertFalse((Boolean) state(polled, "pushed"));
        assertEquals("Polled every 60 s: no app-only identity.", single("SELECT note FROM push_delivery WHERE connection_id = ?", polled));
        assertEquals(2, single("SELECT failures FROM push_delivery WHERE connection_id = ?", polled));
        assertNull(single("SELECT note FROM push_delivery WHERE connection_id = ?", due), "nothing to say of a pushed one");
    }

    static Object state(UUID connection, String column) throws SQLException {
        return single("SELECT " + column + " FROM sync_state WHERE connection_id = ?", connection);
    }

    static Object single(String sql, UUID connection) throws SQLException {
        try (Connection db = MailboxIdentityMigrationTest.connect(); PreparedStatement select = db.prepareStatement(sql)) {
            select.setObject(1, connection);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getObject(1) : null;
            }
        }
    }

    static Instant instant(Object value) {
        return value instanceof Timestamp timestamp ? timestamp.toInstant()
                : value instanceof java.time.OffsetDateTime time ? time.toInstant() : null;
    }

    static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i];
                statement.setObject(i + 1, value instanceof Instant at ? Timestamp.from(at) : value);
            }
            statement.executeUpdate();
        }
    }
}

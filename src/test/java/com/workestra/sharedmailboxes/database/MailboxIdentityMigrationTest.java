package com.workestra.sharedmailboxes.database;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * V6 on a database with rows from before mailboxes had identities: existing data keeps working, personal mailboxes
 * are known by their user's object id at once, shared ones learn theirs from the next sync.
 */
class MailboxIdentityMigrationTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static EmbeddedDatabase database;

    static UUID alice;
    static UUID support;
    static UUID formerColleague;
    static UUID disconnected;

    @BeforeAll
    static void migrateOverRowsFromBeforeIdentities() throws SQLException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = EmbeddedDatabase.start(port, Path.of(System.getProperty("java.io.tmpdir"), "pg-identity-" + port), false);
        flyway("5").migrate();
        try (Connection connection = connect()) {
            alice = mailbox(connection, "alice@contoso.test", "PERSONAL");
            personal(connection, alice, "u-alice", "oid-alice", T0);
            support = mailbox(connection, "support@contoso.test", "SHARED");
            UUID bobPersonal = personal(connection, mailbox(connection, "bob@contoso.test", "PERSONAL"), "u-bob", "oid-bob", T0);
            shared(connection, support, bobPersonal, "u-bob", "oid-bob");
            // A new hire got a former colleague's UPN before identities: both Microsoft users reached one row.
            formerColleague = mailbox(connection, "alex@contoso.test", "PERSONAL");
            personal(connection, formerColleague, "u-alex-old", "oid-alex-old", T0);
            personal(connection, formerColleague, "u-alex-new", "oid-alex-new", T0.plusSeconds(86_400));
            disconnected = mailbox(connection, "carol@contoso.test", "PERSONAL");
        }
        flyway(null).migrate();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void personalMailboxesAreKnownByTheirUsersObjectIdAndSharedOnesWaitForTheirNextSync() throws SQLException {
        assertEquals("user:oid-alice", identity(alice));
        assertNull(identity(support), "a shared mailbox's Inbox id is only readable at Microsoft");
        assertEquals("user:oid-alex-old", identity(formerColleague), "of two users on one row, the one connected first");
        assertNull(identity(disconnected), "nobody connected: the next connect by its address adopts it");
    }

    @Test
    void aNewMailboxMayCarryAnAddressThatAnOldOneHasButNotAnIdentityOfTheSameWorkspace() throws SQLException {
        try (Connection connection = connect()) {
            UUID newSupport = mailbox(connection, "support@contoso.test", "SHARED", "inbox:AQMkADnew");
            assertEquals("inbox:AQMkADnew", identity(newSupport));
            assertThrows(SQLException.class, () -> mailbox(connection, "help@contoso.test", "SHARED", "inbox:AQMkADnew"));
            UUID otherWorkspace = UUID.randomUUID();
            insertMailbox(connection, otherWorkspace, "w2", "support@contoso.test", "SHARED", "inbox:AQMkADnew");
            assertEquals("inbox:AQMkADnew", identity(otherWorkspace), "identities are unique per workspace");
        }
    }

    @Test
    void aSyncRecordsTheIdentityOfAMailboxFromBeforeIdentitiesUnlessAnotherMailboxHasIt() throws SQLException {
        try (Connection connection = connect()) {
            UUID legacy = mailbox(connection, "sales@contoso.test", "SHARED");
            UUID other = mailbox(connection, "billing@contoso.test", "SHARED");
            assertTrue(Mailboxes.identifyThrough(connection, legacy, MailboxIdentity.ofInbox("AQMkADsales")));
            assertEquals("inbox:AQMkADsales", identity(legacy));
            assertFalse(Mailboxes.identifyThrough(connection, legacy, MailboxIdentity.ofInbox("AQMkADother")),
                    "a known identity is never overwritten");
            assertFalse(Mailboxes.identifyThrough(connection, other, MailboxIdentity.ofInbox("AQMkADsales")),
                    "another mailbox of the workspace already is that one");
            assertNull(identity(other));
        }
    }

    static Flyway flyway(String target) {
        var configuration = Flyway.configure().dataSource(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)
                .locations("classpath:db/migration");
        if (target != null) {
            configuration.target(target);
        }
        return configuration.load();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    static UUID mailbox(Connection connection, String address, String kind) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mailbox (id, workspace_id, address, kind, created_at) VALUES (?, 'w1', ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, address);
            insert.setString(3, kind);
            insert.setTimestamp(4, Timestamp.from(T0));
            insert.executeUpdate();
        }
        return id;
    }

    static UUID mailbox(Connection connection, String address, String kind, String identity) throws SQLException {
        UUID id = UUID.randomUUID();
        insertMailbox(connection, id, "w1", address, kind, identity);
        return id;
    }

    static void insertMailbox(Connection connection, UUID id, String workspace, String address, String kind, String identity)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mailbox (id, workspace_id, address, kind,"
                + " created_at, exchange_identity) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, workspace);
            insert.setString(3, address);
            insert.setString(4, kind);
            insert.setTimestamp(5, Timestamp.from(T0));
            insert.setString(6, identity);
            insert.executeUpdate();
        }
    }

    static UUID personal(Connection connection, UUID mailbox, String user, String oid, Instant createdAt) throws SQLException {
        return connection(connection, mailbox, null, "PERSONAL", user, oid, createdAt);
    }

    static void shared(Connection connection, UUID mailbox, UUID parent, String user, String oid) throws SQLException {
        connection(connection, mailbox, parent, "SHARED", user, oid, T0);
    }

    static UUID connection(Connection connection, UUID mailbox, UUID parent, String kind, String user, String oid, Instant createdAt)
            throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO outlook_connection (id, workspace_id, user_id,"
                + " kind, mailbox_id, parent_id, microsoft_oid, microsoft_tid, microsoft_upn, granted_scopes, created_at, updated_at)"
                + " VALUES (?, 'w1', ?, ?, ?, ?, ?, 'tid', 'upn', 'Mail.Read', ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, user);
            insert.setString(3, kind);
            insert.setObject(4, mailbox);
            insert.setObject(5, parent);
            insert.setString(6, oid);
            insert.setTimestamp(7, Timestamp.from(createdAt));
            insert.setTimestamp(8, Timestamp.from(createdAt));
            insert.executeUpdate();
        }
        return id;
    }

    static String identity(UUID mailbox) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement select = connection.prepareStatement("SELECT exchange_identity FROM mailbox WHERE id = ?")) {
            select.setObject(1, mailbox);
            try (ResultSet rows = select.executeQuery()) {
                assertTrue(rows.next());
                return rows.getString(1);
            }
        }
    }
}

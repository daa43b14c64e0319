package com.workestra.sharedmailboxes.database;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
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
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * V13 on a database with messages from before threads: each mailbox's Outlook conversation becomes a thread, and mail
 * synced afterwards that names an old message joins its thread, in another mailbox too.
 */
class ConversationThreadsMigrationTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    static EmbeddedDatabase database;
    static UUID support;
    static UUID sales;

    @BeforeAll
    static void migrateOverMessagesFromBeforeThreads() throws SQLException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = EmbeddedDatabase.start(port, Path.of(System.getProperty("java.io.tmpdir"), "pg-threads-" + port), false);
        MailboxIdentityMigrationTest.database = database;
        MailboxIdentityMigrationTest.flyway("9").migrate();
        try (Connection connection = MailboxIdentityMigrationTest.connect()) {
            support = MailboxIdentityMigrationTest.mailbox(connection, "support@contoso.test", "SHARED", "inbox:support");
            sales = MailboxIdentityMigrationTest.mailbox(connection, "sales@contoso.test", "SHARED", "inbox:sales");
            message(connection, support, "INBOX", "s1", "conv-a", "<a1@customer.example>", 0);
            message(connection, support, "SENT", "s2", "conv-a", "<a2@contoso.test>", 1);
            message(connection, support, "INBOX", "s3", "conv-b", "<b1@customer.example>", 2);
            message(connection, support, "INBOX", "s4", null, null, 3);
            message(connection, sales, "INBOX", "x1", "conv-c", "<c1@customer.example>", 4);
        }
        MailboxIdentityMigrationTest.flyway(null).migrate();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void eachMailboxConversationBecomesAThread() throws SQLException {
        assertNotNull(thread(support, "INBOX", "s1"));
        assertEquals(thread(support, "INBOX", "s1"), thread(support, "SENT", "s2"), "our reply in Sent Items is in its thread");
        assertNotEquals(thread(support, "INBOX", "s1"), thread(support, "INBOX", "s3"));
        assertNotNull(thread(support, "INBOX", "s4"), "a message without a conversationId is a thread of its own");
        assertNotEquals(thread(support, "INBOX", "s3"), thread(support, "INBOX", "s4"));
    }

    @Test
    void mailSyncedAfterwardsThatNamesAnOldMessageJoinsItsThreadAcrossMailboxes() throws SQLException {
        MessageChange answer = new MessageChange("x2", false, "<c2@customer.example>", "conv-c", "RE: question",
                new Recipient("Jo", "jo@customer.example"), null, List.of(new Recipient("Sales", "sales@contoso.test")), List.of(),
                T0.plusSeconds(600), false, false, "answer", "text", "answer", "ck-x2",
                List.of("<a1@customer.example>", "<a2@contoso.test>"));
        try (Connection connection = MailboxIdentityMigrationTest.connect()) {
            new MessageStore().apply(connection, sales, Folder.INBOX, List.of(answer), Instant.now(), null);
        }
        Long older = thread(support, "INBOX", "s1");
        assertEquals(older, thread(sales, "INBOX", "x2"));
        assertEquals(older, thread(sales, "INBOX", "x1"), "sales@'s conversation is merged into the older thread");
        assertEquals(older, thread(support, "SENT", "s2"));
    }

    static void message(Connection connection, UUID mailbox, String folder, String graphId, String conversationId,
                        String internetMessageId, int minute) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO message (mailbox_id, workspace_id, folder, graph_id,"
                + " internet_message_id, conversation_id, subject, received_at, synced_at) VALUES (?, 'w1', ?, ?, ?, ?, 'question', ?, now())")) {
            insert.setObject(1, mailbox);
            insert.setString(2, folder);
            insert.setString(3, graphId);
            insert.setString(4, internetMessageId);
            insert.setString(5, conversationId);
            insert.setObject(6, T0.plusSeconds(60L * minute).atOffset(java.time.ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    static Long thread(UUID mailbox, String folder, String graphId) throws SQLException {
        try (Connection connection = MailboxIdentityMigrationTest.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT thread_id FROM message WHERE mailbox_id = ? AND folder = ? AND graph_id = ?")) {
            statement.setObject(1, mailbox);
            statement.setString(2, folder);
            statement.setString(3, graphId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getObject(1, Long.class) : null;
            }
        }
    }
}

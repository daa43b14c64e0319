package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** A real PostgreSQL with the service's schema, for tests of the SQL without a server. */
public final class StoreDatabase implements AutoCloseable {

    private final EmbeddedDatabase database;

    private StoreDatabase(EmbeddedDatabase database) {
        this.database = database;
    }

    public static StoreDatabase start(String name) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "pg-" + name + "-" + port);
        EmbeddedDatabase database = EmbeddedDatabase.start(port, dir, false);
        Flyway.configure().dataSource(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
        return new StoreDatabase(database);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public UUID mailbox(String workspaceId, String address) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO mailbox (id, workspace_id, address, kind, created_at) VALUES (?, ?, ?, 'SHARED', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, workspaceId);
            insert.setString(3, address);
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return id;
    }

    public void grant(UUID mailbox, String workspaceId, String userId) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) VALUES (?, ?, ?, now())")) {
            insert.setObject(1, mailbox);
            insert.setString(2, workspaceId);
            insert.setString(3, userId);
            insert.executeUpdate();
        }
    }

    @Override
    public void close() {
        database.close();
    }
}

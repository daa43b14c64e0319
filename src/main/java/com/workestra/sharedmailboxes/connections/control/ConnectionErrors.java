package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * The one place a connection's error is written, in the caller's transaction: what the person sees under the address
 * until a sync through the row succeeds. Plain updates that leave the row's version alone, so that a person's own
 * concurrent action on the connection (disconnect, reconnect) never fails on a version conflict.
 */
@ApplicationScoped
public class ConnectionErrors {

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    public ConnectionErrors() {
    }

    public ConnectionErrors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Exchange refused the mailbox: the row shows the error, and the person reads only what was received before (until
     * {@link #working}).
     */
    public void refused(UUID connectionId, ProblemCode code, String message, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            write(connection, connectionId, code, message, now);
            Reader reader = reader(connection, connectionId);
            if (reader != null) {
                Mailboxes.endReadingThrough(connection, reader.mailboxId(), reader.userId(), now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording a connection's error failed", e);
        }
    }

    /** The sign-in can no longer be used: the person must reconnect (the shared rows show their parent's error). */
    public void reconnectRequired(UUID connectionId, String message, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            write(connection, connectionId, ProblemCode.RECONNECT_REQUIRED, message, now);
        } catch (SQLException e) {
            throw new IllegalStateException("recording a connection's error failed", e);
        }
    }

    /** A sync through the row succeeded: no error, and the person reads the mailbox again from where their access ended. */
    public void working(UUID connectionId, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement clear = connection.prepareStatement("UPDATE outlook_connection SET error_code = NULL,"
                    + " error_message = NULL, error_at = NULL WHERE id = ? AND error_code IS NOT NULL")) {
                clear.setObject(1, connectionId);
                clear.executeUpdate();
            }
            Reader reader = reader(connection, connectionId);
            if (reader != null) {
                Mailboxes.resumeReadingThrough(connection, reader.mailboxId(), reader.userId(), now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("clearing a connection's error failed", e);
        }
    }

    /** Who reads which mailbox through the connection; null when it was removed meanwhile. */
    private record Reader(UUID mailboxId, String userId) {
    }

    private static Reader reader(Connection connection, UUID connectionId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT mailbox_id, user_id FROM outlook_connection WHERE id = ?")) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new Reader(UuidColumn.read(rows, 1), rows.getString(2)) : null;
            }
        }
    }

    /** The error, since when the row has shown this same code. */
    private static void write(Connection connection, UUID connectionId, ProblemCode code, String message, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE outlook_connection SET error_code = ?, error_message = ?,"
                + " error_at = CASE WHEN error_code IS NOT DISTINCT FROM ? THEN COALESCE(error_at, ?) ELSE ? END WHERE id = ?")) {
            Timestamp at = Timestamp.from(now);
            statement.setString(1, code.name());
            statement.setString(2, message);
            statement.setString(3, code.name());
            statement.setTimestamp(4, at);
            statement.setTimestamp(5, at);
            statement.setObject(6, connectionId);
            statement.executeUpdate();
        }
    }
}

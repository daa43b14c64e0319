package com.workestra.sharedmailboxes.changes.control;

import com.workestra.sharedmailboxes.changes.entity.ChangeReader;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the {@code change} table (the database writes it, see {@code V18__change_feed.sql}): a workspace's changes
 * after a position, in order, and who may read which mailbox. Positions are numbered at commit, in commit order, so
 * reading "after n" never skips a change that commits later with a smaller number.
 */
@ApplicationScoped
public class ChangeLog {

    static final String AFTER = """
            SELECT c.seq, c.at, c.type, c.mailbox_id, b.address, c.message_id, c.thread_id, c.received_at, c.connection_id,
                   c.user_id
              FROM change c LEFT JOIN mailbox b ON b.id = c.mailbox_id
             WHERE c.workspace_id = ? AND c.seq > ?
             ORDER BY c.seq
             LIMIT ?
            """;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    public ChangeLog() {
    }

    /** A log outside the container (tests). */
    public ChangeLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The position of the workspace's latest committed change (0 before its first): "now" in its feed. */
    public long latest(String workspaceId) {
        return latest(Set.of(workspaceId)).getOrDefault(workspaceId, 0L);
    }

    /** {@link #latest} of several workspaces in one statement (those without changes yet are left out). */
    public Map<String, Long> latest(Collection<String> workspaceIds) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT workspace_id, last_seq FROM change_counter WHERE workspace_id = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("varchar", workspaceIds.toArray()));
            Map<String, Long> latest = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    latest.put(rows.getString(1), rows.getLong(2));
                }
            }
            return latest;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the change feed's positions failed", e);
        }
    }

    /** Up to {@code max} of the workspace's changes after position {@code after}, in order, whoever may see them. */
    public List<StoredChange> after(String workspaceId, long after, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(AFTER)) {
            statement.setString(1, workspaceId);
            statement.setLong(2, after);
            statement.setInt(3, max);
            List<StoredChange> changes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long messageId = rows.getLong(6);
                    Long message = rows.wasNull() ? null : messageId;
                    long threadId = rows.getLong(7);
                    Long thread = rows.wasNull() ? null : threadId;
                    changes.add(new StoredChange(rows.getLong(1), instant(rows.getTimestamp(2)), rows.getString(3),
                            rows.getObject(4, UUID.class), rows.getString(5), message, thread, instant(rows.getTimestamp(8)),
                            rows.getObject(9, UUID.class), rows.getString(10)));
                }
            }
            return changes;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the change feed failed", e);
        }
    }

    /**
     * The readers of a workspace's feed as they stand now (their mailbox access read in one statement), by user id:
     * {@code admins} are the users among them who are the workspace's admins.
     */
    public Map<String, ChangeReader> readers(String workspaceId, Collection<String> userIds, Set<String> admins) {
        Map<String, Map<UUID, Optional<Instant>>> access = new HashMap<>();
        for (String userId : userIds) {
            access.put(userId, new HashMap<>());
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT a.user_id, a.mailbox_id, a.revoked_at"
                     + " FROM mailbox_access a JOIN mailbox b ON b.id = a.mailbox_id"
                     + " WHERE a.workspace_id = ? AND b.workspace_id = ? AND a.user_id = ANY (?)")) {
            statement.setString(1, workspaceId);
            statement.setString(2, workspaceId);
            statement.setArray(3, connection.createArrayOf("varchar", userIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    access.get(rows.getString(1)).put(rows.getObject(2, UUID.class),
                            Optional.ofNullable(instant(rows.getTimestamp(3))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading mailbox access for the change feed failed", e);
        }
        Map<String, ChangeReader> readers = new HashMap<>();
        access.forEach((userId, mailboxes) -> readers.put(userId,
                new ChangeReader(workspaceId, userId, admins.contains(userId), mailboxes)));
        return readers;
    }

    /** Removes the changes stored before {@code before} (the feed's retention). @return how many */
    public int forget(Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM change WHERE at < ?")) {
            statement.setTimestamp(1, Timestamp.from(before));
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("pruning the change feed failed", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}

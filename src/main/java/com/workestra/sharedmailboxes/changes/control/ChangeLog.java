package com.workestra.sharedmailboxes.changes.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.changes.entity.ChangeBatch;
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

    /**
     * The changes after a position and, in the same snapshot, how far retention has removed changes (one row with
     * nulls when there are no changes): a change removed before this read is always counted in the mark.
     */
    static final String AFTER = """
            SELECT COALESCE((SELECT f.through FROM change_forgotten f WHERE f.workspace_id = ?), 0),
                   c.seq, c.at, c.type, c.mailbox_id, c.address, c.message_id, c.thread_id, c.received_at, c.connection_id,
                   c.user_id
              FROM (SELECT 1) AS one LEFT JOIN LATERAL (
                   SELECT c.seq, c.at, c.type, c.mailbox_id, b.address, c.message_id, c.thread_id, c.received_at,
                          c.connection_id, c.user_id
                     FROM change c LEFT JOIN mailbox b ON b.id = c.mailbox_id
                    WHERE c.workspace_id = ? AND c.seq > ?
                    ORDER BY c.seq
                    LIMIT ?) c ON true
             ORDER BY c.seq
            """;

    /**
     * Removes the changes stored before a time and, in the same statement, raises each workspace's mark of what was
     * removed, so that a cursor below the mark is told it missed changes.
     */
    static final String FORGET = """
            WITH gone AS (
                DELETE FROM change WHERE at < ? AND seq IS NOT NULL RETURNING workspace_id, seq),
            marked AS (
                INSERT INTO change_forgotten AS f (workspace_id, through)
                SELECT workspace_id, max(seq) FROM gone GROUP BY workspace_id ORDER BY workspace_id
                ON CONFLICT (workspace_id) DO UPDATE SET through = GREATEST(f.through, EXCLUDED.through)
                RETURNING 1)
            SELECT count(*) FROM gone
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
        return read(workspaceId, after, max).changes();
    }

    /**
     * {@link #after}, with the highest position retention has removed, read in the same snapshot: when it is above
     * {@code after}, changes after {@code after} were forgotten before this read (see {@link ChangeBatch#forgotAfter}).
     */
    public ChangeBatch read(String workspaceId, long after, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(AFTER)) {
            statement.setString(1, workspaceId);
            statement.setString(2, workspaceId);
            statement.setLong(3, after);
            statement.setInt(4, max);
            List<StoredChange> changes = new ArrayList<>();
            long forgotten = 0;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    forgotten = rows.getLong(1);
                    long seq = rows.getLong(2);
                    if (rows.wasNull()) {
                        continue; // no changes after the position: only the mark
                    }
                    long messageId = rows.getLong(7);
                    Long message = rows.wasNull() ? null : messageId;
                    long threadId = rows.getLong(8);
                    Long thread = rows.wasNull() ? null : threadId;
                    changes.add(new StoredChange(seq, instant(rows.getTimestamp(3)), rows.getString(4),
                            UuidColumn.read(rows, 5), rows.getString(6), message, thread, instant(rows.getTimestamp(9)),
                            UuidColumn.read(rows, 10), rows.getString(11)));
                }
            }
            return new ChangeBatch(changes, forgotten);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the change feed failed", e);
        }
    }

    /** The highest position of the workspace's feed that retention has removed (0 when none). */
    public long forgottenThrough(String workspaceId) {
        return read(workspaceId, Long.MAX_VALUE, 0).forgottenThrough();
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
                    access.get(rows.getString(1)).put(UuidColumn.read(rows, 2),
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

    /**
     * Removes the changes stored before {@code before} (the feed's retention) and remembers, per workspace, the highest
     * position removed (see {@link #FORGET}). @return how many
     */
    public int forget(Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(FORGET)) {
            statement.setTimestamp(1, Timestamp.from(before));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("pruning the change feed failed", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}

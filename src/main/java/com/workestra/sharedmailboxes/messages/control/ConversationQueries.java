package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Conversations, newest activity first, keyset-paginated. A conversation's place is its newest message that the caller
 * may read and that matches the filters: (received_at, id), unique, so the order is total and a cursor is that pair.
 * A page walks the caller's messages newest first below the cursor (each (mailbox, folder) through its own index range,
 * merged, as the inbox does) and keeps each thread the first time it meets it, unless that thread has a matching message
 * above the cursor (it was on an earlier page: one indexed probe per candidate thread, {@code message_by_thread}). Then
 * the page's threads are read whole, as far as the caller may read them.
 */
@ApplicationScoped
public class ConversationQueries {

    /** A conversation's place in the listing: its newest matching message. */
    public record Position(long threadId, Instant receivedAt, long messageId) {
    }

    /** The most messages one round of a page reads. */
    static final int MAX_BATCH = 1600;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /**
     * A page of conversations as {@code GET /api/v1/conversations} lists them: the positions (one more than the page when
     * more follow) and the messages the reader may read of the page's threads.
     */
    public record Listing(List<Position> positions, Map<Long, List<StoredMessage>> threads) {
    }

    /**
     * A page of conversations on one pooled connection: the user's scope (the one mailbox at {@code address} unless null),
     * the folders the request names among theirs, the page's positions and its threads' messages. Null when none of the
     * scope's mailboxes has the folder the request names.
     */
    public Listing list(String workspaceId, String userId, String address, ListRequests.ListRequest request) {
        try (Connection connection = dataSource.getConnection()) {
            ListScope scope = MessageQueries.scope(connection, workspaceId, userId, address);
            Set<Folder> folders = MessageQueries.folders(connection, scope, request.folder());
            if (folders == null) {
                return null;
            }
            List<Position> positions = page(connection, request.query(scope, folders, false));
            List<Long> threads = positions.stream().limit(request.size()).map(Position::threadId).toList();
            return new Listing(positions, messages(connection, workspaceId, userId, threads));
        } catch (SQLException e) {
            throw new IllegalStateException("conversation query failed", e);
        }
    }

    /** The messages of these threads that {@code readerId} may read, as their access rows say: see {@link #messages(Connection, String, String, Collection)}. */
    public Map<Long, List<StoredMessage>> messages(String workspaceId, String readerId, Collection<Long> threadIds) {
        try (Connection connection = dataSource.getConnection()) {
            return messages(connection, workspaceId, readerId, threadIds);
        } catch (SQLException e) {
            throw new IllegalStateException("conversation read failed", e);
        }
    }

    /** Up to {@code query.limit()} conversations after the query's position, in order. */
    public static List<Position> page(Connection connection, InboxQuery query) throws SQLException {
        return page(connection, query, MessageQueries.SEARCH_WINDOW);
    }

    /**
     * With {@code q}, the caller's matching messages are found as the inbox finds them ({@link MessageQueries#searched}: the
     * {@code searchWindow} newest messages first, else the term's matches through the search indexes), a page at a time.
     */
    static List<Position> page(Connection connection, InboxQuery query, int searchWindow) throws SQLException {
        List<Position> page = new ArrayList<>();
        if ((query.scope().mailboxIds().isEmpty() && !query.scope().byReader()) || query.folders().isEmpty()) {
            return page;
        }
        Set<Long> seen = new HashSet<>();
        Instant afterAt = query.afterReceivedAt();
        Long afterId = query.afterId();
        boolean fromCursor = afterAt != null && afterId != null;
        SearchClause search = SearchClause.of(query.search());
        // A search reads a page of matches at a time: a larger batch would rarely fill among the newest messages.
        int batch = search.isEmpty() ? Math.max(4 * query.limit(), 50) : query.limit();
        while (page.size() < query.limit()) {
            List<Position> scanned = search.isEmpty() ? scan(connection, query, afterAt, afterId, batch)
                    : matching(connection, query, search, afterAt, afterId, batch, searchWindow);
            List<Position> candidates = new ArrayList<>();
            for (Position position : scanned) {
                if (seen.add(position.threadId())) {
                    candidates.add(position);
                }
            }
            Set<Long> earlier = fromCursor ? listedEarlier(connection, query, candidates) : Set.of();
            for (Position candidate : candidates) {
                if (!earlier.contains(candidate.threadId()) && page.size() < query.limit()) {
                    page.add(candidate);
                }
            }
            if (scanned.size() < batch) {
                break;
            }
            Position last = scanned.get(scanned.size() - 1);
            afterAt = last.receivedAt();
            afterId = last.messageId();
            // Below a deep cursor whole batches can be messages of threads listed before (long threads across many
            // mailboxes: 3,000 messages before the next new thread, measured): each round trip reads twice as many.
            batch = Math.min(2 * batch, MAX_BATCH);
        }
        return page;
    }

    /**
     * The caller's matching messages below a position, newest first: (thread, received_at, id). Each listed (mailbox,
     * folder) is read through its own index range and merged; for a reader of more mailboxes ({@link ListScope#byReader()}),
     * one scan of the workspace's newest messages with their access joined, as the inbox does.
     */
    private static List<Position> scan(Connection connection, InboxQuery query, Instant afterAt, Long afterId, int limit)
            throws SQLException {
        if (query.scope().byReader()) {
            return scanOfReader(connection, query, afterAt, afterId, limit);
        }
        boolean keyset = afterAt != null && afterId != null;
        String sql = "SELECT x.thread_id, x.received_at, x.id FROM unnest(?::uuid[], ?::timestamptz[]) AS b(mailbox_id, before)"
                + " CROSS JOIN unnest(?::text[]) AS f(folder) CROSS JOIN LATERAL ("
                + "SELECT COALESCE(m.thread_id, m.id) AS thread_id, m.received_at, m.id FROM message m"
                + " WHERE m.mailbox_id = b.mailbox_id AND m.folder = f.folder AND (b.before IS NULL OR m.received_at < b.before)"
                + " AND m.removed_at IS NULL"
                + (query.unreadOnly() ? " AND NOT m.is_read" : "")
                + (keyset ? " AND (m.received_at, m.id) < (?, ?)" : "")
                + " ORDER BY m.received_at DESC, m.id DESC LIMIT ?) x ORDER BY x.received_at DESC, x.id DESC LIMIT ?";
        List<UUID> ids = new ArrayList<>(query.scope().mailboxIds());
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("uuid", ids.toArray()));
            statement.setArray(p++, connection.createArrayOf("timestamptz", MessageQueries.befores(query.scope(), ids)));
            statement.setArray(p++, connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
            if (keyset) {
                statement.setTimestamp(p++, Timestamp.from(afterAt));
                statement.setLong(p++, afterId);
            }
            statement.setInt(p++, limit);
            statement.setInt(p, limit);
            try (ResultSet rows = statement.executeQuery()) {
                List<Position> positions = new ArrayList<>();
                while (rows.next()) {
                    positions.add(new Position(rows.getLong(1), rows.getTimestamp(2).toInstant(), rows.getLong(3)));
                }
                return positions;
            }
        }
    }

    private static List<Position> scanOfReader(Connection connection, InboxQuery query, Instant afterAt, Long afterId, int limit)
            throws SQLException {
        boolean keyset = afterAt != null && afterId != null;
        String sql = "SELECT COALESCE(m.thread_id, m.id), m.received_at, m.id FROM message m" + MessageQueries.READERS_ACCESS
                + " WHERE m.workspace_id = ?" + MessageQueries.READABLE_BY_ACCESS
                + " AND m.folder = ANY (?::text[]) AND m.removed_at IS NULL"
                + (query.unreadOnly() ? " AND NOT m.is_read" : "")
                + (keyset ? " AND (m.received_at, m.id) < (?, ?)" : "")
                + " ORDER BY m.received_at DESC, m.id DESC LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            statement.setString(p++, query.scope().readerId());
            statement.setString(p++, query.scope().workspaceId());
            statement.setArray(p++, connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
            if (keyset) {
                statement.setTimestamp(p++, Timestamp.from(afterAt));
                statement.setLong(p++, afterId);
            }
            statement.setInt(p, limit);
            try (ResultSet rows = statement.executeQuery()) {
                List<Position> positions = new ArrayList<>();
                while (rows.next()) {
                    positions.add(new Position(rows.getLong(1), rows.getTimestamp(2).toInstant(), rows.getLong(3)));
                }
                return positions;
            }
        }
    }

    /**
     * The caller's messages that match {@code q} below a position, newest first, at most {@code limit}: (thread,
     * received_at, id), found as the inbox finds them.
     */
    private static List<Position> matching(Connection connection, InboxQuery query, SearchClause search, Instant afterAt,
                                           Long afterId, int limit, int searchWindow) throws SQLException {
        InboxQuery below = new InboxQuery(query.scope(), query.folders(), query.unreadOnly(), query.search(), false, afterAt, afterId,
                limit);
        return MessageQueries.searched(connection, below, search, searchWindow, keys -> {
            try (PreparedStatement statement = new MessageQueries.Sql("WITH k AS (" + keys.text() + ")"
                    + " SELECT COALESCE(m.thread_id, m.id), k.received_at, k.id FROM k JOIN message m ON m.id = k.id"
                    + " ORDER BY k.received_at DESC, k.id DESC", keys.parameters()).prepare(connection);
                 ResultSet rows = statement.executeQuery()) {
                List<Position> positions = new ArrayList<>();
                while (rows.next()) {
                    positions.add(new Position(rows.getLong(1), rows.getTimestamp(2).toInstant(), rows.getLong(3)));
                }
                return positions;
            }
        });
    }

    /** Which of the candidate threads have a matching message at or above the query's cursor: they were listed before. */
    private static Set<Long> listedEarlier(Connection connection, InboxQuery query, List<Position> candidates) throws SQLException {
        Set<Long> earlier = new HashSet<>();
        if (candidates.isEmpty()) {
            return earlier;
        }
        SearchClause search = SearchClause.of(query.search());
        String sql = "SELECT DISTINCT m.thread_id FROM message m"
                + (query.scope().byReader() ? MessageQueries.READERS_ACCESS
                : " JOIN unnest(?::uuid[], ?::timestamptz[]) AS b(mailbox_id, before) ON b.mailbox_id = m.mailbox_id")
                + " WHERE m.workspace_id = ? AND m.thread_id = ANY (?::bigint[]) AND m.folder = ANY (?::text[])"
                + (query.scope().byReader() ? MessageQueries.READABLE_BY_ACCESS : " AND (b.before IS NULL OR m.received_at < b.before)")
                + " AND m.removed_at IS NULL"
                + (query.unreadOnly() ? " AND NOT m.is_read" : "")
                + search.sql()
                + " AND (m.received_at, m.id) >= (?, ?)";
        List<UUID> ids = new ArrayList<>(query.scope().mailboxIds());
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            if (query.scope().byReader()) {
                statement.setString(p++, query.scope().readerId());
            } else {
                statement.setArray(p++, connection.createArrayOf("uuid", ids.toArray()));
                statement.setArray(p++, connection.createArrayOf("timestamptz", MessageQueries.befores(query.scope(), ids)));
            }
            statement.setString(p++, query.scope().workspaceId());
            statement.setArray(p++, connection.createArrayOf("bigint", candidates.stream().map(Position::threadId).toArray()));
            statement.setArray(p++, connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
            for (Object parameter : search.parameters()) {
                statement.setObject(p++, parameter);
            }
            statement.setTimestamp(p++, Timestamp.from(query.afterReceivedAt()));
            statement.setLong(p, query.afterId());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    earlier.add(rows.getLong(1));
                }
            }
        }
        return earlier;
    }

    /**
     * The messages of the threads that the reader may read (in a mailbox of the workspace their access rows name, received
     * before that access ended if it did), not removed, oldest first, by thread; a thread with none is absent. One way for
     * every reader and for a single conversation: the threads' messages are found through {@code message_by_thread}, each
     * one's access row by its key.
     */
    static Map<Long, List<StoredMessage>> messages(Connection connection, String workspaceId, String readerId,
                                                   Collection<Long> threadIds) throws SQLException {
        Map<Long, List<StoredMessage>> byThread = new LinkedHashMap<>();
        if (threadIds.isEmpty()) {
            return byThread;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + MessageQueries.LIST_COLUMNS + ", m.thread_id,"
                + " b.address AS mailbox_address FROM message m" + MessageQueries.READERS_ACCESS + " JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE m.workspace_id = ? AND m.thread_id = ANY (?::bigint[])" + MessageQueries.READABLE_BY_ACCESS + " AND m.removed_at IS NULL"
                + " ORDER BY m.received_at, m.id")) {
            statement.setString(1, readerId);
            statement.setString(2, workspaceId);
            statement.setArray(3, connection.createArrayOf("bigint", threadIds.toArray(Long[]::new)));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    byThread.computeIfAbsent(rows.getLong("thread_id"), thread -> new ArrayList<>())
                            .add(MessageQueries.read(rows, UuidColumn.read(rows, "mailbox_id"), rows.getString("mailbox_address"), false));
                }
            }
        }
        return byThread;
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
import com.workestra.sharedmailboxes.mailboxes.entity.ReadableMailbox;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The inbox: newest first across the mailboxes a user may read, keyset-paginated over (received_at DESC, id DESC).
 * For a reader of up to {@link #DEFAULT_MERGE_LIMIT} mailboxes each (mailbox, folder) is read through its own index range
 * and the small per-mailbox pages are merged, so a page costs the same at any depth and whatever the number of other
 * mailboxes in the workspace. A reader of more ({@link ListScope#byReader()}) is served by one scan of the workspace with
 * their access rows joined: listing a thousand mailboxes would cost more than the page.
 */
@ApplicationScoped
public class MessageQueries {

    static final String LIST_COLUMNS = "m.id, m.mailbox_id, m.folder, m.graph_id, m.subject, m.from_name, m.from_address,"
            + " m.sender_name, m.sender_address, m.to_recipients, m.cc_recipients, m.received_at, m.is_read, m.has_attachments,"
            + " m.preview, m.conversation_id, m.internet_message_id, m.removed_at, m.removed_reason, m.moved_to, m.body_names_content_ids,"
            + " (SELECT f.path FROM mail_folder f WHERE f.mailbox_id = m.mailbox_id AND f.folder = m.folder) AS folder_path";

    /** Up to this many readable mailboxes, each is read through its own index range; beyond, one scan with their access joined. */
    public static final int DEFAULT_MERGE_LIMIT = 40;

    /** A search looks at this many of the caller's newest messages first (see {@link #page(Connection, InboxQuery, int)}). */
    static final int SEARCH_WINDOW = 1000;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /** Every mailbox the user may read, by address. */
    public List<ReadableMailbox> readableMailboxes(String workspaceId, String userId) {
        try (Connection connection = dataSource.getConnection()) {
            return readableMailboxes(connection, workspaceId, userId);
        } catch (SQLException e) {
            throw new IllegalStateException("reading mailbox access failed", e);
        }
    }

    /**
     * A page of the inbox as {@code GET /api/v1/messages} lists it, on one pooled connection: the user's scope (the one
     * mailbox at {@code address} unless null), the folders the request names among theirs, and the page's rows (one more
     * than the page when more follow). Null when none of the scope's mailboxes has the folder the request names.
     */
    public List<StoredMessage> list(String workspaceId, String userId, String address, ListRequests.ListRequest request,
                                    boolean includeRemoved) {
        try (Connection connection = dataSource.getConnection()) {
            ListScope scope = scope(connection, workspaceId, userId, address);
            Set<Folder> folders = folders(connection, scope, request.folder());
            return folders == null ? null : page(connection, request.query(scope, folders, includeRemoved));
        } catch (SQLException e) {
            throw new IllegalStateException("inbox query failed", e);
        }
    }

    /**
     * What a listing reads for the user: the mailboxes they may read (only the one at {@code address} unless null), listed
     * when they are at most {@link #DEFAULT_MERGE_LIMIT}, else by their access rows. At most one row more than that is read.
     */
    public static ListScope scope(Connection connection, String workspaceId, String userId, String address) throws SQLException {
        List<ReadableMailbox> mailboxes = readableMailboxes(connection, workspaceId, userId, address, DEFAULT_MERGE_LIMIT + 1);
        if (mailboxes.size() > DEFAULT_MERGE_LIMIT) {
            return new ListScope(workspaceId, userId, Map.of(), Map.of(), true);
        }
        return listed(workspaceId, userId, mailboxes);
    }

    /** A scope that names each of these mailboxes, in this order, with its end of access. */
    static ListScope listed(String workspaceId, String userId, List<ReadableMailbox> mailboxes) {
        Map<UUID, String> addresses = new LinkedHashMap<>();
        Map<UUID, Instant> before = new HashMap<>();
        for (ReadableMailbox mailbox : mailboxes) {
            addresses.put(mailbox.id(), mailbox.address());
            if (mailbox.readableBefore() != null) {
                before.put(mailbox.id(), mailbox.readableBefore());
            }
        }
        return new ListScope(workspaceId, userId, addresses, before, false);
    }

    static List<ReadableMailbox> readableMailboxes(Connection connection, String workspaceId, String userId) throws SQLException {
        return readableMailboxes(connection, workspaceId, userId, null, Integer.MAX_VALUE);
    }

    /** The first {@code limit} of the mailboxes the user may read, by address; only the one at {@code address} unless null. */
    private static List<ReadableMailbox> readableMailboxes(Connection connection, String workspaceId, String userId, String address,
                                                   int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT b.id, b.address, b.kind, b.display_name, a.revoked_at FROM mailbox_access a JOIN mailbox b ON b.id = a.mailbox_id"
                        + " WHERE a.workspace_id = ? AND a.user_id = ? AND b.workspace_id = ?" + (address == null ? "" : " AND b.address = ?")
                        + " ORDER BY b.address LIMIT ?")) {
            int p = 1;
            statement.setString(p++, workspaceId);
            statement.setString(p++, userId);
            statement.setString(p++, workspaceId);
            if (address != null) {
                statement.setString(p++, address);
            }
            statement.setInt(p, limit);
            try (ResultSet rows = statement.executeQuery()) {
                List<ReadableMailbox> mailboxes = new ArrayList<>();
                while (rows.next()) {
                    Timestamp ended = rows.getTimestamp(5);
                    mailboxes.add(new ReadableMailbox(UuidColumn.read(rows, 1), rows.getString(2),
                            MailboxKind.valueOf(rows.getString(3)), rows.getString(4), ended == null ? null : ended.toInstant()));
                }
                return mailboxes;
            }
        }
    }

    /**
     * The folders a list reads: every folder holding messages of the scope's mailboxes when {@code apiName} is blank, else
     * the one it names ({@code inbox}, {@code sent}, a folder id), or null when none of these mailboxes has such a folder.
     */
    static Set<Folder> folders(Connection connection, ListScope scope, String apiName) throws SQLException {
        Folder wanted = Folder.ofApiName(apiName);
        if (scope.byReader()) {
            return wanted == null ? MailFolders.keysOfReader(connection, scope.workspaceId(), scope.readerId())
                    : MailFolders.existsForReader(connection, scope.workspaceId(), scope.readerId(), wanted) ? Set.of(wanted) : null;
        }
        return wanted == null ? MailFolders.keysOf(connection, scope.addresses().keySet())
                : MailFolders.exists(connection, scope.addresses().keySet(), wanted) ? Set.of(wanted) : null;
    }

    /** The page's rows, each tagged with its mailbox's address (listed: from the scope; by reader: from the mailbox table). */
    public static List<StoredMessage> page(Connection connection, InboxQuery query) throws SQLException {
        return page(connection, query, SEARCH_WINDOW);
    }

    /**
     * Finds the page's ids, then reads those rows. Without {@code q}: index-only scans per (mailbox, folder) of the listed
     * mailboxes, merged; for a reader of more ({@link ListScope#byReader()}), one scan of the workspace's newest messages.
     * <p>
     * With {@code q}, PostgreSQL cannot know how many messages a term matches, and with ORDER BY … LIMIT it walks the
     * newest messages hoping to meet enough matches soon: for a rare term it read every message of the workspace (4 s at
     * 300,000 messages, measured). So the words are looked for in two steps, each with a plan that cannot run away:
     * among the caller's {@code searchWindow} newest messages first (a common term fills the page there; the page is
     * exact, since every newer message was looked at); when that does not fill the page, among the term's matches
     * found through the search indexes, newest first.
     */
    static List<StoredMessage> page(Connection connection, InboxQuery query, int searchWindow) throws SQLException {
        if ((query.scope().mailboxIds().isEmpty() && !query.scope().byReader()) || query.folders().isEmpty()) {
            return List.of();
        }
        SearchClause search = SearchClause.of(query.search());
        if (search.isEmpty()) {
            return read(connection, query, newest(connection, query, query.limit()));
        }
        return searched(connection, query, search, searchWindow, keys -> read(connection, query, keys));
    }

    /** Reads the rows whose keys (id, received_at) a query finds, newest first (the inbox's rows, the conversations' positions). */
    interface KeysReader<T> {
        List<T> read(Sql keys) throws SQLException;
    }

    /**
     * The caller's newest {@code query.limit()} messages that match {@code q} below the query's position, read by
     * {@code reader}, in two steps (see {@link #page(Connection, InboxQuery, int)}): among the caller's
     * {@code searchWindow} newest messages first, exact when that fills the page; else among the term's matches found
     * through the search indexes. The inbox and the conversations search this one way.
     */
    static <T> List<T> searched(Connection connection, InboxQuery query, SearchClause search, int searchWindow,
                                KeysReader<T> reader) throws SQLException {
        Sql window = newest(connection, query, searchWindow);
        // In the window's order, so that the words are tested only until the page is full (a common term: a quarter of it).
        Sql inWindow = new Sql("WITH w AS (" + window.text() + ") SELECT m.id, m.received_at FROM w JOIN message m ON m.id = w.id"
                + " WHERE true" + search.sql() + " ORDER BY w.received_at DESC, w.id DESC LIMIT ?", window.parameters());
        inWindow.parameters().addAll(search.parameters());
        inWindow.parameters().add(query.limit());
        List<T> page = reader.read(inWindow);
        if (page.size() >= query.limit()) {
            return page;
        }
        return reader.read(matchesFirst(connection, query, search));
    }

    /** SQL and its parameters in order (strings, numbers, timestamps, arrays). */
    record Sql(String text, List<Object> parameters) {

        /** A statement of this SQL with its parameters set. */
        PreparedStatement prepare(Connection connection) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(text);
            int p = 1;
            for (Object parameter : parameters) {
                statement.setObject(p++, parameter);
            }
            return statement;
        }
    }

    /** The ids and receive times of the caller's newest messages (without {@code q}), newest first, at most {@code limit}. */
    private static Sql newest(Connection connection, InboxQuery query, int limit) throws SQLException {
        if (query.scope().byReader()) {
            return newestOfReader(connection, query, limit);
        }
        List<UUID> ids = new ArrayList<>(query.scope().mailboxIds());
        // Mailboxes whose access ended: only what was received before the end. Usually none, and then the query is the
        // plain one, so the common case keeps its index-only plan.
        boolean cutoffs = ids.stream().anyMatch(id -> query.scope().readableBefore(id) != null);
        boolean keyset = query.afterReceivedAt() != null && query.afterId() != null;
        String keys = "SELECT m.id, m.received_at FROM message m WHERE m.mailbox_id = b.mailbox_id AND m.folder = f.folder"
                + (cutoffs ? " AND (b.before IS NULL OR m.received_at < b.before)" : "")
                + (keyset ? " AND (m.received_at, m.id) < (?, ?)" : "")
                + visibility(query) + " ORDER BY m.received_at DESC, m.id DESC LIMIT ?";
        List<Object> parameters = new ArrayList<>();
        parameters.add(connection.createArrayOf("uuid", ids.toArray()));
        if (cutoffs) {
            parameters.add(connection.createArrayOf("timestamptz", befores(query.scope(), ids)));
        }
        parameters.add(connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
        if (keyset) {
            parameters.add(Timestamp.from(query.afterReceivedAt()));
            parameters.add(query.afterId());
        }
        parameters.add(limit);
        parameters.add(limit);
        String range = cutoffs ? "unnest(?::uuid[], ?::timestamptz[]) AS b(mailbox_id, before)" : "unnest(?::uuid[]) AS b(mailbox_id)";
        return new Sql("SELECT x.id, x.received_at FROM " + range + " CROSS JOIN unnest(?::text[]) AS f(folder)"
                + " CROSS JOIN LATERAL (" + keys + ") x ORDER BY x.received_at DESC, x.id DESC LIMIT ?", parameters);
    }

    /**
     * {@link #newest} across every mailbox of the workspace the reader's access rows name, each up to the end of that
     * access: one scan of the workspace's newest messages, the access row of each found by its key.
     */
    private static Sql newestOfReader(Connection connection, InboxQuery query, int limit) throws SQLException {
        boolean keyset = query.afterReceivedAt() != null && query.afterId() != null;
        List<Object> parameters = new ArrayList<>(List.of(query.scope().readerId(), query.scope().workspaceId(),
                connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray(String[]::new))));
        if (keyset) {
            parameters.add(Timestamp.from(query.afterReceivedAt()));
            parameters.add(query.afterId());
        }
        parameters.add(limit);
        return new Sql("SELECT m.id, m.received_at FROM message m" + READERS_ACCESS + " WHERE m.workspace_id = ?"
                + " AND m.folder = ANY (?::text[])" + READABLE_BY_ACCESS + (keyset ? " AND (m.received_at, m.id) < (?, ?)" : "")
                + visibility(query) + " ORDER BY m.received_at DESC, m.id DESC LIMIT ?", parameters);
    }

    /**
     * The ids of the caller's messages that match {@code q}, newest first: every match is found through the search
     * indexes first (MATERIALIZED: not walked newest first), then sorted. The mailboxes are a filter, not an index
     * condition, so that PostgreSQL does not read every message of a large mailbox to test the words; so is the cursor,
     * so that it does not AND the matches with the workspace's index range below a deep cursor (half a million entries
     * read to keep one match: 75 ms measured, SearchBenchmark).
     */
    private static Sql matchesFirst(Connection connection, InboxQuery query, SearchClause search) throws SQLException {
        List<UUID> ids = new ArrayList<>(query.scope().mailboxIds());
        List<UUID> ended = ids.stream().filter(id -> query.scope().readableBefore(id) != null).toList();
        boolean keyset = query.afterReceivedAt() != null && query.afterId() != null;
        String matches = "SELECT m.id, m.received_at FROM message m WHERE m.workspace_id = ?"
                + (query.scope().byReader() ? READER_MAY_READ : SearchClause.MAILBOXES_OF_WORKSPACE)
                + " AND m.folder = ANY (?::text[])" + (ended.isEmpty() ? "" : CUTOFFS)
                + (keyset ? " AND ((m.received_at, m.id) < (?, ?)) IS TRUE" : "") + visibility(query) + search.sql();
        List<Object> parameters = new ArrayList<>();
        parameters.add(query.scope().workspaceId());
        parameters.add(query.scope().byReader() ? query.scope().readerId() : connection.createArrayOf("uuid", ids.toArray()));
        parameters.add(connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
        if (!ended.isEmpty()) {
            parameters.addAll(cutoffParameters(connection, ended, query));
        }
        if (keyset) {
            parameters.add(Timestamp.from(query.afterReceivedAt()));
            parameters.add(query.afterId());
        }
        parameters.addAll(search.parameters());
        parameters.add(query.limit());
        return new Sql("WITH matches AS MATERIALIZED (" + matches + ") SELECT id, received_at FROM matches"
                + " ORDER BY received_at DESC, id DESC LIMIT ?", parameters);
    }

    /** How a statement on {@code message m} joins the reader's access rows, as {@code a} (one parameter: the reader). */
    static final String READERS_ACCESS = " JOIN mailbox_access a ON a.mailbox_id = m.mailbox_id"
            + " AND a.workspace_id = m.workspace_id AND a.user_id = ?";

    /** A message the reader may read by their access row {@code a}: received before that access ended, if it did. */
    static final String READABLE_BY_ACCESS = " AND (a.revoked_at IS NULL OR m.received_at < a.revoked_at)";

    /**
     * A message the reader may read, as their access row of its mailbox says (one parameter: the reader): a correlated
     * subquery, so that it stays a filter of the matches, as {@link SearchClause#MAILBOXES_OF_WORKSPACE} is.
     */
    private static final String READER_MAY_READ = " AND (SELECT a.revoked_at IS NULL OR m.received_at < a.revoked_at"
            + " FROM mailbox_access a WHERE a.mailbox_id = m.mailbox_id AND a.workspace_id = m.workspace_id AND a.user_id = ?) IS TRUE";

    /** Messages of mailboxes whose access ended: only those received before the end (three parameters). */
    private static final String CUTOFFS = " AND (m.mailbox_id <> ALL (?::uuid[]) OR m.received_at < (SELECT e.before FROM"
            + " unnest(?::uuid[], ?::timestamptz[]) AS e(mailbox_id, before) WHERE e.mailbox_id = m.mailbox_id))";

    private static List<Object> cutoffParameters(Connection connection, List<UUID> ended, InboxQuery query) throws SQLException {
        return List.of(connection.createArrayOf("uuid", ended.toArray()), connection.createArrayOf("uuid", ended.toArray()),
                connection.createArrayOf("timestamptz", befores(query.scope(), ended)));
    }

    private static String visibility(InboxQuery query) {
        if (query.unreadOnly()) {
            return " AND NOT m.is_read AND m.removed_at IS NULL";
        }
        return query.includeRemoved() ? "" : " AND m.removed_at IS NULL";
    }

    /** Reads the rows whose ids (and receive times) {@code keys} finds, in its order. */
    private static List<StoredMessage> read(Connection connection, InboxQuery query, Sql keys) throws SQLException {
        boolean byReader = query.scope().byReader();
        try (PreparedStatement statement = new Sql("WITH top AS (" + keys.text() + ") SELECT " + LIST_COLUMNS
                + (byReader ? ", b.address AS mailbox_address" : "") + " FROM top JOIN message m ON m.id = top.id"
                + (byReader ? " JOIN mailbox b ON b.id = m.mailbox_id" : "") + " ORDER BY top.received_at DESC, top.id DESC",
                keys.parameters()).prepare(connection)) {
            try (ResultSet rows = statement.executeQuery()) {
                List<StoredMessage> messages = new ArrayList<>();
                while (rows.next()) {
                    UUID mailboxId = UuidColumn.read(rows, "mailbox_id");
                    messages.add(read(rows, mailboxId, byReader ? rows.getString("mailbox_address") : query.scope().addresses().get(mailboxId), false));
                }
                return messages;
            }
        }
    }

    /** The end of the scope's access to each mailbox, in their order, for a {@code timestamptz[]} parameter (null: none). */
    static Object[] befores(ListScope scope, List<UUID> mailboxIds) {
        return mailboxIds.stream().map(scope::readableBefore).map(end -> end == null ? null : Timestamp.from(end)).toArray();
    }

    /**
     * One message with its body, if the reader may read it: in a mailbox of the workspace their access rows name, received
     * before that access ended if it did.
     */
    public StoredMessage find(long id, String workspaceId, String readerId) {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, id, workspaceId, readerId);
        } catch (SQLException e) {
            throw new IllegalStateException("message read failed", e);
        }
    }

    static StoredMessage find(Connection connection, long id, String workspaceId, String readerId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + LIST_COLUMNS + ", m.body_type, m.body,"
                + " b.address AS mailbox_address FROM message m" + READERS_ACCESS + " JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE m.id = ? AND m.workspace_id = ?" + READABLE_BY_ACCESS)) {
            statement.setString(1, readerId);
            statement.setLong(2, id);
            statement.setString(3, workspaceId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? read(rows, UuidColumn.read(rows, "mailbox_id"), rows.getString("mailbox_address"), true) : null;
            }
        }
    }

    static StoredMessage read(ResultSet rows, UUID mailboxId, String address, boolean withBody) throws SQLException {
        Timestamp removed = rows.getTimestamp("removed_at");
        return new StoredMessage(rows.getLong("id"), mailboxId, address, Folder.of(rows.getString("folder"), rows.getString("folder_path")),
                rows.getString("graph_id"), rows.getString("subject"),
                recipient(rows.getString("from_name"), rows.getString("from_address")),
                recipient(rows.getString("sender_name"), rows.getString("sender_address")),
                RecipientsJson.read(rows.getString("to_recipients")), RecipientsJson.read(rows.getString("cc_recipients")),
                rows.getTimestamp("received_at").toInstant(), rows.getBoolean("is_read"), rows.getBoolean("has_attachments"),
                rows.getString("preview"), rows.getString("conversation_id"), rows.getString("internet_message_id"),
                withBody ? rows.getString("body_type") : null, withBody ? rows.getString("body") : null,
                removed == null ? null : removed.toInstant(), rows.getString("removed_reason"), rows.getString("moved_to"),
                rows.getBoolean("body_names_content_ids"));
    }

    private static Recipient recipient(String name, String address) {
        return name == null && address == null ? null : new Recipient(name, address);
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The inbox: newest first across the mailboxes a user may read, keyset-paginated over (received_at DESC, id DESC).
 * Each (mailbox, folder) is read through its own index range and the small per-mailbox pages are merged, so a page costs
 * the same at any depth and whatever the number of other mailboxes in the workspace.
 */
@ApplicationScoped
public class MessageQueries {

    static final String LIST_COLUMNS = "m.id, m.mailbox_id, m.folder, m.graph_id, m.subject, m.from_name, m.from_address,"
            + " m.sender_name, m.sender_address, m.to_recipients, m.cc_recipients, m.received_at, m.is_read, m.has_attachments,"
            + " m.preview, m.conversation_id, m.internet_message_id, m.removed_at, m.removed_reason, m.moved_to,"
            + " (SELECT f.path FROM mail_folder f WHERE f.mailbox_id = m.mailbox_id AND f.folder = m.folder) AS folder_path";

    /** Up to this many readable mailboxes, each is read through its own index range; beyond, one scan across them. */
    static final int DEFAULT_MERGE_LIMIT = 40;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    public List<ReadableMailbox> readableMailboxes(String workspaceId, String userId) {
        try (Connection connection = dataSource.getConnection()) {
            return readableMailboxes(connection, workspaceId, userId);
        } catch (SQLException e) {
            throw new IllegalStateException("reading mailbox access failed", e);
        }
    }

    static List<ReadableMailbox> readableMailboxes(Connection connection, String workspaceId, String userId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT b.id, b.address, b.kind, b.display_name, a.revoked_at FROM mailbox_access a JOIN mailbox b ON b.id = a.mailbox_id"
                        + " WHERE a.workspace_id = ? AND a.user_id = ? AND b.workspace_id = ?"
                        + " ORDER BY b.address")) {
            statement.setString(1, workspaceId);
            statement.setString(2, userId);
            statement.setString(3, workspaceId);
            try (ResultSet rows = statement.executeQuery()) {
                List<ReadableMailbox> mailboxes = new ArrayList<>();
                while (rows.next()) {
                    Timestamp ended = rows.getTimestamp(5);
                    mailboxes.add(new ReadableMailbox(rows.getObject(1, UUID.class), rows.getString(2),
                            MailboxKind.valueOf(rows.getString(3)), rows.getString(4), ended == null ? null : ended.toInstant()));
                }
                return mailboxes;
            }
        }
    }

    /**
     * The folders a list reads: every folder holding messages of these mailboxes when {@code apiName} is blank, else the
     * one it names ({@code inbox}, {@code sent}, a folder id), or null when none of these mailboxes has such a folder.
     */
    public Set<Folder> folders(Collection<UUID> mailboxIds, String apiName) {
        try (Connection connection = dataSource.getConnection()) {
            Folder wanted = Folder.ofApiName(apiName);
            if (wanted == null) {
                return MailFolders.keysOf(connection, mailboxIds);
            }
            return MailFolders.exists(connection, mailboxIds, wanted) ? Set.of(wanted) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("reading mail folders failed", e);
        }
    }

    public List<StoredMessage> page(InboxQuery query, Map<UUID, String> addresses) {
        try (Connection connection = dataSource.getConnection()) {
            return page(connection, query, addresses);
        } catch (SQLException e) {
            throw new IllegalStateException("inbox query failed", e);
        }
    }

    public static List<StoredMessage> page(Connection connection, InboxQuery query, Map<UUID, String> addresses) throws SQLException {
        return page(connection, query, addresses, DEFAULT_MERGE_LIMIT);
    }

    /**
     * Phase one finds the page's ids with index-only scans: per (mailbox, folder) and merged when the caller reads up to
     * {@code mergeLimit} mailboxes, else one scan of the newest messages across mailboxes. Phase two reads those rows.
     */
    static List<StoredMessage> page(Connection connection, InboxQuery query, Map<UUID, String> addresses, int mergeLimit)
            throws SQLException {
        if (query.mailboxIds().isEmpty() || query.folders().isEmpty()) {
            return List.of();
        }
        boolean perMailbox = query.mailboxIds().size() <= mergeLimit;
        List<UUID> ids = new ArrayList<>(query.mailboxIds());
        // Mailboxes whose access ended: only what was received before the end. Usually none, and then the query is the
        // plain one, so the common case keeps its index-only plan.
        List<UUID> ended = ids.stream().filter(id -> query.readableBefore(id) != null).toList();
        boolean cutoffs = !ended.isEmpty();
        SearchClause search = SearchClause.of(query.search());
        StringBuilder keys = new StringBuilder(perMailbox
                ? "SELECT m.id, m.received_at FROM message m WHERE m.mailbox_id = b.mailbox_id AND m.folder = f.folder"
                : "SELECT m.id, m.received_at FROM message m WHERE m.workspace_id = ?" + search.mailboxesOfWorkspace()
                + " AND m.folder = ANY (?::text[])");
        if (cutoffs) {
            keys.append(perMailbox ? " AND (b.before IS NULL OR m.received_at < b.before)"
                    : " AND (m.mailbox_id <> ALL (?::uuid[]) OR m.received_at < (SELECT e.before FROM"
                    + " unnest(?::uuid[], ?::timestamptz[]) AS e(mailbox_id, before) WHERE e.mailbox_id = m.mailbox_id))");
        }
        boolean keyset = query.afterReceivedAt() != null && query.afterId() != null;
        if (keyset) {
            keys.append(" AND (m.received_at, m.id) < (?, ?)");
        }
        if (query.unreadOnly()) {
            keys.append(" AND NOT m.is_read AND m.removed_at IS NULL");
        } else if (!query.includeRemoved()) {
            keys.append(" AND m.removed_at IS NULL");
        }
        keys.append(search.sql());
        keys.append(" ORDER BY m.received_at DESC, m.id DESC LIMIT ?");
        String mailboxes = cutoffs ? "unnest(?::uuid[], ?::timestamptz[]) AS b(mailbox_id, before)" : "unnest(?::uuid[]) AS b(mailbox_id)";
        String top = perMailbox
                ? "SELECT x.id, x.received_at FROM " + mailboxes + " CROSS JOIN unnest(?::text[]) AS f(folder)"
                + " CROSS JOIN LATERAL (" + keys + ") x ORDER BY x.received_at DESC, x.id DESC LIMIT ?"
                : keys.toString();
        String sql = "WITH top AS (" + top + ") SELECT " + LIST_COLUMNS
                + " FROM top JOIN message m ON m.id = top.id ORDER BY top.received_at DESC, top.id DESC";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            if (!perMailbox) {
                statement.setString(p++, query.workspaceId());
            }
            statement.setArray(p++, connection.createArrayOf("uuid", ids.toArray()));
            if (perMailbox && cutoffs) {
                statement.setArray(p++, connection.createArrayOf("timestamptz", befores(ids, query)));
            }
            statement.setArray(p++, connection.createArrayOf("text", query.folders().stream().map(Folder::name).toArray()));
            if (!perMailbox && cutoffs) {
                statement.setArray(p++, connection.createArrayOf("uuid", ended.toArray()));
                statement.setArray(p++, connection.createArrayOf("uuid", ended.toArray()));
                statement.setArray(p++, connection.createArrayOf("timestamptz", befores(ended, query)));
            }
            if (keyset) {
                statement.setTimestamp(p++, Timestamp.from(query.afterReceivedAt()));
                statement.setLong(p++, query.afterId());
            }
            p = search.bind(statement, p);
            statement.setInt(p++, query.limit());
            if (perMailbox) {
                statement.setInt(p, query.limit());
            }
            try (ResultSet rows = statement.executeQuery()) {
                List<StoredMessage> messages = new ArrayList<>(query.limit());
                while (rows.next()) {
                    messages.add(read(rows, addresses, false));
                }
                return messages;
            }
        }
    }

    private static Object[] befores(List<UUID> mailboxIds, InboxQuery query) {
        return mailboxIds.stream().map(id -> query.readableBefore(id) == null ? null : Timestamp.from(query.readableBefore(id))).toArray();
    }

    /** One message with its body, if the caller may read it (in one of the mailboxes, received before their access ended). */
    public StoredMessage find(long id, Map<UUID, String> addresses, Map<UUID, Instant> readableBefore) {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, id, addresses, readableBefore);
        } catch (SQLException e) {
            throw new IllegalStateException("message read failed", e);
        }
    }

    static StoredMessage find(Connection connection, long id, Map<UUID, String> addresses) throws SQLException {
        return find(connection, id, addresses, Map.of());
    }

    static StoredMessage find(Connection connection, long id, Map<UUID, String> addresses, Map<UUID, Instant> readableBefore)
            throws SQLException {
        if (addresses.isEmpty()) {
            return null;
        }
        List<UUID> ids = new ArrayList<>(addresses.keySet());
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + LIST_COLUMNS + ", m.body_type, m.body"
                + " FROM message m JOIN unnest(?::uuid[], ?::timestamptz[]) AS b(mailbox_id, before) ON b.mailbox_id = m.mailbox_id"
                + " WHERE m.id = ? AND (b.before IS NULL OR m.received_at < b.before)")) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            statement.setArray(2, connection.createArrayOf("timestamptz", ids.stream()
                    .map(mailbox -> readableBefore.get(mailbox) == null ? null : Timestamp.from(readableBefore.get(mailbox))).toArray()));
            statement.setLong(3, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? read(rows, addresses, true) : null;
            }
        }
    }

    static StoredMessage read(ResultSet rows, Map<UUID, String> addresses, boolean withBody) throws SQLException {
        UUID mailboxId = rows.getObject("mailbox_id", UUID.class);
        Timestamp removed = rows.getTimestamp("removed_at");
        return new StoredMessage(rows.getLong("id"), mailboxId, addresses.get(mailboxId), Folder.of(rows.getString("folder"), rows.getString("folder_path")),
                rows.getString("graph_id"), rows.getString("subject"),
                recipient(rows.getString("from_name"), rows.getString("from_address")),
                recipient(rows.getString("sender_name"), rows.getString("sender_address")),
                RecipientsJson.read(rows.getString("to_recipients")), RecipientsJson.read(rows.getString("cc_recipients")),
                rows.getTimestamp("received_at").toInstant(), rows.getBoolean("is_read"), rows.getBoolean("has_attachments"),
                rows.getString("preview"), rows.getString("conversation_id"), rows.getString("internet_message_id"),
                withBody ? rows.getString("body_type") : null, withBody ? rows.getString("body") : null,
                removed == null ? null : removed.toInstant(), rows.getString("removed_reason"), rows.getString("moved_to"));
    }

    private static Recipient recipient(String name, String address) {
        return name == null && address == null ? null : new Recipient(name, address);
    }

    public static Map<UUID, String> addresses(Collection<ReadableMailbox> mailboxes) {
        Map<UUID, String> addresses = new HashMap<>();
        mailboxes.forEach(mailbox -> addresses.put(mailbox.id(), mailbox.address()));
        return addresses;
    }
}

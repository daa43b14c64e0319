package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MailFolderEntry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code mail_folder} table: each mailbox's folder tree as Microsoft last listed it. Written by sync (in its
 * transaction, on its connection), read by the message API for folder names and by sync for what to read. A folder
 * that is no longer listed (deleted in Outlook, with what it held) keeps its row, marked removed, and its messages are
 * marked removed like a delta {@code @removed}: nothing of it is shown as current any more.
 */
public final class MailFolders {

    /** A folder of a mailbox as stored: its key, Graph id, parent key, well-known name, names, default choice. */
    public record Stored(Folder folder, String graphId, String parentFolder, String wellKnownName, String displayName,
                         String path, boolean syncedByDefault) {
    }

    private MailFolders() {
    }

    /**
     * Records the tree just listed: new and renamed folders are written, folders no longer listed are marked removed
     * together with their messages. Deleted Items, Junk Email, Drafts and everything under them are not synced by
     * default. @return the folders of the tree
     */
    public static List<Stored> listed(Connection connection, UUID mailboxId, List<MailFolderEntry> tree, Instant now)
            throws SQLException {
        return listed(connection, mailboxId, tree, true, now);
    }

    /** @param complete false when the listing stopped early (a bound on huge trees): nothing is taken as deleted then */
    public static List<Stored> listed(Connection connection, UUID mailboxId, List<MailFolderEntry> tree, boolean complete,
                                      Instant now) throws SQLException {
        Map<String, MailFolderEntry> byId = new HashMap<>();
        tree.forEach(entry -> byId.put(entry.graphId(), entry));
        List<Stored> stored = new ArrayList<>(tree.size());
        for (MailFolderEntry entry : tree) {
            MailFolderEntry parent = byId.get(entry.parentGraphId());
            boolean byDefault = true;
            for (MailFolderEntry at = entry; at != null; at = byId.get(at.parentGraphId())) {
                if (at.wellKnownName() != null && MailFolderEntry.NOT_SYNCED_BY_DEFAULT.contains(at.wellKnownName())) {
                    byDefault = false;
                    break;
                }
                if (at == byId.get(at.parentGraphId())) {
                    break;
                }
            }
            stored.add(new Stored(entry.folder(), entry.graphId(), parent == null ? null : parent.folder().name(),
                    entry.wellKnownName(), entry.displayName(), entry.path(), byDefault));
        }
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO mail_folder AS f (mailbox_id, folder, graph_id, parent_folder, well_known_name, display_name, path,
                                              synced_by_default, listed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (mailbox_id, folder) DO UPDATE SET graph_id = EXCLUDED.graph_id,
                    parent_folder = EXCLUDED.parent_folder, well_known_name = EXCLUDED.well_known_name,
                    display_name = EXCLUDED.display_name, path = EXCLUDED.path,
                    synced_by_default = EXCLUDED.synced_by_default, listed_at = EXCLUDED.listed_at, removed_at = NULL
                """)) {
            for (Stored folder : stored) {
                upsert.setObject(1, mailboxId);
                upsert.setString(2, folder.folder().name());
                upsert.setString(3, folder.graphId());
                upsert.setString(4, folder.parentFolder());
                upsert.setString(5, folder.wellKnownName());
                upsert.setString(6, folder.displayName());
                upsert.setString(7, folder.path());
                upsert.setBoolean(8, folder.syncedByDefault());
                upsert.setTimestamp(9, at);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
        List<String> gone = new ArrayList<>();
        if (!complete) {
            return stored;
        }
        try (PreparedStatement vanished = connection.prepareStatement("UPDATE mail_folder SET removed_at = ?"
                + " WHERE mailbox_id = ? AND removed_at IS NULL AND listed_at < ? AND folder NOT IN ('INBOX', 'SENT')"
                + " RETURNING folder")) {
            vanished.setTimestamp(1, at);
            vanished.setObject(2, mailboxId);
            vanished.setTimestamp(3, at);
            try (ResultSet rows = vanished.executeQuery()) {
                while (rows.next()) {
                    gone.add(rows.getString(1));
                }
            }
        }
        removeMessagesOf(connection, mailboxId, gone, now);
        return stored;
    }

    /** Microsoft no longer has the folder (a 404 on its delta): it and its messages are marked removed. */
    public static void gone(Connection connection, UUID mailboxId, Folder folder, Instant now) throws SQLException {
        if (folder.isWellKnown()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE mail_folder SET removed_at = ? WHERE mailbox_id = ? AND folder = ? AND removed_at IS NULL")) {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, mailboxId);
            statement.setString(3, folder.name());
            statement.executeUpdate();
        }
        removeMessagesOf(connection, mailboxId, List.of(folder.name()), now);
    }

    private static void removeMessagesOf(Connection connection, UUID mailboxId, List<String> folders, Instant now)
            throws SQLException {
        if (folders.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET removed_at = ?, synced_at = ?"
                + " WHERE mailbox_id = ? AND folder = ANY (?::text[]) AND removed_at IS NULL")) {
            Timestamp at = Timestamp.from(now);
            statement.setTimestamp(1, at);
            statement.setTimestamp(2, at);
            statement.setObject(3, mailboxId);
            statement.setArray(4, connection.createArrayOf("text", folders.toArray(String[]::new)));
            statement.executeUpdate();
        }
    }

    /** The mailbox's current folders (none before its tree was first listed), Inbox and Sent Items first, then by path. */
    public static List<Stored> of(Connection connection, UUID mailboxId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT folder, graph_id, parent_folder, well_known_name,"
                + " display_name, path, synced_by_default FROM mail_folder WHERE mailbox_id = ? AND removed_at IS NULL"
                + " ORDER BY folder <> 'INBOX', folder <> 'SENT', path")) {
            statement.setObject(1, mailboxId);
            List<Stored> folders = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    folders.add(new Stored(Folder.of(rows.getString(1), rows.getString(6)), rows.getString(2),
                            rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6), rows.getBoolean(7)));
                }
            }
            return folders;
        }
    }

    /**
     * Every folder that holds messages of these mailboxes: Inbox, Sent Items, and the other folders of their trees that
     * hold any (the message lists read each one through its own index range).
     */
    public static Set<Folder> keysOf(Connection connection, Collection<UUID> mailboxIds) throws SQLException {
        if (mailboxIds.isEmpty()) {
            return new LinkedHashSet<>(List.of(Folder.INBOX, Folder.SENT));
        }
        return keysWhere(connection, "f.mailbox_id = ANY (?::uuid[])", connection.createArrayOf("uuid", mailboxIds.toArray()));
    }

    /** {@link #keysOf} for every mailbox of the workspace the reader's access rows name. */
    public static Set<Folder> keysOfReader(Connection connection, String workspaceId, String readerId) throws SQLException {
        return keysWhere(connection, READERS_MAILBOX, workspaceId, readerId);
    }

    private static Set<Folder> keysWhere(Connection connection, String mailboxCondition, Object... parameters) throws SQLException {
        Set<Folder> folders = new LinkedHashSet<>(List.of(Folder.INBOX, Folder.SENT));
        // Only folders that hold messages (one index probe each): a mailbox's hundred empty folders cost the lists nothing.
        try (PreparedStatement statement = connection.prepareStatement("SELECT DISTINCT f.folder FROM mail_folder f"
                + " WHERE " + mailboxCondition + " AND f.folder NOT IN ('INBOX', 'SENT')"
                + " AND EXISTS (SELECT 1 FROM message m WHERE m.mailbox_id = f.mailbox_id AND m.folder = f.folder)")) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    folders.add(Folder.valueOf(rows.getString(1)));
                }
            }
        }
        return folders;
    }

    /** Whether {@code folder} is a folder of one of these mailboxes (Inbox and Sent Items always are). */
    public static boolean exists(Connection connection, Collection<UUID> mailboxIds, Folder folder) throws SQLException {
        if (folder.isWellKnown()) {
            return true;
        }
        if (mailboxIds.isEmpty()) {
            return false;
        }
        return existsWhere(connection, folder, "f.mailbox_id = ANY (?::uuid[])", connection.createArrayOf("uuid", mailboxIds.toArray()));
    }

    /** {@link #exists} for every mailbox of the workspace the reader's access rows name. */
    public static boolean existsForReader(Connection connection, String workspaceId, String readerId, Folder folder) throws SQLException {
        return folder.isWellKnown() || existsWhere(connection, folder, READERS_MAILBOX, workspaceId, readerId);
    }

    private static boolean existsWhere(Connection connection, Folder folder, String mailboxCondition, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM mail_folder f WHERE " + mailboxCondition + " AND f.folder = ? LIMIT 1")) {
            bind(statement, parameters);
            statement.setString(parameters.length + 1, folder.name());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * A folder's mailbox is one of the workspace that the reader's access rows name there (two parameters: workspace,
     * reader); an access row naming another workspace's mailbox names nothing.
     */
    private static final String READERS_MAILBOX = "f.mailbox_id IN (SELECT a.mailbox_id FROM mailbox_access a JOIN mailbox b"
            + " ON b.id = a.mailbox_id AND b.workspace_id = a.workspace_id WHERE a.workspace_id = ? AND a.user_id = ?)";

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}

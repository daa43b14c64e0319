package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.messages.control.MailFolders;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which folders of its mailbox a connection syncs: what the person chose ({@code sync_folder_choice}, which only this
 * class writes), else the default (every mail folder but Deleted Items, Junk Email, Drafts and what is under them).
 * Before the mailbox's tree was first listed: Inbox and Sent Items, as always.
 */
@ApplicationScoped
public class FolderSelection {

    /** A folder of the connection's mailbox and whether the connection syncs it. */
    public record Choice(MailFolders.Stored folder, boolean selected) {
    }

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /** The mailbox's folders, each with the connection's choice (none before the tree was first listed). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Choice> choices(UUID connectionId, UUID mailboxId) {
        try (Connection connection = dataSource.getConnection()) {
            return choices(connection, connectionId, mailboxId);
        } catch (SQLException e) {
            throw new IllegalStateException("reading folder choices failed", e);
        }
    }

    private static List<Choice> choices(Connection connection, UUID connectionId, UUID mailboxId) throws SQLException {
        Map<String, Boolean> chosen = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT folder, selected FROM sync_folder_choice WHERE connection_id = ?")) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    chosen.put(rows.getString(1), rows.getBoolean(2));
                }
            }
        }
        List<Choice> choices = new ArrayList<>();
        for (MailFolders.Stored folder : MailFolders.of(connection, mailboxId)) {
            choices.add(new Choice(folder, chosen.getOrDefault(folder.folder().name(), folder.syncedByDefault())));
        }
        return choices;
    }

    /**
     * The folders the connection's next run reads, Inbox and Sent Items first. The cursors of folders it no longer reads
     * (deselected, or gone at Microsoft) are dropped: reading such a folder again starts a fresh round.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Folder> toSync(UUID connectionId, UUID mailboxId) {
        try (Connection connection = dataSource.getConnection()) {
            List<Folder> folders = new ArrayList<>();
            for (Choice choice : choices(connection, connectionId, mailboxId)) {
                if (choice.selected()) {
                    folders.add(choice.folder().folder());
                }
            }
            if (folders.isEmpty() && MailFolders.of(connection, mailboxId).isEmpty()) {
                folders = List.of(Folder.INBOX, Folder.SENT);
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM sync_cursor WHERE connection_id = ? AND NOT (folder = ANY (?::text[]))")) {
                statement.setObject(1, connectionId);
                statement.setArray(2, connection.createArrayOf("text", folders.stream().map(Folder::name).toArray()));
                statement.executeUpdate();
            }
            return folders;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the folders to sync failed", e);
        }
    }

    /**
     * The person's choice: exactly {@code selected} (folder keys) of the mailbox's folders are synced from now on; a
     * folder the mailbox gets later follows the default. @return false when a key names no folder of the mailbox
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean choose(UUID connectionId, UUID mailboxId, Set<Folder> selected, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            List<Choice> choices = choices(connection, connectionId, mailboxId);
            Set<Folder> known = new java.util.HashSet<>();
            choices.forEach(choice -> known.add(choice.folder().folder()));
            if (!known.containsAll(selected)) {
                return false;
            }
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO sync_folder_choice (connection_id, folder, selected, chosen_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (connection_id, folder) DO UPDATE SET selected = EXCLUDED.selected, chosen_at = EXCLUDED.chosen_at
                    """)) {
                for (Choice choice : choices) {
                    statement.setObject(1, connectionId);
                    statement.setString(2, choice.folder().folder().name());
                    statement.setBoolean(3, selected.contains(choice.folder().folder()));
                    statement.setTimestamp(4, Timestamp.from(now));
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("recording folder choices failed", e);
        }
    }
}

package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.control.MailFolders;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.entity.MailFolderEntry;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncCursor;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a sync run reads and writes as it goes, each method its own short transaction: the connection to sync, its
 * per-folder cursors, each page committed together with its cursor while the lease holds, the folder tree and folders
 * Microsoft no longer knows, and the mailbox's identity and display name as Exchange gives them. When runs happen and
 * how they ended is {@link SyncSchedule}'s.
 */
@ApplicationScoped
public class SyncLedger {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SyncLedger.class.getName());

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    @PersistenceContext
    EntityManager em;

    @Inject
    MessageStore store;

    /** The connection to sync, or null when it was deleted meanwhile. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public SyncTarget target(UUID connectionId) {
        OutlookConnection connection = em.find(OutlookConnection.class, connectionId);
        if (connection == null) {
            return null;
        }
        List<?> pushed = em.createNativeQuery("SELECT pushed FROM sync_state WHERE connection_id = ?1")
                .setParameter(1, connectionId).getResultList();
        return SyncTarget.of(connection, !pushed.isEmpty() && Boolean.TRUE.equals(pushed.get(0)));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public SyncCursor cursor(UUID connectionId, Folder folder, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sync_cursor (connection_id, folder, updated_at) SELECT ?, ?, ?"
                            + " WHERE EXISTS (SELECT 1 FROM outlook_connection WHERE id = ?) ON CONFLICT DO NOTHING")) {
                // A connection removed while its run was starting has no cursor to begin, and no lease left either.
                insert.setObject(1, connectionId);
                insert.setString(2, folder.name());
                insert.setTimestamp(3, Timestamp.from(now));
                insert.setObject(4, connectionId);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT next_link, delta_link, messages_synced,"
                    + " history_complete_at FROM sync_cursor WHERE connection_id = ? AND folder = ?")) {
                select.setObject(1, connectionId);
                select.setString(2, folder.name());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw new LeaseLost(connectionId);
                    }
                    Timestamp complete = rows.getTimestamp(4);
                    return new SyncCursor(connectionId, folder, rows.getString(1), rows.getString(2), rows.getLong(3),
                            complete == null ? null : complete.toInstant());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading a sync cursor failed", e);
        }
    }

    /**
     * Writes one page and moves the cursor past it, atomically, while this server still holds the connection's lease.
     * The lease row is share-locked first: a claim by another server, a release or a renewal waits for this commit, so
     * a page is either committed before the lease changes hands (and the next holder reads the moved cursor) or not at
     * all.
     *
     * @return the messages stored or updated; a lost lease (nothing written) throws {@link LeaseLost}
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int commitPage(String owner, UUID connectionId, Folder folder, UUID mailboxId, DeltaPage page, Instant now,
                              Instant notBefore, Map<String, Removal> removals) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement held = connection.prepareStatement(
                    "SELECT 1 FROM sync_state WHERE connection_id = ? AND lease_owner = ? FOR SHARE")) {
                held.setObject(1, connectionId);
                held.setString(2, owner);
                try (ResultSet rows = held.executeQuery()) {
                    if (!rows.next()) {
                        throw new LeaseLost(connectionId);
                    }
                }
            }
            int applied = store.apply(connection, mailboxId, folder, page.changes(), now, notBefore, removals);
            Timestamp reconcileSince;
            try (PreparedStatement cursor = connection.prepareStatement("""
                    UPDATE sync_cursor SET next_link = ?, delta_link = COALESCE(?, delta_link),
                           messages_synced = messages_synced + ?,
                           history_complete_at = CASE WHEN ? THEN COALESCE(history_complete_at, ?) ELSE history_complete_at END,
                           updated_at = ?
                     WHERE connection_id = ? AND folder = ?
                    RETURNING reconcile_since
                    """)) {
                Timestamp at = Timestamp.from(now);
                cursor.setString(1, page.nextLink());
                cursor.setString(2, page.isLast() ? page.deltaLink() : null);
                cursor.setLong(3, applied);
                cursor.setBoolean(4, page.isLast());
                cursor.setTimestamp(5, at);
                cursor.setTimestamp(6, at);
                cursor.setObject(7, connectionId);
                cursor.setString(8, folder.name());
                try (ResultSet rows = cursor.executeQuery()) {
                    if (!rows.next()) {
                        throw new LeaseLost(connectionId);
                    }
                    reconcileSince = rows.getTimestamp(1);
                }
            }
            if (reconcileSince != null) {
                // A fresh round after Graph refused the stored link: what it lists exists; what it never lists, Exchange
                // deleted during the gap.
                store.markListed(connection, mailboxId, folder, page.changes(), now);
                if (page.isLast()) {
                    int removed = store.removeUnlisted(connection, mailboxId, folder, reconcileSince.toInstant(), notBefore, now);
                    try (PreparedStatement done = connection.prepareStatement(
                            "UPDATE sync_cursor SET reconcile_since = NULL WHERE connection_id = ? AND folder = ?")) {
                        done.setObject(1, connectionId);
                        done.setString(2, folder.name());
                        done.executeUpdate();
                    }
                    if (removed > 0) {
                        LOG.info(() -> "the fresh round of connection " + connectionId + " " + folder + " removed " + removed
                                + " message(s) Exchange deleted while its delta link had expired");
                    }
                }
            }
            return applied;
        } catch (SQLException e) {
            throw new IllegalStateException("committing a delta page failed", e);
        }
    }

    /** Whether the connection's run should list the mailbox's folder tree: never listed, or last before {@code before}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean folderTreeDue(UUID connectionId, Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM sync_state WHERE connection_id = ?"
                     + " AND folders_listed_at IS NOT NULL AND folders_listed_at >= ?")) {
            statement.setObject(1, connectionId);
            statement.setTimestamp(2, Timestamp.from(before));
            try (ResultSet rows = statement.executeQuery()) {
                return !rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading when folders were listed failed", e);
        }
    }

    /** The connection's folder delta link (see {@link FolderTree#changesSince}), or null when it has none. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String folderDeltaLink(UUID connectionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT folders_delta_link FROM sync_state WHERE connection_id = ?")) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the folder delta link failed", e);
        }
    }

    /** Keeps the folder delta link to ask next (null: none). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void folderDeltaRead(UUID connectionId, String deltaLink) {
        SyncStatements.update(dataSource, "UPDATE sync_state SET folders_delta_link = ? WHERE connection_id = ?", deltaLink, connectionId);
    }

    /** Stores the folder tree Microsoft just listed for the connection's mailbox (see {@link MailFolders#listed}). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void foldersListed(UUID connectionId, UUID mailboxId, List<MailFolderEntry> tree, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            MailFolders.listed(connection, mailboxId, tree, tree.size() < FolderTree.MAX_FOLDERS, now);
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE sync_state SET folders_listed_at = ? WHERE connection_id = ?")) {
                statement.setTimestamp(1, Timestamp.from(now));
                statement.setObject(2, connectionId);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording the folder tree failed", e);
        }
    }

    /**
     * Microsoft no longer knows a folder the connection synced (deleted in Outlook since the tree was listed): it and
     * its messages are marked removed, its cursor dropped, and the next run lists the tree again.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void folderGone(UUID connectionId, UUID mailboxId, Folder folder, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            MailFolders.gone(connection, mailboxId, folder, now);
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM sync_cursor WHERE connection_id = ? AND folder = ?")) {
                statement.setObject(1, connectionId);
                statement.setString(2, folder.name());
                statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE sync_state SET folders_listed_at = NULL WHERE connection_id = ?")) {
                statement.setObject(1, connectionId);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording a vanished folder failed", e);
        }
    }

    /** Records the identity Exchange gave a mailbox from before identities (see {@link Mailboxes#identifyThrough}). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean identified(UUID mailboxId, MailboxIdentity identity) {
        try (Connection connection = dataSource.getConnection()) {
            return Mailboxes.identifyThrough(connection, mailboxId, identity);
        } catch (SQLException e) {
            throw new IllegalStateException("recording a mailbox's identity failed", e);
        }
    }

    /** Whether this run is the one to ask Microsoft the mailbox's display name now (see {@link MailboxNames}). */
    public boolean claimNameCheck(UUID mailboxId, Instant now, Instant checkedBefore) {
        try (Connection connection = dataSource.getConnection()) {
            return Mailboxes.claimNameCheckThrough(connection, mailboxId, now, checkedBefore);
        } catch (SQLException e) {
            throw new IllegalStateException("claiming a mailbox's name check failed", e);
        }
    }

    /** @return whether the mailbox's stored display name changed */
    public boolean named(UUID mailboxId, String displayName) {
        try (Connection connection = dataSource.getConnection()) {
            return Mailboxes.nameThrough(connection, mailboxId, displayName);
        } catch (SQLException e) {
            throw new IllegalStateException("recording a mailbox's display name failed", e);
        }
    }

    /**
     * Graph lost the folder's sync state: the next request starts a full round again (the upserts dedupe it), and when
     * that round completes, rows it did not list are removed (Exchange deleted them while the link had expired).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void restartFolder(UUID connectionId, Folder folder, Instant now) {
        SyncStatements.update(dataSource, "UPDATE sync_cursor SET next_link = NULL, delta_link = NULL, resyncs = resyncs + 1, updated_at = ?,"
                + " reconcile_since = COALESCE(reconcile_since, ?) WHERE connection_id = ? AND folder = ?",
                Timestamp.from(now), Timestamp.from(now), connectionId, folder.name());
    }

    /** This server no longer holds the connection's lease (it ran out and another server took over). */
    public static class LeaseLost extends RuntimeException {
        public LeaseLost(UUID connectionId) {
            super("lease lost on connection " + connectionId, null, false, false);
        }
    }
}

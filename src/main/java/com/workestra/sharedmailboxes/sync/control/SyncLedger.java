package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncCursor;
import com.workestra.sharedmailboxes.sync.entity.SyncProgress;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The database side of syncing, each method its own short transaction: claiming due connections under a lease,
 * cursors, committing a page together with its cursor, and recording how a run ended. Sync state on
 * outlook_connection is written with plain updates that leave the row's version alone, so a user's concurrent action on
 * the connection (disconnect, reconnect) never fails on a version conflict.
 */
@ApplicationScoped
public class SyncLedger {

    static final String CLAIM = """
            WITH due AS (
                SELECT id, sync_reason FROM outlook_connection
                WHERE ((sync_requested_at <= ? AND (sync_backoff_until IS NULL OR sync_backoff_until <= ?))
                       OR sync_lease_owner IS NOT NULL)
                  AND (sync_lease_until IS NULL OR sync_lease_until < ?)
                ORDER BY sync_requested_at NULLS FIRST
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            UPDATE outlook_connection c
               SET sync_lease_owner = ?, sync_lease_until = ?, sync_requested_at = NULL, sync_reason = NULL,
                   sync_started_at = ?
              FROM due WHERE c.id = due.id
            RETURNING c.id, due.sync_reason
            """;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    @PersistenceContext
    EntityManager em;

    @Inject
    MessageStore store;

    public record Claim(UUID connectionId, String reason) {
    }

    /** Leases up to {@code max} due connections (requested and not backing off, or whose previous lease ran out). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Claim> claim(String owner, Instant now, Instant leaseUntil, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(CLAIM)) {
            Timestamp at = Timestamp.from(now);
            statement.setTimestamp(1, at);
            statement.setTimestamp(2, at);
            statement.setTimestamp(3, at);
            statement.setInt(4, max);
            statement.setString(5, owner);
            statement.setTimestamp(6, Timestamp.from(leaseUntil));
            statement.setTimestamp(7, at);
            List<Claim> claims = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    claims.add(new Claim(rows.getObject(1, UUID.class), rows.getString(2)));
                }
            }
            return claims;
        } catch (SQLException e) {
            throw new IllegalStateException("claiming due connections failed", e);
        }
    }

    /** The connection to sync, or null when it was deleted meanwhile. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public SyncTarget target(UUID connectionId) {
        OutlookConnection connection = em.find(OutlookConnection.class, connectionId);
        if (connection == null) {
            return null;
        }
        OutlookConnection holder = connection.tokenHolder();
        if (holder != null) {
            holder.microsoftOid(); // loaded while the persistence context is open
        }
        return SyncTarget.of(connection);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public SyncCursor cursor(UUID connectionId, Folder folder, Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO sync_cursor (connection_id, folder, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setObject(1, connectionId);
                insert.setString(2, folder.name());
                insert.setTimestamp(3, Timestamp.from(now));
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT next_link, delta_link, messages_synced,"
                    + " history_complete_at FROM sync_cursor WHERE connection_id = ? AND folder = ?")) {
                select.setObject(1, connectionId);
                select.setString(2, folder.name());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return null;
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
     *
     * @return the messages stored or updated; a lost lease (nothing written) throws {@link LeaseLost}
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int commitPage(String owner, UUID connectionId, Folder folder, UUID mailboxId, DeltaPage page, Instant now,
                              Instant notBefore) {
        try (Connection connection = dataSource.getConnection()) {
            int applied = store.apply(connection, mailboxId, folder, page.changes(), now, notBefore);
            try (PreparedStatement cursor = connection.prepareStatement("""
                    UPDATE sync_cursor SET next_link = ?, delta_link = COALESCE(?, delta_link),
                           messages_synced = messages_synced + ?,
                           history_complete_at = CASE WHEN ? THEN COALESCE(history_complete_at, ?) ELSE history_complete_at END,
                           updated_at = ?
                     WHERE connection_id = ? AND folder = ?
                       AND EXISTS (SELECT 1 FROM outlook_connection WHERE id = ? AND sync_lease_owner = ?)
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
                cursor.setObject(9, connectionId);
                cursor.setString(10, owner);
                if (cursor.executeUpdate() == 0) {
                    throw new LeaseLost(connectionId);
                }
            }
            return applied;
        } catch (SQLException e) {
            throw new IllegalStateException("committing a delta page failed", e);
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

    /** Graph lost the folder's sync state: the next request starts a full round again (the upserts dedupe it). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void restartFolder(UUID connectionId, Folder folder, Instant now) {
        update("UPDATE sync_cursor SET next_link = NULL, delta_link = NULL, resyncs = resyncs + 1, updated_at = ?"
                + " WHERE connection_id = ? AND folder = ?", Timestamp.from(now), connectionId, folder.name());
    }

    /** Whether the folder's cursor moved after {@code since} (its round is current as of then). */
    public boolean recentlySynced(UUID connectionId, Folder folder, Instant since) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM sync_cursor WHERE connection_id = ? AND folder = ?"
                     + " AND next_link IS NULL AND delta_link IS NOT NULL AND updated_at > ?")) {
            statement.setObject(1, connectionId);
            statement.setString(2, folder.name());
            statement.setTimestamp(3, Timestamp.from(since));
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading a sync cursor failed", e);
        }
    }

    /** Keeps the lease of a long run. @return false when it was lost. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean renew(UUID connectionId, String owner, Instant leaseUntil) {
        return update("UPDATE outlook_connection SET sync_lease_until = ? WHERE id = ? AND sync_lease_owner = ?",
                Timestamp.from(leaseUntil), connectionId, owner) > 0;
    }

    /** A complete run: the mailbox is current. Health turns healthy; the next routine sync is due at {@code next}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void succeeded(UUID connectionId, String owner, Instant now, Instant next, String nextReason) {
        Timestamp at = Timestamp.from(now);
        int updated = update("""
                UPDATE outlook_connection SET last_sync_at = ?, error_code = NULL, error_message = NULL, error_at = NULL,
                       sync_failures = 0, sync_backoff_until = NULL, sync_failing_since = NULL,
                       sync_requested_at = LEAST(COALESCE(sync_requested_at, ?), ?),
                       sync_reason = COALESCE(sync_reason, ?),
                       sync_lease_owner = NULL, sync_lease_until = NULL
                 WHERE id = ? AND sync_lease_owner = ?
                """, at, Timestamp.from(next), Timestamp.from(next), nextReason, connectionId, owner);
        if (updated > 0) {
            accessChanged(connectionId, now, true);
        }
    }

    /** The run used its time budget with pages left: it is due again at once, behind those already waiting. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void yielded(UUID connectionId, String owner, Instant now) {
        Timestamp at = Timestamp.from(now);
        update("""
                UPDATE outlook_connection SET sync_requested_at = LEAST(COALESCE(sync_requested_at, ?), ?),
                       sync_reason = COALESCE(sync_reason, 'CONTINUE'), sync_lease_owner = NULL, sync_lease_until = NULL
                 WHERE id = ? AND sync_lease_owner = ?
                """, at, at, connectionId, owner);
    }

    /**
     * Microsoft refused the mailbox: the row shows the error until a later sync succeeds, and the person reads only
     * what was received before (a later success lets them read everything again).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void failed(UUID connectionId, String owner, Instant now, String code, String message, Instant next) {
        Timestamp at = Timestamp.from(now);
        int updated = update("""
                UPDATE outlook_connection SET error_code = ?, error_message = ?,
                       error_at = CASE WHEN error_code IS NOT DISTINCT FROM ? THEN COALESCE(error_at, ?) ELSE ? END,
                       sync_failures = 0, sync_backoff_until = NULL, sync_failing_since = NULL,
                       sync_requested_at = LEAST(COALESCE(sync_requested_at, ?), ?), sync_reason = COALESCE(sync_reason, 'RECOVERY'),
                       sync_lease_owner = NULL, sync_lease_until = NULL
                 WHERE id = ? AND sync_lease_owner = ?
                """, code, message, code, at, at, Timestamp.from(next), Timestamp.from(next), connectionId, owner);
        if (updated > 0) {
            accessChanged(connectionId, now, false);
        }
    }

    /** A transient failure (throttled, unavailable, timed out): state kept, retried after {@code backoffUntil}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void deferred(UUID connectionId, String owner, Instant now, String failure, Instant backoffUntil) {
        Timestamp until = Timestamp.from(backoffUntil);
        update("""
                UPDATE outlook_connection SET sync_failures = sync_failures + 1, sync_failure = ?, sync_failure_at = ?,
                       sync_failing_since = COALESCE(sync_failing_since, ?),
                       sync_backoff_until = ?, sync_requested_at = LEAST(COALESCE(sync_requested_at, ?), ?),
                       sync_reason = COALESCE(sync_reason, 'RECOVERY'), sync_lease_owner = NULL, sync_lease_until = NULL
                 WHERE id = ? AND sync_lease_owner = ?
                """, failure, Timestamp.from(now), Timestamp.from(now), until, until, until, connectionId, owner);
    }

    private void accessChanged(UUID connectionId, Instant now, boolean working) {
        try (Connection connection = dataSource.getConnection()) {
            if (working) {
                Mailboxes.resumeReadingThrough(connection, connectionId, now);
            } else {
                Mailboxes.endReadingThrough(connection, connectionId, now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording mailbox access failed", e);
        }
    }

    /** Ends a run that did nothing (parent in error, sign-in expired): no new schedule; the sweep looks again later. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void released(UUID connectionId, String owner) {
        update("UPDATE outlook_connection SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = ? AND sync_lease_owner = ?",
                connectionId, owner);
    }

    public int consecutiveFailures(UUID connectionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT sync_failures FROM outlook_connection WHERE id = ?")) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The safety net: every connection without a scheduled sync whose last run started before {@code pollDue} (polling)
     * or {@code safetyDue} (push) is requested, except those whose sign-in needs a reconnect; polls scheduled further
     * ahead than {@code pollHorizon} (a connection that moved from push to polling) are brought forward.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int sweep(Instant now, Instant pollDue, Instant safetyDue, Instant pollHorizon) {
        Timestamp at = Timestamp.from(now);
        int requested = update("""
                UPDATE outlook_connection c
                   SET sync_requested_at = ?, sync_reason = CASE WHEN c.delivery = 'POLLING' THEN 'POLL' ELSE 'SAFETY' END
                 WHERE c.sync_requested_at IS NULL AND c.sync_lease_owner IS NULL
                   AND (c.sync_started_at IS NULL
                        OR c.sync_started_at <= CASE WHEN c.delivery = 'POLLING' THEN ?::timestamptz ELSE ?::timestamptz END)
                   AND NOT EXISTS (SELECT 1 FROM outlook_connection h
                                    WHERE h.id = COALESCE(c.parent_id, c.id) AND h.error_code = 'RECONNECT_REQUIRED')
                """, at, Timestamp.from(pollDue), Timestamp.from(safetyDue));
        requested += update("UPDATE outlook_connection SET sync_requested_at = ? WHERE delivery = 'POLLING' AND sync_requested_at > ?",
                Timestamp.from(pollHorizon), Timestamp.from(pollHorizon));
        return requested;
    }

    /** Messages synced so far (both folders), whether the history is complete, and the last transient failure. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public SyncProgress progress(UUID connectionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT COALESCE((SELECT sum(messages_synced) FROM sync_cursor WHERE connection_id = c.id), 0),
                            (SELECT count(*) FROM sync_cursor WHERE connection_id = c.id AND history_complete_at IS NOT NULL),
                            c.sync_failure, c.sync_failure_at
                       FROM outlook_connection c WHERE c.id = ?
                     """)) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return SyncProgress.NONE;
                }
                Timestamp failedAt = rows.getTimestamp(4);
                return new SyncProgress(rows.getLong(1), rows.getInt(2) >= Folder.values().length, rows.getString(3),
                        failedAt == null ? null : failedAt.toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading sync progress failed", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("sync bookkeeping failed", e);
        }
    }

    /** This server no longer holds the connection's lease (it ran out and another server took over). */
    public static class LeaseLost extends RuntimeException {
        public LeaseLost(UUID connectionId) {
            super("lease lost on connection " + connectionId, null, false, false);
        }
    }
}

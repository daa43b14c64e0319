package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.connections.control.ConnectionErrors;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import com.workestra.sharedmailboxes.sync.entity.SyncRound;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * When each connection syncs and which server runs it, each method its own short transaction: claiming due connections
 * under a lease, renewing and giving up leases, recording how a run ended (and so when the next is due), the sweeps that
 * make routine runs due, and how the connection's syncing stands. Sync's schedule, lease and progress live in
 * {@code sync_state}, which only this class and {@link SyncLedger} (cursors, pages, folders) write; the connection's
 * error is written through {@link ConnectionErrors}.
 */
@ApplicationScoped
public class SyncSchedule {

    /*
     * Leases are kept in the database's time (now(): the start of the claiming transaction), never a server's clock:
     * servers whose clocks differ, or a service clock a test moved, still agree when a lease ran out.
     */
    static final String CLAIM = """
            WITH due AS (
                SELECT connection_id, reason FROM sync_state
                WHERE ((requested_at <= ? AND (backoff_until IS NULL OR backoff_until <= ?)) OR lease_owner IS NOT NULL)
                  AND (lease_until IS NULL OR lease_until < now())
                ORDER BY requested_at NULLS FIRST
                LIMIT ?
                FOR UPDATE SKIP LOCKED)
            UPDATE sync_state s
               SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond', requested_at = NULL, reason = NULL,
                   started_at = ?
              FROM due WHERE s.connection_id = due.connection_id
            RETURNING s.connection_id, due.reason
            """;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    @Inject
    ConnectionErrors errors;

    public record Claim(UUID connectionId, SyncReason reason) {
    }

    /**
     * Leases up to {@code max} due connections (requested and not backing off, or whose previous lease ran out) for
     * {@code lease}, counted from the database's clock.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Claim> claim(String owner, Instant now, Duration lease, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(CLAIM)) {
            Timestamp at = Timestamp.from(now);
            statement.setTimestamp(1, at);
            statement.setTimestamp(2, at);
            statement.setInt(3, max);
            statement.setString(4, owner);
            statement.setLong(5, lease.toMillis());
            statement.setTimestamp(6, at);
            List<Claim> claims = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String reason = rows.getString(2);
                    claims.add(new Claim(UuidColumn.read(rows, 1), reason == null ? null : SyncReason.valueOf(reason)));
                }
            }
            return claims;
        } catch (SQLException e) {
            throw new IllegalStateException("claiming due connections failed", e);
        }
    }

    /**
     * The heartbeat: extends, by {@code lease} from the database's clock, the leases this server still holds among the
     * connections it is running. @return those it still held (a lease missing from the answer was lost)
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Set<UUID> renew(String owner, Collection<UUID> running, Duration lease) {
        if (running.isEmpty()) {
            return Set.of();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE sync_state SET lease_until = now() + ? * interval '1 millisecond'"
                     + " WHERE lease_owner = ? AND connection_id = ANY (?) RETURNING connection_id")) {
            statement.setLong(1, lease.toMillis());
            statement.setString(2, owner);
            statement.setArray(3, connection.createArrayOf("uuid", running.toArray()));
            Set<UUID> renewed = new HashSet<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    renewed.add(UuidColumn.read(rows, 1));
                }
            }
            return renewed;
        } catch (SQLException e) {
            throw new IllegalStateException("renewing sync leases failed", e);
        }
    }

    /**
     * A server stops (undeploy, shutdown): every lease it holds is given up and those connections are due at once, so
     * another server carries on without waiting for the leases to run out. @return how many were released
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int releaseAll(String owner, Instant now) {
        Timestamp at = Timestamp.from(now);
        return SyncStatements.update(dataSource, """
                UPDATE sync_state SET requested_at = LEAST(COALESCE(requested_at, ?), ?),
                       reason = COALESCE(reason, 'CONTINUE'), lease_owner = NULL, lease_until = NULL
                 WHERE lease_owner = ?
                """, at, at, owner);
    }

    /** A complete run: the mailbox is current. Health turns healthy; the next routine sync is due at {@code next}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void succeeded(UUID connectionId, String owner, Instant now, Instant next, SyncReason nextReason) {
        Timestamp at = Timestamp.from(now);
        int updated = SyncStatements.update(dataSource, """
                UPDATE sync_state SET last_success_at = ?, failures = 0, backoff_until = NULL, failing_since = NULL,
                       requested_at = LEAST(COALESCE(requested_at, ?), ?), reason = COALESCE(reason, ?),
                       lease_owner = NULL, lease_until = NULL
                 WHERE connection_id = ? AND lease_owner = ?
                """, at, Timestamp.from(next), Timestamp.from(next), nextReason.name(), connectionId, owner);
        if (updated > 0) {
            errors.working(connectionId, now);
        }
    }

    /** The run used its time budget with pages left: it is due again at once, behind those already waiting. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void yielded(UUID connectionId, String owner, Instant now) {
        Timestamp at = Timestamp.from(now);
        SyncStatements.update(dataSource, """
                UPDATE sync_state SET requested_at = LEAST(COALESCE(requested_at, ?), ?),
                       reason = COALESCE(reason, 'CONTINUE'), lease_owner = NULL, lease_until = NULL
                 WHERE connection_id = ? AND lease_owner = ?
                """, at, at, connectionId, owner);
    }

    /**
     * Microsoft refused the mailbox: the row shows the error until a later sync succeeds, and the person reads only
     * what was received before (a later success lets them read everything again).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void failed(UUID connectionId, String owner, Instant now, ProblemCode code, String message, Instant next) {
        Timestamp at = Timestamp.from(now);
        int updated = SyncStatements.update(dataSource, """
                UPDATE sync_state SET failures = 0, backoff_until = NULL, failing_since = NULL,
                       requested_at = LEAST(COALESCE(requested_at, ?), ?), reason = COALESCE(reason, 'RECOVERY'),
                       lease_owner = NULL, lease_until = NULL
                 WHERE connection_id = ? AND lease_owner = ?
                """, Timestamp.from(next), Timestamp.from(next), connectionId, owner);
        if (updated > 0) {
            errors.refused(connectionId, code, message, now);
        }
    }

    /** A transient failure (throttled, unavailable, timed out): state kept, retried after {@code backoffUntil}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void deferred(UUID connectionId, String owner, Instant now, String failure, Instant backoffUntil) {
        Timestamp until = Timestamp.from(backoffUntil);
        SyncStatements.update(dataSource, """
                UPDATE sync_state SET failures = failures + 1, failure = ?, failure_at = ?,
                       failing_since = COALESCE(failing_since, ?),
                       backoff_until = ?, requested_at = LEAST(COALESCE(requested_at, ?), ?),
                       reason = COALESCE(reason, 'RECOVERY'), lease_owner = NULL, lease_until = NULL
                 WHERE connection_id = ? AND lease_owner = ?
                """, failure, Timestamp.from(now), Timestamp.from(now), until, until, until, connectionId, owner);
    }

    /** Ends a run that did nothing (parent in error, sign-in expired): no new schedule; the sweep looks again later. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void released(UUID connectionId, String owner) {
        SyncStatements.update(dataSource, "UPDATE sync_state SET lease_owner = NULL, lease_until = NULL WHERE connection_id = ? AND lease_owner = ?",
                connectionId, owner);
    }

    public int consecutiveFailures(UUID connectionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT failures FROM sync_state WHERE connection_id = ?")) {
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
        int requested = SyncStatements.update(dataSource, """
                UPDATE sync_state s
                   SET requested_at = ?, reason = CASE WHEN s.pushed THEN 'SAFETY' ELSE 'POLL' END
                  FROM outlook_connection c
                 WHERE c.id = s.connection_id AND s.requested_at IS NULL AND s.lease_owner IS NULL
                   AND (s.started_at IS NULL
                        OR s.started_at <= CASE WHEN s.pushed THEN ?::timestamptz ELSE ?::timestamptz END)
                   AND NOT EXISTS (SELECT 1 FROM outlook_connection h
                                    WHERE h.id = COALESCE(c.parent_id, c.id) AND h.error_code = 'RECONNECT_REQUIRED')
                """, at, Timestamp.from(safetyDue), Timestamp.from(pollDue));
        requested += SyncStatements.update(dataSource, "UPDATE sync_state SET requested_at = ? WHERE NOT pushed AND requested_at > ?",
                Timestamp.from(pollHorizon), Timestamp.from(pollHorizon));
        return requested;
    }

    /** The connection's last run as its schedule recorded it (see {@link SyncRound}). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public SyncRound round(UUID connectionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT started_at, last_success_at, lease_owner IS NOT NULL FROM sync_state WHERE connection_id = ?")) {
            statement.setObject(1, connectionId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new SyncRound(instant(rows.getTimestamp(1)), instant(rows.getTimestamp(2)), rows.getBoolean(3))
                        : SyncRound.NONE;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the last sync run failed", e);
        }
    }

    /** How the connection's syncing stands (see {@link SyncStatus}). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public SyncStatus status(UUID connectionId) {
        return statuses(List.of(connectionId)).getOrDefault(connectionId, SyncStatus.NONE);
    }

    /** {@link #status} of each of these connections, in one statement (those never synced are missing). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<UUID, SyncStatus> statuses(Collection<UUID> connectionIds) {
        Map<UUID, SyncStatus> statuses = new HashMap<>();
        if (connectionIds.isEmpty()) {
            return statuses;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT s.connection_id, s.last_success_at, s.failing_since, s.failure, s.failure_at, s.pushed,
                            COALESCE((SELECT sum(messages_synced) FROM sync_cursor WHERE connection_id = s.connection_id), 0),
                            (SELECT count(*) >= 2 AND count(*) FILTER (WHERE history_complete_at IS NULL) = 0
                               FROM sync_cursor WHERE connection_id = s.connection_id)
                       FROM sync_state s WHERE s.connection_id = ANY (?)
                     """)) {
            statement.setArray(1, connection.createArrayOf("uuid", connectionIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    statuses.put(UuidColumn.read(rows, 1), new SyncStatus(instant(rows.getTimestamp(2)),
                            instant(rows.getTimestamp(3)), rows.getString(4), instant(rows.getTimestamp(5)), rows.getBoolean(6),
                            rows.getLong(7), rows.getBoolean(8)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading sync progress failed", e);
        }
        return statuses;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}

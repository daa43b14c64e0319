package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.database.control.UuidColumn;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import com.workestra.sharedmailboxes.sync.entity.SyncRequested;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
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
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Marks connections due for a sync. Requests coalesce: a connection already due keeps its first request time, so a burst
 * of notifications for one mailbox becomes one sync; a routine sync scheduled for later (the next poll or safety sync)
 * is brought forward to now. {@link #request} runs in the caller's transaction, {@link #requestEach} commits its one
 * statement at once; after the commit, this server's scheduler wakes up.
 */
@ApplicationScoped
public class SyncRequests {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<SyncRequested> requested;

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /**
     * A connection that is already due is left alone (no write, no row lock), so a storm of notifications for one
     * mailbox costs one update.
     *
     * @return whether a request was recorded (false when the connection was already due, or does not exist)
     */
    public boolean request(UUID connectionId, SyncReason reason) {
        int updated = em.createNativeQuery("UPDATE sync_state SET requested_at = ?1, reason = ?2"
                        + " WHERE connection_id = ?3 AND (requested_at IS NULL OR requested_at > ?1)")
                .setParameter(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .setParameter(2, reason.name())
                .setParameter(3, connectionId)
                .executeUpdate();
        if (updated > 0) {
            requested.fire(new SyncRequested(connectionId, reason));
        }
        return updated > 0;
    }

    /**
     * {@link #request} for each connection, in one statement on a connection of its own, committed at once (the
     * webhook's path, without a transaction of its caller: a JTA transaction and EclipseLink's unit of work around this
     * one statement were most of the receiver's own CPU, docs/benchmarks.md, "Webhook acknowledgement").
     */
    public void requestEach(Collection<UUID> connectionIds, SyncReason reason) {
        Timestamp now = Timestamp.from(clock.instant());
        List<UUID> requestedNow = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE sync_state SET requested_at = ?, reason = ?"
                     + " WHERE connection_id = ANY (?) AND (requested_at IS NULL OR requested_at > ?) RETURNING connection_id")) {
            statement.setTimestamp(1, now);
            statement.setString(2, reason.name());
            statement.setArray(3, connection.createArrayOf("uuid", connectionIds.toArray()));
            statement.setTimestamp(4, now);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    requestedNow.add(UuidColumn.read(rows, 1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("requesting syncs failed", e);
        }
        requestedNow.forEach(connectionId -> requested.fire(new SyncRequested(connectionId, reason)));
    }

    /**
     * Whether Graph notifies the connection's changes (push set up) or it must be polled: the routine schedule follows
     * ({@code sync.safety-interval} or {@code sync.poll-interval}). In the caller's transaction.
     */
    public void deliveredBy(UUID connectionId, boolean pushed) {
        em.createNativeQuery("UPDATE sync_state SET pushed = ?1 WHERE connection_id = ?2 AND pushed <> ?1")
                .setParameter(1, pushed)
                .setParameter(2, connectionId)
                .executeUpdate();
    }

    /** A new connection: sync keeps its state from now on, and its first run is due at once. */
    public void begin(UUID connectionId) {
        em.createNativeQuery("INSERT INTO sync_state (connection_id, requested_at, reason) VALUES (?1, ?2, ?3)"
                        + " ON CONFLICT (connection_id) DO UPDATE SET requested_at = EXCLUDED.requested_at, reason = EXCLUDED.reason")
                .setParameter(1, connectionId)
                .setParameter(2, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .setParameter(3, SyncReason.INITIAL.name())
                .executeUpdate();
        requested.fire(new SyncRequested(connectionId, SyncReason.INITIAL));
    }

    /**
     * Every row that has not synced since {@code staleBefore} (or never), except rows in error (they wait for their
     * person) and shared rows whose personal connection is in error (they make no Graph calls).
     *
     * @return how many were requested
     */
    @Transactional
    public int requestLate(Instant staleBefore) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        @SuppressWarnings("unchecked")
        List<Object> late = em.createNativeQuery("""
                        UPDATE sync_state s SET requested_at = ?1, reason = ?2
                          FROM outlook_connection c LEFT JOIN outlook_connection p ON p.id = c.parent_id
                         WHERE s.connection_id = c.id AND c.error_code IS NULL AND p.error_code IS NULL
                           AND (s.last_success_at IS NULL OR s.last_success_at < ?3)
                           AND (s.requested_at IS NULL OR s.requested_at > ?1)
                        RETURNING s.connection_id
                        """)
                .setParameter(1, now)
                .setParameter(2, SyncReason.STALE_SWEEP.name())
                .setParameter(3, OffsetDateTime.ofInstant(staleBefore, ZoneOffset.UTC))
                .getResultList();
        late.forEach(id -> requested.fire(new SyncRequested((UUID) id, SyncReason.STALE_SWEEP)));
        return late.size();
    }

    /**
     * The connection reads its mailbox at another address, or another mailbox, from now on: its stored delta links (which
     * name the old address) are dropped, so its next run reads each folder from the start (the upserts dedupe), and that
     * run is requested.
     */
    public void restart(UUID connectionId, SyncReason reason) {
        em.createNativeQuery("UPDATE sync_cursor SET next_link = NULL, delta_link = NULL, resyncs = resyncs + 1, updated_at = ?1"
                        + " WHERE connection_id = ?2")
                .setParameter(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .setParameter(2, connectionId)
                .executeUpdate();
        request(connectionId, reason);
    }
}

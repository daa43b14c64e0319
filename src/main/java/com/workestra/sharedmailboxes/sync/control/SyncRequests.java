package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import com.workestra.sharedmailboxes.sync.entity.SyncRequested;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.UUID;

/**
 * Marks connections due for a sync. Requests coalesce: a connection already due keeps its first request time, so a burst
 * of notifications for one mailbox becomes one sync; a routine sync scheduled for later (the next poll or safety sync)
 * is brought forward to now. Runs in the caller's transaction; after it commits, this server's scheduler wakes up.
 */
@ApplicationScoped
public class SyncRequests {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<SyncRequested> requested;

    /**
     * A connection that is already due is left alone (no write, no row lock), so a storm of notifications for one
     * mailbox costs one update.
     *
     * @return whether a request was recorded (false when the connection was already due, or does not exist)
     */
    public boolean request(UUID connectionId, SyncReason reason) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        int updated = em.createNativeQuery("UPDATE outlook_connection SET"
                        + " sync_reason = CASE WHEN sync_requested_at IS NULL OR sync_requested_at > ?1 THEN ?2 ELSE sync_reason END,"
                        + " sync_requested_at = CASE WHEN sync_requested_at IS NULL OR sync_requested_at > ?1 THEN ?1 ELSE sync_requested_at END"
                        + " WHERE id = ?3 AND (sync_requested_at IS NULL OR sync_requested_at > ?1)")
                .setParameter(1, now)
                .setParameter(2, reason.name())
                .setParameter(3, connectionId)
                .executeUpdate();
        if (updated > 0) {
            requested.fire(new SyncRequested(connectionId, reason));
        }
        return updated > 0;
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

    public void requestAll(Collection<UUID> connectionIds, SyncReason reason) {
        connectionIds.forEach(id -> request(id, reason));
    }
}

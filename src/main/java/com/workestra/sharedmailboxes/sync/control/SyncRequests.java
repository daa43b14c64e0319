package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.util.Collection;
import java.util.UUID;

/**
 * Marks connections due for a sync. Requests coalesce: a connection already due keeps its first request time, so a burst
 * of notifications for one mailbox becomes one sync. Runs in the caller's transaction.
 */
@ApplicationScoped
public class SyncRequests {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** @return whether the connection exists */
    public boolean request(UUID connectionId, SyncReason reason) {
        int updated = em.createNativeQuery("UPDATE outlook_connection SET sync_requested_at = COALESCE(sync_requested_at, ?1),"
                        + " sync_reason = COALESCE(sync_reason, ?2) WHERE id = ?3")
                .setParameter(1, java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC))
                .setParameter(2, reason.name())
                .setParameter(3, connectionId)
                .executeUpdate();
        return updated > 0;
    }

    public void requestAll(Collection<UUID> connectionIds, SyncReason reason) {
        connectionIds.forEach(id -> request(id, reason));
    }
}

package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Requests a sync for every row that is stale or has never synced, so nothing stays silently late. Rows in error wait
 * for their person (Sync now, reconnect); shared rows whose personal connection is in error make no Graph calls.
 * Requests coalesce, so two servers sweeping at once cost nothing extra.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
public class StaleSweep {

    @Resource
    TimerService timers;

    @PersistenceContext
    EntityManager em;

    @Inject
    SyncRequests syncRequests;

    @Inject
    Clock clock;

    @Inject
    BackgroundWork background;

    @Inject
    @ConfigProperty(name = "health.sweep-interval")
    Duration interval;

    @Inject
    @ConfigProperty(name = "health.stale-after")
    Duration staleAfter;

    @PostConstruct
    void schedule() {
        timers.createIntervalTimer(interval.toMillis(), interval.toMillis(), new TimerConfig("stale-sweep", false));
    }

    @Timeout
    public void sweep() {
        if (background.isHeld()) {
            return;
        }
        List<UUID> late = em.createQuery("SELECT c.id FROM OutlookConnection c LEFT JOIN c.parent p"
                        + " WHERE c.errorCode IS NULL AND (p IS NULL OR p.errorCode IS NULL)"
                        + " AND (c.lastSyncAt IS NULL OR c.lastSyncAt < :staleBefore)", UUID.class)
                .setParameter("staleBefore", clock.instant().minus(staleAfter))
                .getResultList();
        syncRequests.requestAll(late, SyncReason.STALE_SWEEP);
    }
}

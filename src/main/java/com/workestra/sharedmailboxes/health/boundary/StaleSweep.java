package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.database.control.ClusterTurns;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;

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

    @Inject
    SyncRequests syncRequests;

    @Inject
    Clock clock;

    @Inject
    BackgroundWork background;

    /** Once per interval across all servers on the database. */
    @Inject
    ClusterTurns turns;

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
        if (background.isHeld() || !turns.take("stale-sweep", interval)) {
            return;
        }
        syncRequests.requestLate(clock.instant().minus(staleAfter));
    }
}

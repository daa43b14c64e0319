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
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Requests a sync for every row that is stale or has never synced, so nothing stays silently late. Rows in error wait
 * for their person (Sync now, reconnect); shared rows whose personal connection is in error make no Graph calls.
 * Requests coalesce, so two servers sweeping at once cost nothing extra.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
public class StaleSweep {

    private static final Logger LOG = Logger.getLogger(StaleSweep.class.getName());

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

    /**
     * Never fails: a timeout that throws is delivered again once and then cancelled for good by Payara (its "maximum
     * redeliveries"), so an outage of the database longer than two intervals would have ended the sweep on every server
     * until a restart. With no transaction of its own, nothing the database does can fail the delivery afterwards; the
     * turn and the requests each commit in their own.
     */
    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void sweep() {
        try {
            if (background.isHeld() || !turns.take("stale-sweep", interval)) {
                return;
            }
            syncRequests.requestLate(clock.instant().minus(staleAfter));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "stale sweep failed; it runs again in " + interval, e);
        }
    }
}

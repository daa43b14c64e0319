package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.database.control.ClusterTurns;
import com.workestra.sharedmailboxes.notifications.control.PushRecords;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps push alive: renews subscriptions well before they expire (recreating those Graph no longer knows) and retries
 * push for connections whose set-up failed. Non-persistent; on several servers one of them takes each round
 * ({@link ClusterTurns}), the lease on each subscription decides who renews it, and a push set-up is claimed per
 * connection, so nothing is asked of Microsoft twice.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SubscriptionRenewal {

    private static final Logger LOG = Logger.getLogger(SubscriptionRenewal.class.getName());

    @Resource
    TimerService timers;

    @Inject
    PushDelivery delivery;

    @Inject
    PushRecords records;

    @Inject
    Clock clock;

    @Inject
    BackgroundWork background;

    @Inject
    ClusterTurns turns;

    @Inject
    @ConfigProperty(name = "notifications.renewal-interval")
    Duration interval;

    @Inject
    @ConfigProperty(name = "notifications.renew-before")
    Duration renewBefore;

    private final AtomicBoolean running = new AtomicBoolean();

    @PostConstruct
    void schedule() {
        timers.createIntervalTimer(interval.toMillis(), interval.toMillis(), new TimerConfig("subscription-renewal", false));
    }

    @Timeout
    public void renewDue() {
        if (background.isHeld() || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!turns.take("subscription-renewal", interval)) {
                return;
            }
            // Due: those expiring soon, and those on one folder (the Inbox's, made before issue 16), which a renewal
            // replaces by a subscription on every folder.
            java.util.Set<String> due = new java.util.LinkedHashSet<>(records.expiringBefore(clock.instant().plus(renewBefore)));
            due.addAll(records.oneFolderSubscriptions());
            for (String id : due) {
                if (records.claim(id, interval)) {
                    delivery.renew(id);
                }
            }
            records.pushRetries().forEach(delivery::setUp);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "subscription renewal round failed", e);
        } finally {
            running.set(false);
        }
    }
}

package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.database.control.ClusterTurns;
import com.workestra.sharedmailboxes.sync.control.DeltaSync;
import com.workestra.sharedmailboxes.sync.control.SyncLeases;
import com.workestra.sharedmailboxes.sync.control.SyncSchedule;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs due syncs. Every second (and at once when a sync is requested on this server) it claims as many due connections
 * as it has free workers, under a lease in the database, so several servers on one database never run the same
 * connection twice; each claimed connection runs on a bounded pool. The lease is short ({@code sync.lease}) and a
 * heartbeat renews it every quarter of that while the run is alive: a server that dies (kill -9, a lost machine) lets
 * its connections go within one lease, and one that stops properly gives them up at once. A sweep requests routine
 * polls and safety syncs that are not scheduled yet.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SyncScheduler {

    private static final Logger LOG = Logger.getLogger(SyncScheduler.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    DeltaSync sync;

    @Inject
    SyncSchedule schedule;

    @Inject
    Clock clock;

    @Inject
    BackgroundWork background;

    @Inject
    SyncLeases leases;

    @Inject
    ClusterTurns turns;

    /** How often the sweep runs, on one server of the cluster at a time (see {@link #sweep}). */
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

    @Inject
    @ConfigProperty(name = "sync.lease")
    Duration lease;

    @Inject
    @ConfigProperty(name = "sync.workers")
    int workers;

    @Inject
    @ConfigProperty(name = "sync.poll-interval")
    Duration pollInterval;

    @Inject
    @ConfigProperty(name = "sync.safety-interval")
    Duration safetyInterval;

    private final String owner = nodeName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    private final ReentrantLock dispatching = new ReentrantLock();
    private volatile boolean dispatchAgain;
    private Semaphore free;
    private ThreadPoolExecutor runs;
    private ThreadPoolExecutor prefetch;
    private ThreadPoolExecutor dispatcher;
    private ScheduledThreadPoolExecutor heartbeat;
    private volatile boolean stopping;

    @PostConstruct
    void start() {
        int size = Math.max(1, workers);
        free = new Semaphore(size);
        runs = pool(size, size * 4);
        prefetch = pool(size, size * 4);
        dispatcher = pool(1, 2);
        dispatcher.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
        heartbeat = new ScheduledThreadPoolExecutor(1, threads);
        long every = Math.max(1, lease.toMillis() / 4);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
        LOG.info(() -> "sync scheduler " + owner + " with " + size + " workers, leases of " + lease + " renewed every " + every + " ms");
    }

    private ThreadPoolExecutor pool(int size, int queue) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Undeploy or shutdown: no new claims, the runs in flight stop asking Microsoft, and every lease of this server is
     * given up with its connections due at once, so another server carries on within its next dispatch (a second)
     * instead of after the lease. A page being committed finishes first (the commit share-locks the lease row); one
     * committed later by a run still winding down is refused, as the lease is no longer this server's.
     */
    @PreDestroy
    void stop() {
        stopping = true;
        heartbeat.shutdownNow();
        dispatcher.shutdownNow();
        leases.dropAll();
        try {
            int released = schedule.releaseAll(owner, clock.instant());
            LOG.info(() -> "sync scheduler " + owner + " stopped, " + released + " leases released");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing the sync leases of " + owner + " failed; they run out after " + lease, e);
        }
        runs.shutdownNow();
        prefetch.shutdownNow();
    }

    /** The heartbeat: keeps the leases of the runs alive here; a lease found lost stops its run at its next request. */
    void renewLeases() {
        Map<UUID, SyncLeases.Held> running = leases.running();
        if (running.isEmpty()) {
            return;
        }
        long sent = System.nanoTime();
        try {
            Set<UUID> renewed = schedule.renew(owner, running.keySet(), lease);
            leases.renewed(running, renewed, sent, lease.toNanos());
            if (renewed.size() < running.size()) {
                // Usually a run that ended (and released its lease) while the renewal was on its way.
                LOG.fine(() -> "sync leases not renewed for " + owner + ": "
                        + running.keySet().stream().filter(id -> !renewed.contains(id)).toList());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "renewing the sync leases of " + owner + " failed", e);
        }
    }

    @Schedule(second = "*", minute = "*", hour = "*", persistent = false, timezone = "UTC")
    void tick() {
        dispatch();
    }

    /** The name this server's leases carry in {@code sync_state.lease_owner} (host and deployment). */
    public String owner() {
        return owner;
    }

    /** Runs in flight on this server (the testing controls wait for none before they look at a state). */
    public int runsInFlight() {
        return Math.max(1, workers) - free.availablePermits();
    }

    @Schedule(second = "*/10", minute = "*", hour = "*", persistent = false, timezone = "UTC")
    void sweep() {
        // Never fails (the turn included: it needs the database): a timeout that throws is delivered again once and then
        // cancelled for good by Payara, which would end polling on this server after a database outage of 20 s.
        try {
            if (background.isHeld() || stopping || !turns.take("sync-sweep", SWEEP_INTERVAL)) {
                return;
            }
            Instant now = clock.instant();
            int requested = schedule.sweep(now, now.minus(pollInterval), now.minus(safetyInterval), now.plus(pollInterval));
            if (requested > 0) {
                wake();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sync sweep failed", e);
        }
    }

    /** A sync was requested on this server: look for due work now rather than at the next tick. */
    public void wake() {
        if (!dispatcher.isShutdown()) {
            dispatcher.execute(this::dispatch);
        }
    }

    void dispatch() {
        if (background.isHeld() || stopping) {
            return;
        }
        if (!dispatching.tryLock()) {
            dispatchAgain = true;
            return;
        }
        try {
            do {
                dispatchAgain = false;
                int capacity = free.availablePermits();
                if (capacity == 0) {
                    return;
                }
                Instant now = clock.instant();
                long sent = System.nanoTime();
                List<SyncSchedule.Claim> claims = schedule.claim(owner, now, lease, capacity);
                for (SyncSchedule.Claim claim : claims) {
                    SyncLeases.Held held = leases.claimed(claim.connectionId(), sent, lease.toNanos());
                    free.acquireUninterruptibly();
                    runs.execute(() -> run(claim, held));
                }
                if (claims.size() == capacity) {
                    dispatchAgain = true;
                }
            } while (dispatchAgain && free.availablePermits() > 0);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sync dispatch failed", e);
        } finally {
            dispatching.unlock();
        }
    }

    private void run(SyncSchedule.Claim claim, SyncLeases.Held held) {
        try {
            sync.run(claim.connectionId(), claim.reason(), owner, prefetch);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sync run of " + claim.connectionId() + " failed", e);
        } finally {
            leases.ended(claim.connectionId(), held);
            free.release();
            wake();
        }
    }

    private static String nodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }
}

package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Outlook's per-mailbox limits, held by every server on the database together: at most
 * {@code sync.max-requests-per-mailbox} Graph requests in flight for one mailbox (Microsoft allows 4 per app and
 * mailbox), and after Microsoft answered 429 with Retry-After, no server sends that mailbox a request until it has
 * passed. Every Graph call about a mailbox, sync, send or read state, goes through here.
 * <p>
 * A request first takes one of this server's permits for the mailbox (no database work while this server alone is
 * over the limit), then leases a slot in {@code mailbox_gate_slot} with one autocommit statement (which also refuses
 * while the mailbox's {@code mailbox_cooldown} lasts), calls Microsoft holding no connection and no transaction, and
 * gives the slot back with another. Slots are leased for {@code graph.gate-slot-lease} and renewed by this server
 * while its requests run, so a crashed server's slots come back within one lease. Times come from the database's
 * clock, which every server shares (Retry-After is real time, not the service's business clock).
 */
@ApplicationScoped
public class MailboxGate {

    private static final Logger LOG = Logger.getLogger(MailboxGate.class.getName());

    /** Takes the first free slot (expired leases are free), unless the mailbox is cooling down; says how long it cools. */
    private static final String ACQUIRE = """
            WITH cooling AS (
                SELECT until FROM mailbox_cooldown WHERE mailbox_id = ? AND until > clock_timestamp()),
            taken AS (
                INSERT INTO mailbox_gate_slot AS g (mailbox_id, slot, holder, token, leased_until)
                SELECT ?, s, ?, ?, clock_timestamp() + ? * interval '1 millisecond'
                FROM generate_series(0, ? - 1) AS s
                WHERE NOT EXISTS (SELECT 1 FROM cooling)
                  AND NOT EXISTS (SELECT 1 FROM mailbox_gate_slot h
                                  WHERE h.mailbox_id = ? AND h.slot = s AND h.leased_until > clock_timestamp())
                ORDER BY random() LIMIT 1
                ON CONFLICT (mailbox_id, slot) DO UPDATE
                    SET holder = EXCLUDED.holder, token = EXCLUDED.token, leased_until = EXCLUDED.leased_until
                    WHERE g.leased_until <= clock_timestamp()
                RETURNING slot)
            SELECT (SELECT slot FROM taken),
                   (SELECT ceil(extract(epoch FROM until - clock_timestamp()) * 1000)::bigint FROM cooling)""";
    private static final String RELEASE = "UPDATE mailbox_gate_slot SET holder = NULL, token = NULL, leased_until = '-infinity'"
            + " WHERE mailbox_id = ? AND slot = ? AND token = ?";
    private static final String RENEW = "UPDATE mailbox_gate_slot SET leased_until = clock_timestamp() + ? * interval '1 millisecond'"
            + " WHERE holder = ? AND token = ANY (?)";
    private static final String COOL_DOWN = "INSERT INTO mailbox_cooldown AS c (mailbox_id, until)"
            + " VALUES (?, clock_timestamp() + ? * interval '1 millisecond')"
            + " ON CONFLICT (mailbox_id) DO UPDATE SET until = GREATEST(c.until, EXCLUDED.until)";

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "sync.max-requests-per-mailbox")
    int maxInFlight;

    @Inject
    @ConfigProperty(name = "sync.gate-wait")
    Duration maxWait;

    @Inject
    @ConfigProperty(name = "graph.gate-slot-lease")
    Duration lease;

    /** This server, as the holder of its slots. */
    private final String server = "server-" + UUID.randomUUID();
    private final Map<UUID, Semaphore> local = new ConcurrentHashMap<>();
    /** The slots this server holds, by token: what the renewal keeps leased. */
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong slotsRefused = new AtomicLong();
    private ScheduledFuture<?> renewal;

    public MailboxGate() {
    }

    /** A gate outside the container (tests): its own database connections and settings; {@link #renewLeases} runs when the test says. */
    public MailboxGate(DataSource dataSource, int maxInFlight, Duration maxWait, Duration lease) {
        this.dataSource = dataSource;
        this.maxInFlight = maxInFlight;
        this.maxWait = maxWait;
        this.lease = lease;
    }

    @PostConstruct
    void keepLeasesRenewed() {
        renewLeasesEvery(scheduler);
    }

    /** Renews this server's slots every third of a lease, so a running request keeps its slot and a crashed server's go. */
    public void renewLeasesEvery(ScheduledExecutorService executor) {
        long every = Math.max(100, lease.toMillis() / 3);
        renewal = executor.scheduleWithFixedDelay(() -> {
            try {
                renewLeases();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "renewing this server's Graph request slots failed; they are taken again when their lease ends", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopRenewing() {
        if (renewal != null) {
            renewal.cancel(false);
        }
    }

    public <T> T call(UUID mailboxId, Supplier<T> request) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Semaphore permits = local.computeIfAbsent(mailboxId, id -> new Semaphore(Math.max(1, maxInFlight), true));
        try {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "Interrupted while waiting to call Microsoft.");
        }
        try {
            Slot slot = acquire(mailboxId, deadline);
            try {
                return request.get();
            } finally {
                release(mailboxId, slot);
            }
        } finally {
            permits.release();
        }
    }

    public void run(UUID mailboxId, Runnable request) {
        call(mailboxId, () -> {
            request.run();
            return null;
        });
    }

    /**
     * Microsoft asked to wait: no server sends this mailbox a request until then (at most {@code sync.gate-wait} ahead:
     * a longer Retry-After is honoured by the sync's backoff, without blocking the gate that long).
     */
    public void coolDown(UUID mailboxId, Duration retryAfter) {
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
            return;
        }
        Duration wait = retryAfter.compareTo(maxWait) > 0 ? maxWait : retryAfter;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement cool = connection.prepareStatement(COOL_DOWN)) {
            cool.setObject(1, mailboxId);
            cool.setLong(2, wait.toMillis());
            cool.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording Microsoft's Retry-After failed", e);
        }
    }

    /** Until when Microsoft's last Retry-After for this mailbox held (or holds) every server back, if that was after {@code since}. */
    public Optional<Instant> cooledDownUntil(UUID mailboxId, Instant since) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement read = connection.prepareStatement("SELECT until FROM mailbox_cooldown WHERE mailbox_id = ? AND until > ?")) {
            read.setObject(1, mailboxId);
            read.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rows = read.executeQuery()) {
                return rows.next() ? Optional.of(rows.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading Microsoft's Retry-After for a mailbox failed", e);
        }
    }

    /** Renews the lease of every slot this server holds (one statement; none when it holds none). */
    public void renewLeases() {
        if (held.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement renew = connection.prepareStatement(RENEW)) {
            Array tokens = connection.createArrayOf("uuid", held.toArray());
            renew.setLong(1, lease.toMillis());
            renew.setString(2, server);
            renew.setArray(3, tokens);
            renew.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("renewing Graph request slots failed", e);
        }
    }

    /** How often a request found every slot of its mailbox taken (by any server) or the mailbox cooling down, and waited. */
    public long slotsRefused() {
        return slotsRefused.get();
    }

    private record Slot(int number, UUID token) {
    }

    /** A slot of this mailbox, waiting (polling, with growing pauses) while all are taken or the mailbox cools down. */
    private Slot acquire(UUID mailboxId, long deadline) {
        long pauseMillis = 5;
        while (true) {
            UUID token = UUID.randomUUID();
            Long coolingMillis;
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement take = connection.prepareStatement(ACQUIRE)) {
                take.setObject(1, mailboxId);
                take.setObject(2, mailboxId);
                take.setString(3, server);
                take.setObject(4, token);
                take.setLong(5, lease.toMillis());
                take.setInt(6, Math.max(1, maxInFlight));
                take.setObject(7, mailboxId);
                try (ResultSet result = take.executeQuery()) {
                    result.next();
                    int slot = result.getInt(1);
                    if (!result.wasNull()) {
                        held.add(token);
                        return new Slot(slot, token);
                    }
                    long cooling = result.getLong(2);
                    coolingMillis = result.wasNull() ? null : cooling;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("taking a Graph request slot failed", e);
            }
            slotsRefused.incrementAndGet();
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            long wait = coolingMillis != null ? coolingMillis : pauseMillis + ThreadLocalRandom.current().nextLong(pauseMillis);
            if (leftMillis <= 0 || coolingMillis != null && coolingMillis > leftMillis) {
                throw busy(coolingMillis == null ? null : Duration.ofMillis(coolingMillis));
            }
            pauseMillis = Math.min(200, pauseMillis * 2);
            try {
                Thread.sleep(Math.min(wait, leftMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "Interrupted while waiting to call Microsoft.");
            }
        }
    }

    private void release(UUID mailboxId, Slot slot) {
        held.remove(slot.token());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement free = connection.prepareStatement(RELEASE)) {
            free.setObject(1, mailboxId);
            free.setInt(2, slot.number());
            free.setObject(3, slot.token());
            free.executeUpdate();
        } catch (SQLException e) {
            // The slot comes back when its lease ends; the request itself is done.
            LOG.log(Level.WARNING, "giving back a Graph request slot failed; it comes back when its lease ends", e);
        }
    }

    private static ServiceException busy(Duration coolingFor) {
        if (coolingFor != null) {
            return new ServiceException(ProblemCode.THROTTLED, MailboxRefusals.THROTTLED + ". Try again shortly.", coolingFor, null);
        }
        return new ServiceException(ProblemCode.THROTTLED,
                "Too many requests to this mailbox are under way. Try again in a moment.", Duration.ofSeconds(5), null);
    }
}

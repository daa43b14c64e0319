package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Outlook's per-mailbox limits, kept on this server: at most {@code sync.max-requests-per-mailbox} Graph requests in
 * flight for one mailbox (Microsoft allows 4), and after Microsoft answered 429 with Retry-After, no new request to
 * that mailbox until it has passed. Every Graph call about a mailbox, sync, send or read state, goes through here.
 */
@ApplicationScoped
public class MailboxGate {

    @Inject
    @ConfigProperty(name = "sync.max-requests-per-mailbox")
    int maxInFlight;

    @Inject
    @ConfigProperty(name = "sync.gate-wait")
    Duration maxWait;

    @Inject
    Clock clock;

    private final Map<UUID, Semaphore> inFlight = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> coolingUntil = new ConcurrentHashMap<>();

    public <T> T call(UUID mailboxId, Supplier<T> request) {
        waitOutCooldown(mailboxId);
        Semaphore permits = inFlight.computeIfAbsent(mailboxId, id -> new Semaphore(Math.max(1, maxInFlight), true));
        try {
            if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServiceException(ProblemCode.THROTTLED,
                        "Too many requests to this mailbox are under way. Try again in a moment.", Duration.ofSeconds(5), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "Interrupted while waiting to call Microsoft.");
        }
        try {
            return request.get();
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

    /** Microsoft asked to wait: requests to this mailbox from this server hold back until then. */
    public void coolDown(UUID mailboxId, Duration retryAfter) {
        if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
            return;
        }
        Instant until = clock.instant().plus(retryAfter.compareTo(maxWait) > 0 ? maxWait : retryAfter);
        coolingUntil.merge(mailboxId, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    private void waitOutCooldown(UUID mailboxId) {
        Instant until = coolingUntil.get(mailboxId);
        if (until == null) {
            return;
        }
        long millis = Duration.between(clock.instant(), until).toMillis();
        if (millis <= 0) {
            coolingUntil.remove(mailboxId, until);
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

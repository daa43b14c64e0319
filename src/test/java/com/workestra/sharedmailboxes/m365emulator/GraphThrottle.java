package com.workestra.sharedmailboxes.m365emulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outlook's per app and mailbox limits: concurrent requests (MailboxConcurrency) and requests per window.
 * Over either, Graph answers 429 ApplicationThrottled with Retry-After.
 */
final class GraphThrottle {

    private static final class Budget {
        int inFlight;
        long windowStart;
        int requestsInWindow;
    }

    private final EmulatorSettings settings;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    GraphThrottle(EmulatorSettings settings) {
        this.settings = settings;
    }

    static GraphException throttled(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new GraphException(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                .withHeader("Retry-After", Long.toString(seconds));
    }

    /** Takes a slot for one request, or throws 429; the caller must {@link #release} a taken slot. */
    void acquire(String appId, Mailbox mailbox, long nowMillis) {
        Budget budget = budgets.computeIfAbsent(appId + '|' + mailbox.oid, key -> new Budget());
        long windowMillis = settings.throttleWindow().toMillis();
        synchronized (budget) {
            if (nowMillis - budget.windowStart >= windowMillis) {
                budget.windowStart = nowMillis;
                budget.requestsInWindow = 0;
            }
            if (budget.requestsInWindow >= settings.maxRequestsPerWindowPerMailbox()) {
                throw throttled(Duration.ofMillis(budget.windowStart + windowMillis - nowMillis));
            }
            if (budget.inFlight >= settings.maxConcurrentRequestsPerMailbox()) {
                throw throttled(settings.concurrencyRetryAfter());
            }
            budget.inFlight++;
            budget.requestsInWindow++;
        }
    }

    void release(String appId, Mailbox mailbox) {
        Budget budget = budgets.get(appId + '|' + mailbox.oid);
        if (budget != null) {
            synchronized (budget) {
                budget.inFlight--;
            }
        }
    }
}

package com.workestra.sharedmailboxes.sync.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a mailbox whose syncs keep failing waits before the next try (here a base of 5 s and a maximum of 15 min). */
class SyncFailuresTest {

    final SyncFailures failures = new SyncFailures();

    {
        failures.backoffBase = Duration.ofSeconds(5);
        failures.backoffMax = Duration.ofMinutes(15);
    }

    @Test
    void eachConsecutiveFailureDoublesTheWaitFromTheBase() {
        assertEquals(Duration.ofSeconds(5), failures.backoff(0, null));
        assertEquals(Duration.ofSeconds(10), failures.backoff(1, null));
        assertEquals(Duration.ofSeconds(40), failures.backoff(3, null));
    }

    @Test
    void theWaitNeverExceedsTheMaximumHoweverLongTheFailuresLast() {
        assertEquals(Duration.ofMinutes(15), failures.backoff(8, null));
        assertEquals(Duration.ofMinutes(15), failures.backoff(1_000, null));
    }

    @Test
    void microsoftsRetryAfterIsHonouredWhenItAsksForLonger() {
        assertEquals(Duration.ofSeconds(120), failures.backoff(0, Duration.ofSeconds(120)), "Retry-After longer than the backoff");
        assertEquals(Duration.ofSeconds(40), failures.backoff(3, Duration.ofSeconds(2)), "a shorter Retry-After does not cut the backoff");
        assertEquals(Duration.ofHours(1), failures.backoff(1_000, Duration.ofHours(1)), "even beyond the maximum");
    }
}

package com.workestra.sharedmailboxes.clock.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * UTC system time, plus an offset that only the testing controls move (so a test can let hours pass for badges and
 * schedules, and then go back to real time). In production the offset stays zero.
 */
public final class ServiceClock extends Clock {

    private final Clock system = Clock.systemUTC();
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves forward");
        }
        offset.accumulateAndGet(by, Duration::plus);
        return instant();
    }

    /**
     * Back to the system's time, for the testing controls once a test that let time pass is done (the next test must
     * not inherit its hours: ID tokens and subscription expiries are checked against this clock). Instants taken
     * meanwhile (a sync's last run, a reused token's hand-out) then lie in the future until real time catches up; hold
     * background work around it.
     */
    public void reset() {
        offset.set(Duration.ZERO);
    }

    public Duration offset() {
        return offset.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(system, offset.get()).withZone(zone);
    }

    @Override
    public Instant instant() {
        return system.instant().plus(offset.get());
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }
}

package com.workestra.sharedmailboxes.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting on something the service or Microsoft's emulator shows (a connection's view, a row, the emulator's record),
 * polled with a bounded timeout: how the tests wait for background work instead of sleeping a fixed time.
 */
public final class Await {

    private static final long POLL_MILLIS = 200;

    private Await() {
    }

    /** Polls until the condition holds and returns the value that satisfied it; fails naming {@code what} otherwise. */
    public static <T> T until(String what, Supplier<T> probe, Predicate<T> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s; last seen: " + value);
            }
            TestWorkspace.sleep(POLL_MILLIS);
            value = probe.get();
        }
        return value;
    }

    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        until(what, condition::getAsBoolean, Boolean::booleanValue, timeout);
    }
}

package com.workestra.sharedmailboxes.it;

import java.net.URL;
import java.time.Duration;

/**
 * The service's testing controls (enabled for the integration tests only): hold background work so a test can look at
 * a state without racing the scheduler, release it, and let time pass on the service's clock.
 */
public final class ServiceControls {

    private final ApiClient anonymous;

    public ServiceControls(URL base) {
        this.anonymous = ApiClient.at(base);
    }

    /** Stops the timers from starting work and waits until this server has no sync run in flight. */
    public void holdBackgroundWork() {
        ApiClient.Reply reply = anonymous.post("/api/v1/testing/background/hold", "");
        if (reply.status() != 200) {
            throw new AssertionError("background work did not become quiet: " + reply);
        }
    }

    public void releaseBackgroundWork() {
        ApiClient.Reply reply = anonymous.post("/api/v1/testing/background/release", "");
        if (reply.status() != 200) {
            throw new AssertionError("releasing background work answered " + reply);
        }
    }

    /**
     * Puts the service's clock back at real time, with background work held meanwhile, and leaves background work
     * released: what a test that moved the clock does when it ends, so that the next test starts at real time.
     */
    public void backToRealTime() {
        holdBackgroundWork();
        try {
            ApiClient.Reply reply = anonymous.send(anonymous.request("/api/v1/testing/clock").DELETE());
            if (reply.status() != 200) {
                throw new AssertionError("resetting the clock answered " + reply);
            }
        } finally {
            releaseBackgroundWork();
        }
    }

    /** The time on the service's clock. */
    public java.time.Instant now() {
        ApiClient.Reply reply = anonymous.get("/api/v1/testing/clock");
        if (reply.status() != 200) {
            throw new AssertionError("reading the clock answered " + reply);
        }
        return java.time.Instant.parse(reply.json().get("now").asText());
    }

    /** Moves the service's clock forward (Microsoft's emulator keeps its own time). */
    public void advanceClock(Duration by) {
        ApiClient.Reply reply = anonymous.post("/api/v1/testing/clock?advance=" + by, "");
        if (reply.status() != 200) {
            throw new AssertionError("moving the clock answered " + reply);
        }
    }

    /** How many calls to Microsoft this server has made inside a database transaction, and the last few of them. */
    public ApiClient.Reply microsoftCallsInTransaction() {
        ApiClient.Reply reply = anonymous.get("/api/v1/testing/microsoft-calls-in-transaction");
        if (reply.status() != 200) {
            throw new AssertionError("reading the calls made inside a transaction answered " + reply);
        }
        return reply;
    }
}

package com.workestra.sharedmailboxes.clock.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether the timers (sync dispatch and sweeps, the stale sweep, subscription renewal) may start work. Always on in
 * production; the testing controls hold it so a test can look at a state without racing the scheduler.
 */
@ApplicationScoped
public class BackgroundWork {

    private volatile boolean held;

    public boolean isHeld() {
        return held;
    }

    public void hold() {
        held = true;
    }

    public void release() {
        held = false;
    }
}

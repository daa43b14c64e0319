package com.workestra.sharedmailboxes.clock.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * Whether the timers (sync dispatch and sweeps, the stale sweep, subscription renewal) may start work: not during the
 * first {@code background.start-delay} after the application came up, and not while the testing controls hold it (so
 * that a test can look at a state without racing the scheduler).
 * <p>
 * The start delay keeps work out of the deployment itself. Payara closes every cached jar file of the JVM as a
 * deployment ends (payara/Payara#5001); a sync run that was parsing Graph's answer at that moment failed to link one of
 * the Graph SDK's lambdas ("zip file closed"), and the JVM keeps such a failure for good, so that server could never
 * read a delta again until restarted (seen in CI on a server started with connections already due).
 */
@ApplicationScoped
public class BackgroundWork {

    @Inject
    @ConfigProperty(name = "background.start-delay")
    Duration startDelay;

    private final long createdAt = System.nanoTime();
    private volatile boolean held;
    private volatile boolean started;

    public boolean isHeld() {
        return held || !started();
    }

    public void hold() {
        held = true;
    }

    public void release() {
        held = false;
    }

    private boolean started() {
        if (!started && System.nanoTime() - createdAt >= startDelay.toNanos()) {
            started = true;
        }
        return started;
    }
}

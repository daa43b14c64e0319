package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.graph.control.MailboxRefusals;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a run that failed means: Exchange refusing the mailbox (or no longer finding it, or finding another one) turns
 * the row red until a later run succeeds; a sign-in that needs the person ends the run quietly; anything else is
 * transient and retried after an exponential backoff (or Microsoft's Retry-After, whichever is longer).
 */
@ApplicationScoped
public class SyncFailures {

    private static final Logger LOG = Logger.getLogger(SyncFailures.class.getName());

    @Inject
    SyncSchedule schedule;

    @Inject
    MailboxGate gate;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "sync.poll-interval")
    Duration pollInterval;

    @Inject
    @ConfigProperty(name = "sync.safety-interval")
    Duration safetyInterval;

    @Inject
    @ConfigProperty(name = "sync.backoff-base")
    Duration backoffBase;

    @Inject
    @ConfigProperty(name = "sync.backoff-max")
    Duration backoffMax;

    /** Records the failed run of {@code target} and tells how it ended. */
    public DeltaSync.Outcome settle(SyncTarget target, String owner, RuntimeException failure) {
        if (failure instanceof MailboxConfirmation.Replaced) {
            return refused(target, owner, ProblemCode.MAILBOX_REPLACED, MailboxRefusals.replaced(target.address()));
        }
        ServiceException refused = ServiceException.within(failure).orElse(null);
        if (refused != null) {
            if (refused.code() == ProblemCode.RECONNECT_REQUIRED) {
                // OutlookSignIn has marked the personal connection (its shared rows show it); nothing to do until the
                // person reconnects.
                schedule.released(target.connectionId(), owner);
                return DeltaSync.Outcome.SKIPPED;
            }
            return defer(target, owner, refused.detail(), refused.retryAfter());
        }
        GraphFailure graphFailure = GraphFailure.of(failure);
        if (graphFailure == null) {
            LOG.log(Level.WARNING, "sync of connection " + target.connectionId() + " failed", failure);
            return defer(target, owner, "an unexpected error on this server", null);
        }
        if (graphFailure.isMailboxAccessDenied()) {
            return refused(target, owner, ProblemCode.MAILBOX_ACCESS_DENIED, MailboxRefusals.ACCESS_DENIED);
        }
        if (graphFailure.isMailboxNotFound()) {
            return refused(target, owner, ProblemCode.MAILBOX_NOT_FOUND, target.personal()
                    ? MailboxRefusals.notFound(target.address()) : MailboxRefusals.sharedNotFound(target.address()));
        }
        if (graphFailure.isThrottled()) {
            gate.coolDown(target.mailboxId(), graphFailure.retryAfter());
        }
        return defer(target, owner, MailboxRefusals.transientFailure(graphFailure), graphFailure.retryAfter());
    }

    /** When the next routine run is due after this one: the next poll, or the safety sync of a pushed connection. */
    public Instant nextRoutineRun(SyncTarget target, Instant now) {
        return now.plus(target.pushed() ? safetyInterval : pollInterval);
    }

    private DeltaSync.Outcome refused(SyncTarget target, String owner, ProblemCode code, String sentence) {
        Instant now = clock.instant();
        schedule.failed(target.connectionId(), owner, now, code, sentence, nextRoutineRun(target, now));
        return DeltaSync.Outcome.FAILED;
    }

    private DeltaSync.Outcome defer(SyncTarget target, String owner, String failure, Duration retryAfter) {
        Duration backoff = backoff(schedule.consecutiveFailures(target.connectionId()), retryAfter);
        Instant now = clock.instant();
        LOG.info(() -> "sync of connection " + target.connectionId() + " deferred: " + failure);
        schedule.deferred(target.connectionId(), owner, now, failure, now.plus(backoff));
        return DeltaSync.Outcome.DEFERRED;
    }

    /** {@code sync.backoff-base} doubled with each consecutive failure, at most {@code sync.backoff-max}, never before Retry-After. */
    Duration backoff(int consecutiveFailures, Duration retryAfter) {
        Duration backoff = backoffBase.multipliedBy(1L << Math.min(consecutiveFailures, 16));
        if (backoff.compareTo(backoffMax) > 0) {
            backoff = backoffMax;
        }
        if (retryAfter != null && retryAfter.compareTo(backoff) > 0) {
            backoff = retryAfter;
        }
        return backoff;
    }
}

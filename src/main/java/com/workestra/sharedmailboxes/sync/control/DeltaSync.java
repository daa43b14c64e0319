package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.connections.entity.Delivery;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxIdentities;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncCursor;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One sync run of one claimed connection: Inbox, then Sent Items, page by page from each folder's cursor, every page
 * committed with its cursor. While a page is written the next one is already being fetched. A run stops after its time
 * budget (the connection is due again at once, behind the others waiting), so a large backfill never holds a worker
 * for long and other mailboxes keep syncing.
 */
@ApplicationScoped
public class DeltaSync {

    private static final Logger LOG = Logger.getLogger(DeltaSync.class.getName());

    public static final String ACCESS_DENIED = "MAILBOX_ACCESS_DENIED";
    public static final String ACCESS_DENIED_SENTENCE = "Microsoft rejected access to this mailbox";
    public static final String NOT_FOUND = "MAILBOX_NOT_FOUND";
    public static final String REPLACED = "MAILBOX_REPLACED";

    public enum Outcome { CURRENT, YIELDED, FAILED, DEFERRED, SKIPPED, LOST }

    @Inject
    SyncLedger ledger;

    @Inject
    DeltaReader reader;

    @Inject
    OutlookSignIn signIn;

    @Inject
    MailboxGate gate;

    @Inject
    SyncMetrics metrics;

    @Inject
    MailboxIdentities identities;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "sync.page-size")
    int pageSize;

    @Inject
    @ConfigProperty(name = "sync.history-depth")
    Optional<Duration> historyDepth;

    @Inject
    @ConfigProperty(name = "sync.run-budget")
    Duration runBudget;

    @Inject
    @ConfigProperty(name = "sync.lease")
    Duration lease;

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

    @Inject
    @ConfigProperty(name = "sync.sent-items-interval")
    Duration sentItemsInterval;

    public Duration lease() {
        return lease;
    }

    public Outcome run(UUID connectionId, String owner, Executor prefetch) {
        return run(connectionId, null, owner, prefetch);
    }

    /**
     * @param reason why the connection was due; a change notification says the Inbox changed, so a push-triggered run
     *               reads Sent Items only when it was last read more than {@code sync.sent-items-interval} ago
     */
    public Outcome run(UUID connectionId, String reason, String owner, Executor prefetch) {
        long started = System.nanoTime();
        int[] stored = {0};
        Outcome outcome = run(connectionId, reason, owner, prefetch, stored);
        if (outcome != Outcome.LOST && outcome != Outcome.SKIPPED) {
            metrics.recordSync(Duration.ofNanos(System.nanoTime() - started), stored[0], outcome.name().toLowerCase(java.util.Locale.ROOT));
        }
        return outcome;
    }

    private Outcome run(UUID connectionId, String reason, String owner, Executor prefetch, int[] stored) {
        SyncTarget target = ledger.target(connectionId);
        if (target == null) {
            return Outcome.LOST;
        }
        if (target.tokenHolder() == null || !target.personal() && target.tokenHolderInError()) {
            // The parent's sign-in needs attention: no Graph call; the badge shows the parent's error.
            ledger.released(connectionId, owner);
            return Outcome.SKIPPED;
        }
        try {
            GraphServiceClient client = signIn.graphFor(target.tokenHolder());
            Instant deadline = clock.instant().plus(runBudget);
            MailboxCheck check = new MailboxCheck();
            if (target.identity() == null) {
                confirmMailbox(target, client, check);
            }
            boolean inboxOnly = "WEBHOOK".equals(reason);
            for (Folder folder : Folder.values()) {
                if (inboxOnly && folder == Folder.SENT && ledger.recentlySynced(connectionId, folder, clock.instant().minus(sentItemsInterval))) {
                    continue;
                }
                if (!syncFolder(target, folder, client, owner, deadline, prefetch, check, stored)) {
                    ledger.yielded(connectionId, owner, clock.instant());
                    return Outcome.YIELDED;
                }
            }
            Instant now = clock.instant();
            boolean polling = target.delivery() == Delivery.POLLING;
            ledger.succeeded(connectionId, owner, now, now.plus(polling ? pollInterval : safetyInterval),
                    polling ? "POLL" : "SAFETY");
            return Outcome.CURRENT;
        } catch (SyncLedger.LeaseLost lost) {
            LOG.info(() -> lost.getMessage());
            return Outcome.LOST;
        } catch (MailboxReplaced replaced) {
            Instant now = clock.instant();
            ledger.failed(connectionId, owner, now, REPLACED, replacedSentence(target.address()),
                    now.plus(target.delivery() == Delivery.POLLING ? pollInterval : safetyInterval));
            return Outcome.FAILED;
        } catch (RuntimeException failure) {
            ServiceException refused = ServiceException.within(failure).orElse(null);
            if (refused == null) {
                return classify(target, owner, failure);
            }
            if (refused.code() == ProblemCode.RECONNECT_REQUIRED) {
                // OutlookSignIn has marked the personal connection (its shared rows show it); nothing to do until the
                // person reconnects.
                ledger.released(connectionId, owner);
                return Outcome.SKIPPED;
            }
            return defer(target, owner, refused.detail(), refused.retryAfter());
        }
    }

    private Outcome classify(SyncTarget target, String owner, RuntimeException failure) {
        GraphFailure graphFailure = GraphFailure.of(failure);
        if (graphFailure == null) {
            LOG.log(Level.WARNING, "sync of connection " + target.connectionId() + " failed", failure);
            return defer(target, owner, "an unexpected error on this server", null);
        }
        Instant now = clock.instant();
        Instant next = now.plus(target.delivery() == Delivery.POLLING ? pollInterval : safetyInterval);
        if (graphFailure.isMailboxAccessDenied()) {
            ledger.failed(target.connectionId(), owner, now, ACCESS_DENIED, ACCESS_DENIED_SENTENCE, next);
            return Outcome.FAILED;
        }
        if (graphFailure.isMailboxNotFound()) {
            ledger.failed(target.connectionId(), owner, now, NOT_FOUND, notFoundSentence(target), next);
            return Outcome.FAILED;
        }
        if (graphFailure.isThrottled()) {
            gate.coolDown(target.mailboxId(), graphFailure.retryAfter());
        }
        return defer(target, owner, sentence(graphFailure), graphFailure.retryAfter());
    }

    /**
     * PRODUCT.md's sentence for an unknown address; for a shared mailbox, also what to do when the address was changed at
     * Microsoft (the old one no longer resolves, and nothing in the delegated scopes tells the new one).
     */
    static String notFoundSentence(SyncTarget target) {
        String sentence = "Microsoft 365 could not find a mailbox at " + target.address();
        return target.personal() ? sentence : sentence + ". If its address was changed, add it again under the new address:"
                + " it keeps its history.";
    }

    static String replacedSentence(String address) {
        return address + " is now another mailbox: the one you added was deleted in Microsoft 365 and a new one was created at"
                + " this address. Add it again to read the new one; what was synced before stays readable.";
    }

    /** What a transient failure means to the person reading the row (lastTransientFailure, the Stale reason). */
    static String sentence(GraphFailure failure) {
        if (failure.isThrottled()) {
            return "Microsoft is throttling requests to this mailbox (429)";
        }
        if (failure.status() == 0) {
            return "Microsoft 365 did not answer";
        }
        if (failure.status() >= 500) {
            return "Microsoft 365 answered with an error (" + failure + ")";
        }
        if (failure.isUnauthorized()) {
            return "Microsoft refused the sign-in even after it was refreshed (" + failure + ")";
        }
        return "Microsoft refused the sync request (" + failure + ")";
    }

    private Outcome defer(SyncTarget target, String owner, String failure, Duration retryAfter) {
        int failures = ledger.consecutiveFailures(target.connectionId());
        Duration backoff = backoffBase.multipliedBy(1L << Math.min(failures, 16));
        if (backoff.compareTo(backoffMax) > 0) {
            backoff = backoffMax;
        }
        if (retryAfter != null && retryAfter.compareTo(backoff) > 0) {
            backoff = retryAfter;
        }
        Instant now = clock.instant();
        LOG.info(() -> "sync of connection " + target.connectionId() + " deferred: " + failure);
        ledger.deferred(target.connectionId(), owner, now, failure, now.plus(backoff));
        return Outcome.DEFERRED;
    }

    /** @return true when the folder is current (its round finished), false when the time budget ran out first */
    boolean syncFolder(SyncTarget target, Folder folder, GraphServiceClient client, String owner, Instant deadline,
                       Executor prefetch, MailboxCheck check, int[] stored) {
        Instant notBefore = historyDepth.map(depth -> clock.instant().minus(depth)).orElse(null);
        SyncCursor cursor = ledger.cursor(target.connectionId(), folder, clock.instant());
        boolean restarted = false;
        DeltaPage page;
        if (cursor.link() == null) {
            confirmMailbox(target, client, check);
        }
        try {
            page = fetch(client, target, folder, cursor.link());
        } catch (RuntimeException failure) {
            // A stored link that no longer resolves may name an address the mailbox had before: start the folder again.
            if (cursor.link() == null || !isSyncStateLost(failure) && !isMailboxNotFound(failure)) {
                throw failure;
            }
            page = restart(target, folder, client, check, failure);
            restarted = true;
        }
        Instant leaseRenewedAt = clock.instant();
        while (true) {
            CompletableFuture<DeltaPage> ahead = null;
            if (!page.isLast() && clock.instant().isBefore(deadline)) {
                String next = page.nextLink();
                ahead = CompletableFuture.supplyAsync(() -> fetch(client, target, folder, next), prefetch);
            }
            try {
                stored[0] += ledger.commitPage(owner, target.connectionId(), folder, target.mailboxId(), page, clock.instant(), notBefore);
            } catch (RuntimeException failure) {
                if (ahead != null) {
                    ahead.cancel(true);
                }
                throw failure;
            }
            if (page.isLast()) {
                return true;
            }
            if (ahead == null) {
                return false;
            }
            if (Duration.between(leaseRenewedAt, clock.instant()).compareTo(lease.dividedBy(3)) > 0) {
                if (!ledger.renew(target.connectionId(), owner, clock.instant().plus(lease))) {
                    ahead.cancel(true);
                    throw new SyncLedger.LeaseLost(target.connectionId());
                }
                leaseRenewedAt = clock.instant();
            }
            try {
                page = join(ahead);
            } catch (RuntimeException failure) {
                if (restarted || !isSyncStateLost(failure)) {
                    throw failure;
                }
                page = restart(target, folder, client, check, failure);
                restarted = true;
            }
        }
    }

    private DeltaPage restart(SyncTarget target, Folder folder, GraphServiceClient client, MailboxCheck check,
                              RuntimeException refusal) {
        LOG.info(() -> "Graph no longer takes the stored link of connection " + target.connectionId() + " " + folder + " ("
                + GraphFailure.of(refusal) + "): full resync");
        confirmMailbox(target, client, check);
        ledger.restartFolder(target.connectionId(), folder, clock.instant());
        return fetch(client, target, folder, null);
    }

    /**
     * Before a shared mailbox is read from the start (a first round, or Graph lost the sync state), and once for a mailbox
     * from before identities: is the address still the mailbox this row was added for? Exchange's identity of it is read
     * at most once a run; a different one means the mailbox was deleted and a new one created at its address, whose mail
     * must not land in the old one's history. An unknown identity is recorded.
     */
    private void confirmMailbox(SyncTarget target, GraphServiceClient client, MailboxCheck check) {
        if (target.personal() || check.confirmed) {
            return;
        }
        MailboxIdentity current = gate.call(target.mailboxId(), () -> identities.ofShared(client, target.graphUser()));
        check.confirmed = true;
        if (target.identity() == null) {
            if (!ledger.identified(target.mailboxId(), current)) {
                LOG.info(() -> "mailbox " + target.mailboxId() + " stays unidentified: another mailbox of the workspace is " + current);
            }
        } else if (target.identity().isInbox() && !target.identity().equals(current)) {
            throw new MailboxReplaced();
        }
    }

    /** Whether this run has confirmed its shared mailbox already. */
    static final class MailboxCheck {
        private boolean confirmed;
    }

    /** The address of a shared row now holds another mailbox than the one it was added for. */
    static final class MailboxReplaced extends RuntimeException {
        MailboxReplaced() {
            super("the address holds another mailbox", null, false, false);
        }
    }

    private DeltaPage fetch(GraphServiceClient client, SyncTarget target, Folder folder, String link) {
        return gate.call(target.mailboxId(), () -> reader.read(client, target.graphUser(), folder, link, pageSize));
    }

    private static DeltaPage join(CompletableFuture<DeltaPage> ahead) {
        try {
            return ahead.join();
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static boolean isMailboxNotFound(RuntimeException failure) {
        GraphFailure graphFailure = GraphFailure.of(failure);
        return graphFailure != null && graphFailure.isMailboxNotFound();
    }

    /** Graph no longer takes the stored link: it lost the sync state, or refuses the link outright (an unknown 4xx). */
    private static boolean isSyncStateLost(RuntimeException failure) {
        GraphFailure graphFailure = GraphFailure.of(failure);
        return graphFailure != null && (graphFailure.isSyncStateLost() || graphFailure.isRefusedRequest());
    }
}

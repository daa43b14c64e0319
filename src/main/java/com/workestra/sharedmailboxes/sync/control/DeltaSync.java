package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncCursor;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * One sync run of one claimed connection: the mailbox's folder tree when due, then each folder the connection syncs
 * (Inbox, Sent Items, then the others by path), page by page from each folder's cursor, every page committed with its
 * cursor. While a page is written the next one is already being fetched, when the {@link PageBudget} shared by all
 * workers has room for it. A run stops after its time budget, or when no room for its next page was found by then (the
 * connection is due again at once, behind the others waiting), so a large backfill never holds a worker for long and
 * other mailboxes keep syncing. A shared mailbox's display name is checked now and then after a run.
 */
@ApplicationScoped
public class DeltaSync {

    private static final Logger LOG = Logger.getLogger(DeltaSync.class.getName());

    public enum Outcome { CURRENT, YIELDED, FAILED, DEFERRED, SKIPPED, LOST }

    @Inject
    SyncLedger ledger;

    @Inject
    SyncSchedule schedule;

    @Inject
    DeltaReader reader;

    @Inject
    SyncLeases leases;

    @Inject
    OutlookSignIn signIn;

    @Inject
    MailboxGate gate;

    @Inject
    SyncMetrics metrics;

    @Inject
    MailboxConfirmation confirmation;

    @Inject
    SyncFailures failures;

    @Inject
    MessageWhereabouts whereabouts;

    @Inject
    MailboxNames names;

    @Inject
    FolderTree tree;

    @Inject
    FolderSelection selection;

    @Inject
    PageBudget budget;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "sync.folder-tree-interval")
    Duration folderTreeInterval;

    @Inject
    @ConfigProperty(name = "sync.page-size")
    int pageSize;

    @Inject
    @ConfigProperty(name = "sync.page-bytes")
    long pageBytes;

    @Inject
    @ConfigProperty(name = "sync.history-depth")
    Optional<Duration> historyDepth;

    @Inject
    @ConfigProperty(name = "sync.run-budget")
    Duration runBudget;

    /**
     * @param reason why the connection was due. A change notification is about a message in any folder of the mailbox
     *               and does not say which (its subscription covers every folder, and Graph names the message only), so a
     *               push-triggered run reads every selected folder: one request for each unchanged folder.
     */
    public Outcome run(UUID connectionId, SyncReason reason, String owner, Executor prefetch) {
        long started = System.nanoTime();
        int[] stored = {0};
        Outcome outcome = run(connectionId, reason, owner, prefetch, stored);
        if (outcome != Outcome.LOST && outcome != Outcome.SKIPPED) {
            metrics.recordSync(Duration.ofNanos(System.nanoTime() - started), stored[0], outcome);
        }
        return outcome;
    }

    private Outcome run(UUID connectionId, SyncReason reason, String owner, Executor prefetch, int[] stored) {
        SyncTarget target = ledger.target(connectionId);
        if (target == null) {
            return Outcome.LOST;
        }
        if (target.tokenHolder() == null || !target.personal() && target.tokenHolder().inError()) {
            // The parent's sign-in needs attention: no Graph call; the badge shows the parent's error.
            schedule.released(connectionId, owner);
            return Outcome.SKIPPED;
        }
        try {
            GraphServiceClient client = signIn.graphFor(target.tokenHolder());
            Instant deadline = clock.instant().plus(runBudget);
            MailboxConfirmation.Check check = confirmation.forRun(target, client);
            if (target.identity() == null) {
                check.confirm();
            }
            readFolderTree(target, reason, client, check);
            for (Folder folder : selection.toSync(connectionId, target.mailboxId())) {
                boolean current;
                try {
                    current = syncFolder(target, folder, client, owner, deadline, prefetch, check, stored);
                } catch (RuntimeException failure) {
                    if (folder.isWellKnown() || !isNotFound(failure)) {
                        throw failure;
                    }
                    // Inbox answered, this folder did not: it was deleted (or hidden) since the tree was listed.
                    LOG.info(() -> "folder " + folder + " of connection " + connectionId + " is gone at Microsoft ("
                            + GraphFailure.of(failure) + ")");
                    ledger.folderGone(connectionId, target.mailboxId(), folder, clock.instant());
                    continue;
                }
                if (!current) {
                    schedule.yielded(connectionId, owner, clock.instant());
                    return Outcome.YIELDED;
                }
            }
            names.refresh(target, client);
            Instant now = clock.instant();
            schedule.succeeded(connectionId, owner, now, failures.nextRoutineRun(target, now),
                    target.pushed() ? SyncReason.SAFETY : SyncReason.POLL);
            return Outcome.CURRENT;
        } catch (SyncLedger.LeaseLost lost) {
            LOG.info(() -> lost.getMessage());
            return Outcome.LOST;
        } catch (RuntimeException failure) {
            return failures.settle(target, owner, failure);
        }
    }

    /**
     * @return true when the folder is current (its round finished), false when the time budget ran out first, or there
     * was no room in the {@link PageBudget} for the next page before it did (the cursor then names that page, so the
     * next run reads it)
     */
    boolean syncFolder(SyncTarget target, Folder folder, GraphServiceClient client, String owner, Instant deadline,
                       Executor prefetch, MailboxConfirmation.Check check, int[] stored) {
        Instant notBefore = historyDepth.map(depth -> clock.instant().minus(depth)).orElse(null);
        SyncCursor cursor = ledger.cursor(target.connectionId(), folder, clock.instant());
        if (cursor.link() == null) {
            check.reconfirm();
        }
        int size = PageSizing.first(pageSize);
        Optional<PageBudget.Grant> room = budget.acquire(PageSizing.expectedWeight(size, null), untilThe(deadline));
        if (room.isEmpty()) {
            return noRoom(target, folder);
        }
        PageBudget.Grant held = room.get();
        PageBudget.Grant heldAhead = null;
        try {
            boolean restarted = false;
            DeltaPage page;
            try {
                page = fetch(client, target, folder, cursor.link(), size);
            } catch (RuntimeException failure) {
                // A stored link that no longer resolves may name an address the mailbox had before: start the folder again.
                if (cursor.link() == null || !isSyncStateLost(failure) && !isMailboxNotFound(failure)) {
                    throw failure;
                }
                page = restart(target, folder, client, check, failure);
                restarted = true;
            }
            held.settle(PageSizing.weight(page));
            while (true) {
                CompletableFuture<DeltaPage> ahead = null;
                size = PageSizing.next(size, page, pageBytes, pageSize);
                long expected = PageSizing.expectedWeight(size, page);
                if (!page.isLast() && clock.instant().isBefore(deadline)) {
                    // Never waits here: a prefetch without room is simply not made, the page is read after this one is stored.
                    heldAhead = budget.acquire(expected, Duration.ZERO).orElse(null);
                    if (heldAhead != null) {
                        String next = page.nextLink();
                        int nextSize = size;
                        PageBudget.Grant grant = heldAhead;
                        ahead = CompletableFuture.supplyAsync(
                                () -> settled(grant, fetch(client, target, folder, next, nextSize)), prefetch);
                    }
                }
                try {
                    Map<String, Removal> removals = whereabouts.of(client, target, page);
                    stored[0] += ledger.commitPage(owner, target.connectionId(), folder, target.mailboxId(), page, clock.instant(),
                            notBefore, removals);
                } catch (RuntimeException failure) {
                    if (ahead != null) {
                        ahead.cancel(true);
                    }
                    throw failure;
                }
                held.release();
                if (page.isLast()) {
                    return true;
                }
                String nextLink = page.nextLink();
                // The stored page is garbage now: not kept reachable while this worker waits for room or reads the next.
                page = null;
                if (ahead != null) {
                    held = heldAhead;
                    heldAhead = null;
                } else {
                    if (!clock.instant().isBefore(deadline)) {
                        return false;
                    }
                    room = budget.acquire(expected, untilThe(deadline));
                    if (room.isEmpty()) {
                        return noRoom(target, folder);
                    }
                    held = room.get();
                }
                try {
                    page = ahead != null ? join(ahead) : fetch(client, target, folder, nextLink, size);
                } catch (RuntimeException failure) {
                    if (restarted || !isSyncStateLost(failure)) {
                        throw failure;
                    }
                    page = restart(target, folder, client, check, failure);
                    restarted = true;
                }
                held.settle(PageSizing.weight(page));
            }
        } finally {
            held.release();
            if (heldAhead != null) {
                heldAhead.release();
            }
        }
    }

    private Duration untilThe(Instant deadline) {
        return Duration.between(clock.instant(), deadline);
    }

    private static DeltaPage settled(PageBudget.Grant grant, DeltaPage page) {
        grant.settle(PageSizing.weight(page));
        return page;
    }

    private static boolean noRoom(SyncTarget target, Folder folder) {
        LOG.fine(() -> "no room for a page of connection " + target.connectionId() + " " + folder
                + " before the run's budget ran out: it yields");
        return false;
    }

    private DeltaPage restart(SyncTarget target, Folder folder, GraphServiceClient client, MailboxConfirmation.Check check,
                              RuntimeException refusal) {
        LOG.info(() -> "Graph no longer takes the stored link of connection " + target.connectionId() + " " + folder + " ("
                + GraphFailure.of(refusal) + "): full resync");
        check.reconfirm();
        ledger.restartFolder(target.connectionId(), folder, clock.instant());
        return fetch(client, target, folder, null, PageSizing.first(pageSize));
    }

    private DeltaPage fetch(GraphServiceClient client, SyncTarget target, Folder folder, String link, int size) {
        if (!leases.holds(target.connectionId())) {
            // The heartbeat could not keep the lease (or this server is stopping): another server may run it now.
            throw new SyncLedger.LeaseLost(target.connectionId());
        }
        return gate.call(target.mailboxId(), () -> reader.read(client, target.graphUser(), folder, link, size,
                link == null ? historyDepth.map(depth -> clock.instant().minus(depth)).orElse(null) : null));
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

    /**
     * New, renamed, moved and deleted folders: the tree is listed on connecting, on Sync now, every
     * sync.folder-tree-interval, and whenever the folder delta says a folder changed (one request per run). A new delta
     * round starts just before a listing, so whatever changes after the listing is in the round's next answer.
     */
    private void readFolderTree(SyncTarget target, SyncReason reason, GraphServiceClient client, MailboxConfirmation.Check check) {
        UUID connectionId = target.connectionId();
        boolean list = reason == SyncReason.INITIAL || reason == SyncReason.SYNC_NOW
                || ledger.folderTreeDue(connectionId, clock.instant().minus(folderTreeInterval));
        boolean roundRead = false;
        if (!list) {
            String link = ledger.folderDeltaLink(connectionId);
            if (link != null) {
                FolderTree.FolderChanges changes = tree.changesSince(client, target, link);
                ledger.folderDeltaRead(connectionId, changes.deltaLink());
                list = changes.any();
                roundRead = changes.deltaLink() != null;
            }
        }
        if (list) {
            check.confirm();
            if (!roundRead) {
                ledger.folderDeltaRead(connectionId, tree.changesSince(client, target, null).deltaLink());
            }
            ledger.foldersListed(connectionId, target.mailboxId(), tree.list(client, target), clock.instant());
        }
    }

    private static boolean isNotFound(RuntimeException failure) {
        GraphFailure graphFailure = GraphFailure.of(failure);
        return graphFailure != null && graphFailure.status() == 404;
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

package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncCursor;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sync worker within the page budget it shares with the others: it prefetches only with room to spare, waits for
 * room no longer than its run may last, and a run that ends for want of room leaves its cursor on the page it did not
 * read, so the next run reads on from there and nothing is skipped.
 */
class DeltaSyncPageBudgetTest {

    static final int MESSAGES_PER_PAGE = 5;
    static final int BODY = 10_000;
    /** What one page of the folder below weighs, as PageSizing counts it. */
    static final long PAGE = PageSizing.weight(page(1));
    /** Room for three such pages, not four. */
    static final long BUDGET = 200_000;

    final UUID connection = UUID.randomUUID();
    final SyncTarget target = new SyncTarget(connection, false, UUID.randomUUID(), null, "support@contoso.example",
            "support@contoso.example", null, false);
    final Folders folders = new Folders(3);
    final Ledger ledger = new Ledger();
    final PageBudget budget = new PageBudget(BUDGET);
    final AtomicInteger prefetches = new AtomicInteger();
    final Executor prefetch = command -> {
        prefetches.incrementAndGet();
        command.run();
    };
    final DeltaSync sync = new DeltaSync();

    @BeforeEach
    void worker() {
        sync.ledger = ledger;
        sync.reader = folders;
        sync.gate = new MailboxGate() {
            @Override
            public <T> T call(UUID mailboxId, Supplier<T> request) {
                return request.get();
            }
        };
        sync.leases = new SyncLeases();
        sync.leases.claimed(connection, System.nanoTime(), TimeUnit.MINUTES.toNanos(5));
        sync.whereabouts = new MessageWhereabouts();
        sync.budget = budget;
        sync.clock = Clock.systemUTC();
        sync.pageSize = MESSAGES_PER_PAGE;
        sync.pageBytes = 4_000_000;
        sync.historyDepth = Optional.empty();
        assertTrue(PAGE > 50_000 && PAGE < 60_000, "a page weighs " + PAGE);
    }

    @Test
    void withRoomToSpareTheNextPageIsFetchedWhileOneIsWritten() {
        assertTrue(runUntil(Duration.ofSeconds(30)));
        assertEquals(List.of("page1", "page2", "page3"), folders.read);
        assertEquals(List.of("page2", "page3", "done"), ledger.cursors);
        assertEquals(2, prefetches.get());
        assertEquals(0, budget.held(), "every page's room came back");
    }

    @Test
    void withoutRoomForAPrefetchThePageIsReadOnceTheOneBeforeIsStored() {
        // Room for one page of this folder at a time (besides what the others hold).
        PageBudget.Grant others = budget.acquire(BUDGET - PAGE, Duration.ZERO).orElseThrow();

        assertTrue(runUntil(Duration.ofSeconds(30)));
        assertEquals(List.of("page1", "page2", "page3"), folders.read);
        assertEquals(List.of("page2", "page3", "done"), ledger.cursors);
        assertEquals(0, prefetches.get(), "no prefetch waited for room");
        others.release();
        assertEquals(0, budget.held());
    }

    @Test
    void noRoomBeforeTheRunsBudgetRunsOutEndsTheRunAndTheNextRunReadsOnFromThePageItDidNotRead() {
        // Room for the first page, which then holds more than it was granted; after it, none.
        PageBudget.Grant others = budget.acquire(BUDGET - PAGE + 1, Duration.ZERO).orElseThrow();

        long started = System.nanoTime();
        assertFalse(runUntil(Duration.ofMillis(300)), "the run yields");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "waited no longer than its run may last");
        assertEquals(List.of("page1"), folders.read);
        assertEquals(List.of("page2"), ledger.cursors, "the page stored moved the cursor onto the one not read");
        assertEquals(BUDGET - PAGE + 1, budget.held(), "nothing of the ended run is still held");

        others.release();
        assertTrue(runUntil(Duration.ofSeconds(30)));
        assertEquals(List.of("page1", "page2", "page3"), folders.read, "nothing read twice, nothing skipped");
        assertEquals(List.of("page2", "page3", "done"), ledger.cursors);
        assertEquals(0, budget.held());
    }

    @Test
    void noRoomForTheFirstPageEndsTheRunWithoutReadingAnything() {
        PageBudget.Grant others = budget.acquire(BUDGET, Duration.ZERO).orElseThrow();

        assertFalse(runUntil(Duration.ofMillis(200)));
        assertEquals(List.of(), folders.read);
        assertEquals(List.of(), ledger.cursors);
        others.release();
    }

    @Test
    void aPageLargerThanTheWholeBudgetIsStillSynced() {
        sync.budget = new PageBudget(PAGE / 2);
        assertTrue(runUntil(Duration.ofSeconds(30)));
        assertEquals(List.of("page1", "page2", "page3"), folders.read);
        assertEquals(0, prefetches.get(), "one page at a time");
    }

    private boolean runUntil(Duration budgetOfTheRun) {
        return sync.syncFolder(target, Folder.INBOX, null, "owner", Instant.now().plus(budgetOfTheRun), prefetch, null,
                new int[1]);
    }

    static DeltaPage page(int number) {
        List<MessageChange> changes = new ArrayList<>();
        for (int i = 0; i < MESSAGES_PER_PAGE; i++) {
            changes.add(new MessageChange("id" + number + "-" + i, false, null, null, "Subject", null, null, List.of(), List.of(),
                    Instant.EPOCH, false, false, "Preview", "html", "x".repeat(BODY), null));
        }
        return new DeltaPage(changes, "page" + (number + 1), null);
    }

    /** A folder of {@code pages} pages at Microsoft, read by link. */
    static final class Folders extends DeltaReader {
        final int pages;
        final List<String> read = new ArrayList<>();

        Folders(int pages) {
            this.pages = pages;
        }

        @Override
        public synchronized DeltaPage read(GraphServiceClient client, String graphUser, Folder folder, String link,
                                           int pageSize, Instant notBefore) {
            read.add(link);
            int number = Integer.parseInt(link.substring("page".length()));
            DeltaPage page = page(number);
            return number < pages ? page : new DeltaPage(page.changes(), null, "done");
        }
    }

    /** The folder's cursor: where each stored page left it. */
    final class Ledger extends SyncLedger {
        final List<String> cursors = new ArrayList<>();

        @Override
        public SyncCursor cursor(UUID connectionId, Folder folder, Instant now) {
            String at = cursors.isEmpty() ? "page1" : cursors.get(cursors.size() - 1);
            return new SyncCursor(connectionId, folder, at, null, 0, null);
        }

        @Override
        public synchronized int commitPage(String owner, UUID connectionId, Folder folder, UUID mailboxId, DeltaPage page,
                                           Instant now, Instant notBefore, Map<String, Removal> removals) {
            cursors.add(page.isLast() ? page.deltaLink() : page.nextLink());
            return page.changes().size();
        }
    }
}

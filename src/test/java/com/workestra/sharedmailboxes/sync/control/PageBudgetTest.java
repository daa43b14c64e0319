package com.workestra.sharedmailboxes.sync.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * All sync workers of a server together hold at most the budget of page text, a page larger than the budget is still
 * read on its own, and nobody waits longer than they said they would.
 */
class PageBudgetTest {

    static final Duration LONG = Duration.ofSeconds(30);
    final PageBudget budget = new PageBudget(1_000);
    final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void pagesAreGrantedWhileTheyFitAndTheirRoomComesBackWhenStored() {
        PageBudget.Grant first = budget.acquire(600, Duration.ZERO).orElseThrow();
        PageBudget.Grant second = budget.acquire(400, Duration.ZERO).orElseThrow();
        assertEquals(1_000, budget.held());
        assertTrue(budget.acquire(1, Duration.ZERO).isEmpty(), "the budget is full");

        first.release();
        first.release();
        assertEquals(400, budget.held(), "a second release gives nothing back twice");
        assertTrue(budget.acquire(600, Duration.ZERO).isPresent());
        second.release();
    }

    @Test
    void aPageLargerThanTheWholeBudgetIsReadWhenNothingElseIsHeld() {
        PageBudget.Grant small = budget.acquire(10, Duration.ZERO).orElseThrow();
        assertTrue(budget.acquire(5_000, Duration.ZERO).isEmpty(), "not while another page is held");
        small.release();

        PageBudget.Grant large = budget.acquire(5_000, Duration.ZERO).orElseThrow();
        assertEquals(5_000, budget.held());
        assertTrue(budget.acquire(1, Duration.ZERO).isEmpty());
        large.release();
        assertEquals(0, budget.held());
    }

    @Test
    void aWaitForRoomEndsWithNothingWhenItsPatienceRunsOut() {
        PageBudget.Grant full = budget.acquire(1_000, Duration.ZERO).orElseThrow();
        long started = System.nanoTime();
        Optional<PageBudget.Grant> none = budget.acquire(100, Duration.ofMillis(200));
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(none.isEmpty());
        assertTrue(waitedMs >= 190 && waitedMs < 10_000, "waited " + waitedMs + " ms");
        assertEquals(0, budget.waiting(), "a request that gave up no longer stands in line");
        full.release();
        assertTrue(budget.acquire(100, Duration.ZERO).isPresent());
    }

    @Test
    void aWaiterGetsItsRoomAsSoonAsAPageIsStored() throws Exception {
        PageBudget.Grant full = budget.acquire(1_000, Duration.ZERO).orElseThrow();
        Future<Optional<PageBudget.Grant>> waiter = other.submit(() -> budget.acquire(300, LONG));
        await(() -> budget.waiting() == 1);
        assertFalse(waiter.isDone());

        full.release();
        assertTrue(waiter.get(10, TimeUnit.SECONDS).isPresent());
        assertEquals(300, budget.held());
    }

    @Test
    void theOldestRequestGoesFirstSoALargePageIsNotPassedOverForEver() throws Exception {
        PageBudget.Grant some = budget.acquire(500, Duration.ZERO).orElseThrow();
        Future<Optional<PageBudget.Grant>> large = other.submit(() -> budget.acquire(900, LONG));
        await(() -> budget.waiting() == 1);

        assertTrue(budget.acquire(100, Duration.ZERO).isEmpty(), "a prefetch that would fit does not jump the line");
        some.release();
        assertEquals(900, large.get(10, TimeUnit.SECONDS).orElseThrow().size());
    }

    @Test
    void aPageReadLargerThanExpectedHoldsWhatItWeighs() {
        PageBudget.Grant grant = budget.acquire(100, Duration.ZERO).orElseThrow();
        grant.settle(1_200);
        assertEquals(1_200, budget.held());
        assertTrue(budget.acquire(1, Duration.ZERO).isEmpty());
        grant.settle(300);
        assertEquals(300, budget.held());
        grant.release();
        grant.settle(900);
        assertEquals(0, budget.held(), "settling a released page takes nothing");
    }

    @Test
    void anInterruptedWaitEndsWithNothingAndKeepsTheInterrupt() throws Exception {
        PageBudget.Grant full = budget.acquire(1_000, Duration.ZERO).orElseThrow();
        CountDownLatch done = new CountDownLatch(1);
        boolean[] outcome = new boolean[2];
        Thread waiter = new Thread(() -> {
            outcome[0] = budget.acquire(100, LONG).isEmpty();
            outcome[1] = Thread.currentThread().isInterrupted();
            done.countDown();
        });
        waiter.start();
        await(() -> budget.waiting() == 1);
        waiter.interrupt();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(outcome[0], "no grant");
        assertTrue(outcome[1], "the thread still knows it was interrupted");
        full.release();
        assertEquals(0, budget.held());
    }

    /**
     * What Weld's client proxy of an application-scoped bean does with a {@code synchronized} method: the proxy's own
     * method is synchronized too, on the proxy. A waiter that came through it holds the proxy's monitor while it waits;
     * the room given back must reach it without passing the proxy.
     */
    static class SynchronizedProxy extends PageBudget {
        final PageBudget instance;

        SynchronizedProxy(PageBudget instance) {
            this.instance = instance;
        }

        @Override
        public synchronized Optional<Grant> acquire(long expected, Duration patience) {
            return instance.acquire(expected, patience);
        }
    }

    @Test
    void aWaiterBehindTheContainersProxyGetsItsRoomWhenAPageIsStored() throws Exception {
        PageBudget proxy = new SynchronizedProxy(budget);
        PageBudget.Grant full = proxy.acquire(1_000, Duration.ZERO).orElseThrow();
        Future<Optional<PageBudget.Grant>> waiter = other.submit(() -> proxy.acquire(300, LONG));
        await(() -> budget.waiting() == 1);

        full.release();
        // Within 10 s of a patience of 30: granted on the release, not when the waiter gave up.
        assertTrue(waiter.get(10, TimeUnit.SECONDS).isPresent());
    }

    @Test
    void noMethodIsSynchronizedForTheProxyToCopy() {
        for (Class<?> type : List.of(PageBudget.class, PageBudget.Grant.class)) {
            for (Method method : type.getDeclaredMethods()) {
                assertFalse(Modifier.isSynchronized(method.getModifiers()), method.toString());
            }
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                fail("condition not met within 10 s");
            }
            Thread.sleep(1);
        }
    }
}

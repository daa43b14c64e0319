package com.workestra.sharedmailboxes.sync.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How much delta page text all sync workers of this server hold at once ({@code sync.page-text-budget}, in the
 * characters {@link PageSizing#weight} counts): a worker takes room for a page before it reads or prefetches it and
 * gives it back once the page is stored. Requests are served oldest first, so a large one is not passed over for ever
 * by smaller ones; a request larger than the whole budget is granted when nothing else is held.
 * <p>
 * A lock and a condition, not {@code synchronized} and {@code wait}: Weld's client proxy of an application-scoped bean
 * keeps a method's {@code synchronized}, so a {@code wait} in the bean would free the bean's monitor but not the
 * proxy's, and every other caller (the release included) would block behind the waiter.
 */
@ApplicationScoped
public class PageBudget {

    @Inject
    @ConfigProperty(name = "sync.page-text-budget")
    long budget;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Requests waiting for room, oldest first; only the first may take it. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private long held;

    public PageBudget() {
    }

    PageBudget(long budget) {
        this.budget = budget;
    }

    /**
     * Room for a page of about {@code expected} characters, waiting at most {@code patience} (zero or less: only if there
     * is room now and nobody waits before); empty when the patience ran out or the thread was interrupted.
     */
    public Optional<Grant> acquire(long expected, Duration patience) {
        long wanted = Math.max(0, expected);
        long nanos = patience.isNegative() ? 0 : toNanos(patience);
        Object request = new Object();
        lock.lock();
        try {
            waiting.addLast(request);
            try {
                while (waiting.peekFirst() != request || !fits(wanted)) {
                    if (nanos <= 0) {
                        return Optional.empty();
                    }
                    nanos = changed.awaitNanos(nanos);
                }
                held += wanted;
                return Optional.of(new Grant(wanted));
            } finally {
                waiting.remove(request);
                // The next in line may fit now, or is first now.
                changed.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Characters granted and not given back yet. */
    long held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for room now. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(long wanted) {
        return held == 0 || held + wanted <= budget;
    }

    private static long toNanos(Duration patience) {
        try {
            return patience.toNanos();
        } catch (ArithmeticException tooLong) {
            return TimeUnit.DAYS.toNanos(365);
        }
    }

    /** Room held for one page. */
    public final class Grant {

        private long size;
        private boolean released;

        private Grant(long size) {
            this.size = size;
        }

        /**
         * The page is read: it holds {@code weight} characters, more or fewer than expected. More is taken even beyond
         * the budget (the page is in memory already); the others wait until it is given back.
         */
        public void settle(long weight) {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                long now = Math.max(0, weight);
                held += now - size;
                size = now;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The page is stored (or given up); once only, later calls do nothing. */
        public void release() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                held -= size;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        long size() {
            lock.lock();
            try {
                return size;
            } finally {
                lock.unlock();
            }
        }
    }
}

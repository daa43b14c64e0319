package com.workestra.sharedmailboxes.graph.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Microsoft is never called while the calling thread holds a database transaction: a slow or throttling Microsoft
 * would hold a pooled connection for minutes. Every Graph request (on the thread that sends it) and every MSAL token
 * request (on the thread that waits for it) is checked here; one made inside a transaction, even one that has just
 * completed and is running its after-commit callbacks, is logged and counted, and the testing controls show the count.
 */
@ApplicationScoped
public class TransactionWatch {

    private static final Logger LOG = Logger.getLogger(TransactionWatch.class.getName());
    private static final int KEPT = 20;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private final AtomicLong inTransaction = new AtomicLong();
    private final Deque<String> recent = new ArrayDeque<>();

    /** {@code call} names the request (method and path, never a token). */
    public void calling(String call) {
        int status = status();
        if (status == Status.STATUS_NO_TRANSACTION) {
            return;
        }
        inTransaction.incrementAndGet();
        String seen = call + " (transaction status " + status + ")";
        synchronized (recent) {
            recent.addLast(seen);
            while (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
        LOG.warning(() -> "Microsoft called inside a database transaction: " + seen);
    }

    private int status() {
        try {
            return transactions == null ? Status.STATUS_NO_TRANSACTION : transactions.getTransactionStatus();
        } catch (RuntimeException outsideTheContainer) {
            return Status.STATUS_NO_TRANSACTION;
        }
    }

    public long callsInTransaction() {
        return inTransaction.get();
    }

    /** The last few such calls, oldest first. */
    public List<String> recentCallsInTransaction() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}

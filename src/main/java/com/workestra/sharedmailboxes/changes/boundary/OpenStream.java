package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An open stream: whose, the position after which it gets changes (advanced only by the loop), and its outbox:
 * what the loop gave it and its sender has not written yet, at most {@code changes.stream-buffer} changes
 * (a comment counts as one).
 */
final class OpenStream {

    private static final Logger LOG = Logger.getLogger(OpenStream.class.getName());

    final Caller caller;
    final ChangeSubscriber out;
    final long openedAt = System.nanoTime();
    volatile long position;
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    /** How many changes wait in the outbox. */
    private int waiting;
    /** A sender has this stream (its drain is queued or running). */
    private boolean sending;
    /** A sender is in a write to this client, since {@link #writingSince} (System.nanoTime). */
    private boolean writing;
    private long writingSince;
    private boolean dropped;

    OpenStream(Caller caller, ChangeSubscriber out, long position) {
        this.caller = caller;
        this.out = out;
        this.position = position;
    }

    /**
     * Queues a write of {@code changes} changes (a comment counts as one); false when the outbox would hold more than
     * {@code capacity} (the client does not keep up) or the stream was dropped.
     */
    synchronized boolean offer(Runnable write, int changes, int capacity) {
        int weight = Math.max(1, changes);
        if (dropped || waiting + weight > capacity) {
            return false;
        }
        outbox.add(new Outgoing(write, weight));
        waiting += weight;
        return true;
    }

    /** Starts a sender when there is something to write and none is running. */
    void flush(Executor senders) {
        synchronized (this) {
            if (sending || dropped || outbox.isEmpty()) {
                return;
            }
            sending = true;
        }
        senders.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Outgoing next;
            synchronized (this) {
                next = dropped ? null : outbox.poll();
                if (next == null) {
                    sending = false;
                    return;
                }
                waiting -= next.changes();
                writing = true;
                writingSince = System.nanoTime();
            }
            try {
                next.write().run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "writing to a change stream failed", e);
                out.close();
            } finally {
                synchronized (this) {
                    writing = false;
                }
            }
        }
    }

    /**
     * Whether the write under way has taken longer than {@code timeout} (the client stopped reading). Time spent
     * waiting for a sender thread does not count: that is the server's delay, not the client's.
     */
    synchronized boolean stuck(Duration timeout) {
        return writing && System.nanoTime() - writingSince > timeout.toNanos();
    }

    /** Whether a sender is in a write to this client. */
    synchronized boolean writing() {
        return writing;
    }

    /** Gives up on the stream: nothing more is written; true the first time. */
    synchronized boolean drop() {
        if (dropped) {
            return false;
        }
        dropped = true;
        outbox.clear();
        waiting = 0;
        return true;
    }

    /** A write waiting in an outbox, and how many changes it carries. */
    private record Outgoing(Runnable write, int changes) {
    }
}

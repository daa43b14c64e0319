package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.changes.control.ChangeLog;
import com.workestra.sharedmailboxes.changes.entity.ChangeBatch;
import com.workestra.sharedmailboxes.changes.entity.ChangeReader;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open streams of this server and the one loop that feeds them all: every {@code changes.poll-interval} it reads the
 * positions of the workspaces that have streams here (one statement), and for a workspace with news, its new changes
 * and its readers' mailbox access (two statements, whatever the number of its streams); each stream gets what its
 * person may see, in order. The database is the source, so a change stored by any server reaches the streams of every
 * server within a poll interval. A person keeps at most {@code changes.max-streams-per-caller} streams on a server:
 * opening one more closes their oldest.
 * <p>
 * The loop never writes to a client: it puts what a stream gets in that stream's bounded outbox, and a sender thread
 * per busy stream (from a pool that grows as needed, so a stuck one never waits for another) writes it out. A stream
 * whose outbox is full ({@code changes.stream-buffer}) or whose current write has not finished within
 * {@code changes.send-timeout} is dropped: closed, so its client reconnects with Last-Event-ID and loses nothing. So a
 * client that stops reading cannot delay anyone else's changes. A stream whose position is older than what the feed
 * keeps (changes after it were removed, see {@code changes.retention}) gets a {@code cursor.expired} event and is
 * closed; opening one with such a position is refused (410 CURSOR_EXPIRED).
 */
@ApplicationScoped
public class ChangeStreams {

    private static final Logger LOG = Logger.getLogger(ChangeStreams.class.getName());
    /** How many changes of one workspace a tick reads at most; more are read on the next tick. */
    static final int BATCH = 500;
    /** How often pruning runs, by the service's clock. */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    @Inject
    ChangeLog log;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "changes.poll-interval")
    Duration pollInterval;

    @Inject
    @ConfigProperty(name = "changes.heartbeat-interval")
    Duration heartbeatInterval;

    @Inject
    @ConfigProperty(name = "changes.max-streams-per-caller")
    int maxStreamsPerCaller;

    @Inject
    @ConfigProperty(name = "changes.retention")
    Duration retention;

    @Inject
    @ConfigProperty(name = "changes.stream-buffer")
    int streamBuffer;

    @Inject
    @ConfigProperty(name = "changes.send-timeout")
    Duration sendTimeout;

    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> loop;
    /** Where the streams' writes run (tests give their own). */
    Executor senders;
    private long lastHeartbeat = System.nanoTime();
    private Instant lastPrune = Instant.MIN;

    /**
     * An open stream: whose, the position after which it gets changes (advanced only by the loop), and its outbox:
     * what the loop gave it and its sender has not written yet, at most {@code changes.stream-buffer} items.
     */
    static final class Stream {
        final Caller caller;
        final ChangeSubscriber out;
        final long openedAt = System.nanoTime();
        volatile long position;
        private final ArrayDeque<Runnable> outbox = new ArrayDeque<>();
        private boolean sending;
        /** When the write under way started (System.nanoTime), while {@link #sending}. */
        private long writingSince;
        private boolean dropped;

        Stream(Caller caller, ChangeSubscriber out, long position) {
            this.caller = caller;
            this.out = out;
            this.position = position;
        }

        /** Queues a write; false when the outbox is full (the client does not keep up) or the stream was dropped. */
        synchronized boolean offer(Runnable write, int capacity) {
            if (dropped || outbox.size() >= capacity) {
                return false;
            }
            outbox.add(write);
            return true;
        }

        /** Starts a sender when there is something to write and none is running. */
        void flush(Executor senders) {
            synchronized (this) {
                if (sending || dropped || outbox.isEmpty()) {
                    return;
                }
                sending = true;
                writingSince = System.nanoTime();
            }
            senders.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable write;
                synchronized (this) {
                    write = dropped ? null : outbox.poll();
                    if (write == null) {
                        sending = false;
                        return;
                    }
                    writingSince = System.nanoTime();
                }
                try {
                    write.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "writing to a change stream failed", e);
                    out.close();
                }
            }
        }

        /** Whether the write under way has taken longer than {@code timeout} (the client stopped reading). */
        synchronized boolean stuck(Duration timeout) {
            return sending && System.nanoTime() - writingSince > timeout.toNanos();
        }

        /** Gives up on the stream: nothing more is written; true the first time. */
        synchronized boolean drop() {
            if (dropped) {
                return false;
            }
            dropped = true;
            outbox.clear();
            return true;
        }
    }

    @PostConstruct
    void start() {
        if (senders == null) {
            // Grows as needed: a sender stuck on a client that stopped reading never makes another stream's sender wait.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), threads);
            senders = pool;
        }
        long every = Math.max(50, pollInterval.toMillis());
        loop = scheduler.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the change feed's loop failed; it tries again in " + every + " ms", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the loop with the application, not with the first stream: it also prunes the feed, which must happen on a
     * server where no stream was ever opened.
     */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // creating the bean started the loop (@PostConstruct)
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.cancel(false);
        }
        for (Stream stream : streams) {
            if (stream.drop()) {
                stream.out.close();
            }
        }
        streams.clear();
        if (senders instanceof ExecutorService pool) {
            pool.shutdownNow();
        }
    }

    /** The position where a stream without Last-Event-ID or cursor starts: now. */
    public long now(Caller caller) {
        return log.latest(caller.workspaceId());
    }

    /**
     * Opens a stream for the caller after {@code position}; their oldest stream here goes when they hold too many.
     *
     * @throws com.workestra.sharedmailboxes.problems.entity.ServiceException CURSOR_EXPIRED when changes after
     *         {@code position} were removed (older than {@code changes.retention}): nothing is opened
     */
    public void open(Caller caller, ChangeSubscriber out, long position) {
        if (log.forgottenThrough(caller.workspaceId()) > position) {
            throw ChangeFeed.expired();
        }
        List<Stream> theirs = new ArrayList<>();
        for (Stream stream : streams) {
            if (!stream.out.isClosed() && stream.caller.workspaceId().equals(caller.workspaceId())
                    && stream.caller.userId().equals(caller.userId())) {
                theirs.add(stream);
            }
        }
        theirs.sort(Comparator.comparingLong(stream -> stream.openedAt));
        for (int i = 0; i <= theirs.size() - Math.max(1, maxStreamsPerCaller); i++) {
            Stream oldest = theirs.get(i);
            streams.remove(oldest);
            // Through its outbox (after what it still has to write), never on this request's thread.
            oldest.offer(() -> oldest.out.comment("closed: a newer stream of the same person replaced this one"), Integer.MAX_VALUE);
            oldest.offer(oldest.out::close, Integer.MAX_VALUE);
            oldest.flush(senders);
        }
        // Said before the loop knows the stream, so it is its first line (the loop's senders write the rest).
        out.comment("streaming changes after " + position);
        streams.add(new Stream(caller, out, position));
    }

    /** How many streams are open on this server. */
    public int openStreams() {
        return (int) streams.stream().filter(stream -> !stream.out.isClosed()).count();
    }

    /** One round of the loop: see the class comment. */
    void tick() {
        streams.removeIf(stream -> stream.out.isClosed());
        for (Stream stream : streams) {
            if (stream.stuck(sendTimeout)) {
                drop(stream, "a write to it has not finished within changes.send-timeout (" + sendTimeout + ")");
            }
        }
        pruneNowAndThen();
        if (streams.isEmpty()) {
            return;
        }
        Map<String, List<Stream>> byWorkspace = new HashMap<>();
        for (Stream stream : streams) {
            byWorkspace.computeIfAbsent(stream.caller.workspaceId(), any -> new ArrayList<>()).add(stream);
        }
        Map<String, Long> latest = log.latest(byWorkspace.keySet());
        byWorkspace.forEach((workspaceId, theirs) -> {
            long newest = latest.getOrDefault(workspaceId, 0L);
            long from = theirs.stream().mapToLong(stream -> stream.position).min().orElse(newest);
            if (newest > from) {
                deliver(workspaceId, theirs, from);
            }
        });
        boolean beat = System.nanoTime() - lastHeartbeat >= heartbeatInterval.toNanos();
        if (beat) {
            lastHeartbeat = System.nanoTime();
        }
        for (Stream stream : streams) {
            if (beat) {
                give(stream, () -> stream.out.comment("heartbeat"));
            }
            stream.flush(senders);
        }
    }

    private void deliver(String workspaceId, List<Stream> theirs, long from) {
        ChangeBatch read = log.read(workspaceId, from, BATCH);
        for (Stream stream : theirs) {
            if (read.forgotAfter(stream.position)) {
                // Changes after its position were removed before it got them: it must re-read, not continue with a gap.
                give(stream, () -> stream.out.expired(ChangeFeed.expired().problem()));
                give(stream, stream.out::close);
                streams.remove(stream);
                stream.flush(senders);
            }
        }
        List<StoredChange> batch = read.changes();
        if (batch.isEmpty()) {
            return;
        }
        Set<String> users = new HashSet<>();
        Set<String> admins = new HashSet<>();
        for (Stream stream : theirs) {
            users.add(stream.caller.userId());
            if (stream.caller.isAdmin()) {
                admins.add(stream.caller.userId());
            }
        }
        Map<String, ChangeReader> readers = log.readers(workspaceId, users, admins);
        long last = batch.get(batch.size() - 1).seq();
        for (Stream stream : theirs) {
            if (!streams.contains(stream)) {
                continue;
            }
            ChangeReader reader = readers.get(stream.caller.userId());
            for (StoredChange change : batch) {
                if (change.seq() > stream.position && reader.sees(change) && !stream.out.isClosed()) {
                    if (!give(stream, () -> stream.out.send(change.view()))) {
                        break;
                    }
                }
            }
            stream.position = Math.max(stream.position, last);
        }
    }

    /** Puts a write in the stream's outbox; a stream whose outbox is full is dropped. @return whether it was queued */
    private boolean give(Stream stream, Runnable write) {
        if (stream.offer(write, Math.max(1, streamBuffer))) {
            return true;
        }
        drop(stream, "its client has not read the last " + streamBuffer + " changes (changes.stream-buffer)");
        return false;
    }

    /** Closes a stream that does not keep up; its client reconnects with Last-Event-ID and resumes without loss. */
    private void drop(Stream stream, String why) {
        streams.remove(stream);
        if (stream.drop()) {
            LOG.info(() -> "a change stream of " + stream.caller.userId() + " was dropped: " + why);
            // Closing may wait for the stuck write: never on the loop's thread.
            senders.execute(stream.out::close);
        }
    }

    /**
     * The feed keeps {@code changes.retention} of changes (stamped with the database's time), pruned once an hour by
     * the service's clock (so a test that lets days pass on it sees changes age out) and after that clock went back.
     */
    private void pruneNowAndThen() {
        Instant now = clock.instant();
        if (!lastPrune.equals(Instant.MIN) && now.isAfter(lastPrune) && now.isBefore(lastPrune.plus(PRUNE_EVERY))) {
            return;
        }
        int forgotten = log.forget(now.minus(retention));
        lastPrune = now;
        if (forgotten > 0) {
            LOG.info(() -> "the change feed forgot " + forgotten + " changes older than " + retention);
        }
    }
}

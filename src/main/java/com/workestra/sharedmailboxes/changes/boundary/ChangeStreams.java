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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
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
 * Each change of a tick is serialised once ({@link ChangeEvent}), for all the streams whose person may see it, and a
 * stream gets what a tick has for it as one write with one flush.
 * <p>
 * The loop never writes to a client: it puts what a stream gets in that stream's bounded outbox, and a pool of sender
 * threads writes the outboxes out, one stream at a time per thread. The pool has {@code changes.sender-threads} threads
 * (0: as many as the server has cores), plus one for each write under way for longer than a poll interval (a client
 * that reads slowly or not at all), until that write returns: so a stuck client holds a thread of its own, never the
 * others' (they wait at most about a poll interval), and with clients that read, the writes share few threads. A
 * stream whose outbox is full ({@code changes.stream-buffer} changes) or whose current write has not finished within
 * {@code changes.send-timeout} is dropped: closed, so its client reconnects with Last-Event-ID and loses nothing. So a
 * client that stops reading cannot hold up anyone else's changes. A stream whose position is older than what the feed
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

    @Inject
    @ConfigProperty(name = "changes.sender-threads")
    int senderThreads;

    private final List<OpenStream> streams = new CopyOnWriteArrayList<>();
    /** Dropped streams whose sender is still in a write: their threads count as stuck until it returns. */
    private final List<OpenStream> leaving = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> loop;
    /** Where the streams' writes run (tests give their own): see {@link #senderPool}. */
    Executor senders;
    /** Where dropped streams are closed: a close may wait for the write that is stuck, so never on a sender. */
    Executor closers;
    private long lastHeartbeat = System.nanoTime();
    private Instant lastPrune = Instant.MIN;

    /**
     * The senders' pool: {@code threads} threads (made by {@code factory}), idle ones ending after a minute; the loop adds
     * one for each write that is stuck and removes it when that write returns ({@link #resizeSenders}).
     */
    static ThreadPoolExecutor senderPool(int threads, ThreadFactory factory) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @PostConstruct
    void start() {
        if (senderThreads <= 0) {
            senderThreads = Runtime.getRuntime().availableProcessors();
        }
        if (senders == null) {
            senders = senderPool(senderThreads, threads);
        }
        if (closers == null) {
            closers = close -> threads.newThread(close).start();
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
     * Makes the container create this bean when the application starts: an application-scoped bean is otherwise created
     * on its first use (the first stream opened here), and its {@link #start()} starts the loop, which also prunes the
     * feed: that must happen on a server where no stream is ever opened. To call this observer the container creates the
     * bean; the method itself has nothing left to do.
     */
    void startWithTheApplication(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.fine(() -> "the change feed's loop runs every " + pollInterval);
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.cancel(false);
        }
        for (OpenStream stream : streams) {
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
        List<OpenStream> theirs = new ArrayList<>();
        for (OpenStream stream : streams) {
            if (!stream.out.isClosed() && stream.caller.workspaceId().equals(caller.workspaceId())
                    && stream.caller.userId().equals(caller.userId())) {
                theirs.add(stream);
            }
        }
        theirs.sort(Comparator.comparingLong(stream -> stream.openedAt));
        for (int i = 0; i <= theirs.size() - Math.max(1, maxStreamsPerCaller); i++) {
            OpenStream oldest = theirs.get(i);
            streams.remove(oldest);
            // Through its outbox (after what it still has to write), never on this request's thread.
            oldest.offer(() -> oldest.out.comment("closed: a newer stream of the same person replaced this one"), 1, Integer.MAX_VALUE);
            oldest.offer(oldest.out::close, 1, Integer.MAX_VALUE);
            oldest.flush(senders);
        }
        // Said before the loop knows the stream, so it is its first line (the loop's senders write the rest).
        out.comment("streaming changes after " + position);
        streams.add(new OpenStream(caller, out, position));
    }

    /** How many streams are open on this server. */
    public int openStreams() {
        return (int) streams.stream().filter(stream -> !stream.out.isClosed()).count();
    }

    /** One round of the loop: see the class comment. */
    void tick() {
        streams.removeIf(stream -> stream.out.isClosed());
        for (OpenStream stream : streams) {
            if (stream.stuck(sendTimeout)) {
                drop(stream, "a write to it has not finished within changes.send-timeout (" + sendTimeout + ")");
            }
        }
        pruneNowAndThen();
        if (streams.isEmpty()) {
            return;
        }
        Map<String, List<OpenStream>> byWorkspace = new HashMap<>();
        for (OpenStream stream : streams) {
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
        for (OpenStream stream : streams) {
            if (beat) {
                give(stream, () -> stream.out.comment("heartbeat"));
            }
            stream.flush(senders);
        }
        resizeSenders();
    }

    /**
     * {@code changes.sender-threads}, plus one thread for each write under way for longer than a poll interval (on a
     * stream still open, or dropped but its write not returned): the threads that are stuck in a client's write are
     * replaced, so the others' writes go on.
     */
    private void resizeSenders() {
        leaving.removeIf(stream -> !stream.writing());
        if (!(senders instanceof ThreadPoolExecutor pool)) {
            return;
        }
        int stuck = 0;
        for (OpenStream stream : streams) {
            if (stream.stuck(pollInterval)) {
                stuck++;
            }
        }
        for (OpenStream stream : leaving) {
            if (stream.stuck(pollInterval)) {
                stuck++;
            }
        }
        int size = Math.max(1, senderThreads) + stuck;
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else if (size < pool.getMaximumPoolSize()) {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    private void deliver(String workspaceId, List<OpenStream> theirs, long from) {
        ChangeBatch read = log.read(workspaceId, from, BATCH);
        for (OpenStream stream : theirs) {
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
        for (OpenStream stream : theirs) {
            users.add(stream.caller.userId());
            if (stream.caller.isAdmin()) {
                admins.add(stream.caller.userId());
            }
        }
        Map<String, ChangeReader> readers = log.readers(workspaceId, users, admins);
        long last = batch.get(batch.size() - 1).seq();
        // Each change serialised once, when the first stream that may see it needs it, then shared.
        ChangeEvent[] events = new ChangeEvent[batch.size()];
        for (OpenStream stream : theirs) {
            if (!streams.contains(stream)) {
                continue;
            }
            ChangeReader reader = readers.get(stream.caller.userId());
            List<ChangeEvent> theirEvents = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                StoredChange change = batch.get(i);
                if (change.seq() > stream.position && reader.sees(change)) {
                    if (events[i] == null) {
                        events[i] = ChangeEvent.of(change.view());
                    }
                    theirEvents.add(events[i]);
                }
            }
            if (!theirEvents.isEmpty() && !stream.out.isClosed()) {
                List<ChangeEvent> sent = List.copyOf(theirEvents);
                give(stream, () -> stream.out.send(sent), sent.size());
            }
            stream.position = Math.max(stream.position, last);
        }
    }

    /** Puts a write in the stream's outbox; a stream whose outbox is full is dropped. @return whether it was queued */
    private boolean give(OpenStream stream, Runnable write) {
        return give(stream, write, 1);
    }

    /** Puts a write of {@code changes} changes in the stream's outbox; a stream whose outbox would overflow is dropped. */
    private boolean give(OpenStream stream, Runnable write, int changes) {
        if (stream.offer(write, changes, Math.max(1, streamBuffer))) {
            return true;
        }
        drop(stream, "its client has not read the last " + streamBuffer + " changes (changes.stream-buffer)");
        return false;
    }

    /** Closes a stream that does not keep up; its client reconnects with Last-Event-ID and resumes without loss. */
    private void drop(OpenStream stream, String why) {
        streams.remove(stream);
        if (stream.drop()) {
            LOG.info(() -> "a change stream of " + stream.caller.userId() + " was dropped: " + why);
            if (stream.writing()) {
                leaving.add(stream);
            }
            // Closing may wait for the stuck write: never on the loop's thread, nor on a sender.
            closers.execute(stream.out::close);
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

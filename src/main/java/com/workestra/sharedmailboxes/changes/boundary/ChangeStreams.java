package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.changes.control.ChangeLog;
import com.workestra.sharedmailboxes.changes.entity.ChangeReader;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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
 */
@ApplicationScoped
public class ChangeStreams {

    private static final Logger LOG = Logger.getLogger(ChangeStreams.class.getName());
    /** How many changes of one workspace a tick reads at most; more are read on the next tick. */
    static final int BATCH = 500;

    @Inject
    ChangeLog log;

    @Resource
    ManagedScheduledExecutorService scheduler;

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

    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> loop;
    private long lastHeartbeat = System.nanoTime();
    private long lastPrune;

    /** An open stream: whose, and the position after which it gets changes (advanced only by the loop). */
    static final class Stream {
        final Caller caller;
        final ChangeSubscriber out;
        final long openedAt = System.nanoTime();
        volatile long position;

        Stream(Caller caller, ChangeSubscriber out, long position) {
            this.caller = caller;
            this.out = out;
            this.position = position;
        }
    }

    @PostConstruct
    void start() {
        long every = Math.max(50, pollInterval.toMillis());
        lastPrune = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
        loop = scheduler.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the change feed's loop failed; it tries again in " + every + " ms", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.cancel(false);
        }
        for (Stream stream : streams) {
            stream.out.close();
        }
        streams.clear();
    }

    /** The position where a stream without Last-Event-ID or cursor starts: now. */
    public long now(Caller caller) {
        return log.latest(caller.workspaceId());
    }

    /** Opens a stream for the caller after {@code position}; their oldest stream here goes when they hold too many. */
    public void open(Caller caller, ChangeSubscriber out, long position) {
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
            oldest.out.comment("closed: a newer stream of the same person replaced this one");
            oldest.out.close();
        }
        streams.add(new Stream(caller, out, position));
        out.comment("streaming changes after " + position);
    }

    /** How many streams are open on this server. */
    public int openStreams() {
        return (int) streams.stream().filter(stream -> !stream.out.isClosed()).count();
    }

    /** One round of the loop: see the class comment. */
    void tick() {
        streams.removeIf(stream -> stream.out.isClosed());
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
        if (System.nanoTime() - lastHeartbeat >= heartbeatInterval.toNanos()) {
            lastHeartbeat = System.nanoTime();
            for (Stream stream : streams) {
                stream.out.comment("heartbeat");
            }
        }
    }

    private void deliver(String workspaceId, List<Stream> theirs, long from) {
        List<StoredChange> batch = log.after(workspaceId, from, BATCH);
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
            ChangeReader reader = readers.get(stream.caller.userId());
            for (StoredChange change : batch) {
                if (change.seq() > stream.position && reader.sees(change) && !stream.out.isClosed()) {
                    stream.out.send(change.view());
                }
            }
            stream.position = Math.max(stream.position, last);
        }
    }

    /** The feed keeps {@code changes.retention} of changes (by the database's time, which stamps them). */
    private void pruneNowAndThen() {
        if (System.nanoTime() - lastPrune < TimeUnit.HOURS.toNanos(1)) {
            return;
        }
        lastPrune = System.nanoTime();
        int forgotten = log.forget(Instant.now().minus(retention));
        if (forgotten > 0) {
            LOG.info(() -> "the change feed forgot " + forgotten + " changes older than " + retention);
        }
    }
}

package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.changes.control.ChangeLog;
import com.workestra.sharedmailboxes.changes.entity.Change;
import com.workestra.sharedmailboxes.it.Await;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.control.StoreDatabase;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change streams' one loop with the real feed (ChangeLog on a real PostgreSQL, the triggers writing the changes):
 * a client that stops reading (its write blocks, as a JAX-RS send does once the socket is full) delays nobody else and
 * is dropped; a stream whose position is older than what the feed keeps is told so. The test turns the loop itself
 * ({@code tick()}), as the scheduler would every poll interval.
 */
class ChangeStreamsTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static StoreDatabase database;
    static ChangeLog log;
    final MessageStore store = new MessageStore();
    ExecutorService senders;
    ChangeStreams streams;
    String workspace;
    UUID mailbox;
    int messages;

    @BeforeAll
    static void startDatabase() {
        database = StoreDatabase.start("streams");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(EmbeddedDatabase.USER);
        dataSource.setPassword(EmbeddedDatabase.PASSWORD);
        log = new ChangeLog(dataSource);
    }

    @AfterAll
    static void stopDatabase() {
        database.close();
    }

    @BeforeEach
    void streams() throws SQLException {
        workspace = "w-" + UUID.randomUUID();
        mailbox = database.mailbox(workspace, "streams-" + workspace + "@acme.test");
        database.grant(mailbox, workspace, "fast");
        database.grant(mailbox, workspace, "slow");
        senders = Executors.newCachedThreadPool();
        streams = new ChangeStreams();
        streams.log = log;
        streams.clock = Clock.systemUTC();
        streams.senders = senders;
        streams.pollInterval = Duration.ofMillis(250);
        streams.heartbeatInterval = Duration.ofSeconds(15);
        streams.maxStreamsPerCaller = 5;
        streams.retention = Duration.ofDays(7);
        streams.streamBuffer = 1000;
        streams.sendTimeout = Duration.ofHours(1);
    }

    @AfterEach
    void stop() {
        Reader.unblockAll();
        senders.shutdownNow();
    }

    @Test
    void aClientThatStopsReadingDelaysNoOneElseAndIsDroppedOnceItsBufferIsFull() {
        streams.streamBuffer = 5;
        Reader slow = Reader.stuck();
        Reader fast = new Reader();
        long now = log.latest(workspace);
        streams.open(caller("slow"), slow, now);
        streams.open(caller("fast"), fast, now);

        assertTimeoutPreemptively(WAIT.multipliedBy(3), () -> {
            for (int i = 1; i <= 4; i++) {
                // Each message is two changes (message.added, conversation.updated): the slow client's first write
                // blocks, the rest wait in its buffer of five until the third message, which overflows it.
                String id = store("m" + i);
                Await.until("the reading client gets message " + i + " while the other one reads nothing", () -> {
                    streams.tick();
                    return fast.added(id);
                }, WAIT);
            }
        });
        assertTrue(slow.blockedOnce.getCount() == 0, "the slow client's first write was under way and never finished");
        Await.until("the slow client is dropped (closed: it reconnects with Last-Event-ID)", () -> slow.closed, WAIT);
        assertFalse(fast.closed, "the reading client keeps its stream");
        streams.tick();
        assertEquals(1, streams.openStreams());
    }

    @Test
    void aWriteThatDoesNotFinishWithinTheSendTimeoutDropsOnlyThatClient() {
        streams.sendTimeout = Duration.ofMillis(300);
        Reader slow = Reader.stuck();
        Reader fast = new Reader();
        long now = log.latest(workspace);
        streams.open(caller("slow"), slow, now);
        streams.open(caller("fast"), fast, now);
        String id = store("one");
        assertTimeoutPreemptively(WAIT.multipliedBy(2), () -> {
            Await.until("the reading client gets the message", () -> {
                streams.tick();
                return fast.added(id);
            }, WAIT);
            Await.until("the client whose write hangs is dropped", () -> {
                streams.tick();
                return slow.closed;
            }, WAIT);
        });
        assertFalse(fast.closed);
        assertEquals(1, streams.openStreams());
    }

    @Test
    void aStreamBehindWhatTheFeedKeepsIsToldSoAndOpeningOneThatFarBackIsRefused() {
        Reader open = new Reader();
        streams.open(caller("fast"), open, log.latest(workspace));
        store("forgotten");
        log.forget(Instant.now().plusSeconds(1)); // the retention passes before the loop read them
        store("later");
        Await.until("the stream is told it missed changes", () -> {
            streams.tick();
            return open.expired.size() == 1 && open.closed;
        }, WAIT);
        assertEquals(ProblemCode.CURSOR_EXPIRED.name(), open.expired.get(0).code());
        assertTrue(open.expired.get(0).detail().contains("fresh cursor"), open.expired.get(0).detail());
        assertEquals(List.of(), open.changes, "nothing after a gap: it must re-read first");

        ServiceException refused = assertThrows(ServiceException.class, () -> streams.open(caller("fast"), new Reader(), 0));
        assertEquals(ProblemCode.CURSOR_EXPIRED, refused.code());
        assertEquals(410, refused.code().status());
        Reader fresh = new Reader();
        streams.open(caller("fast"), fresh, log.latest(workspace));
        String next = store("next");
        Await.until("a stream from a fresh position gets what follows", () -> {
            streams.tick();
            return fresh.added(next);
        }, WAIT);
    }

    private String store(String graphId) {
        messages++;
        try (Connection connection = database.connect()) {
            store.apply(connection, mailbox, Folder.INBOX, List.of(new MessageChange(graphId, false, "<" + graphId + "@example.com>",
                    "conv-" + graphId, "Subject " + graphId, new Recipient("Customer", "customer@example.com"), null, List.of(),
                    List.of(), Instant.now(), false, false, "preview", "text", "body", "ck-" + graphId)), Instant.now(), null);
            try (var select = connection.prepareStatement("SELECT id FROM message WHERE mailbox_id = ? AND graph_id = ?")) {
                select.setObject(1, mailbox);
                select.setString(2, graphId);
                try (var rows = select.executeQuery()) {
                    rows.next();
                    return Long.toString(rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Caller caller(String userId) {
        return new Caller(userId, userId + "@acme.test", workspace, Set.of());
    }

    /** A client as the loop sees it: what it received; a stuck one's writes block as a full socket's do. */
    static class Reader implements ChangeSubscriber {
        static final List<CountDownLatch> STUCK = new CopyOnWriteArrayList<>();
        final List<Change> changes = new CopyOnWriteArrayList<>();
        final List<Problem> expired = new CopyOnWriteArrayList<>();
        final CountDownLatch blockedOnce = new CountDownLatch(1);
        CountDownLatch never;
        volatile boolean closed;

        static Reader stuck() {
            Reader reader = new Reader();
            reader.never = new CountDownLatch(1);
            STUCK.add(reader.never);
            return reader;
        }

        static void unblockAll() {
            STUCK.forEach(CountDownLatch::countDown);
            STUCK.clear();
        }

        boolean added(String messageId) {
            return changes.stream().anyMatch(change -> "message.added".equals(change.type()) && messageId.equals(change.messageId()));
        }

        @Override
        public void send(Change change) {
            if (never != null) {
                blockedOnce.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            changes.add(change);
        }

        @Override
        public void expired(Problem problem) {
            expired.add(problem);
        }

        @Override
        public void comment(String text) {
            // heartbeats and the opening comment
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

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
import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change streams' one loop with the real feed (ChangeLog on a real PostgreSQL, the triggers writing the changes):
 * each person's stream gets exactly what they may see, in order, each change serialised once for all; a client that
 * stops reading (its write blocks, as a JAX-RS send does once the socket is full) delays nobody else and is dropped,
 * even with a single sender thread; a stream whose position is older than what the feed keeps is told so. The test
 * turns the loop itself ({@code tick()}), as the scheduler would every poll interval.
 */
class ChangeStreamsTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static StoreDatabase database;
    static ChangeLog log;
    final MessageStore store = new MessageStore();
    ExecutorService senders;
    ExecutorService closers;
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
        // One sender thread, the fewest a server has: a stuck client must still not hold up the others.
        senders = ChangeStreams.senderPool(1, Executors.defaultThreadFactory());
        closers = Executors.newCachedThreadPool();
        streams = new ChangeStreams();
        streams.log = log;
        streams.clock = Clock.systemUTC();
        streams.senderThreads = 1;
        streams.senders = senders;
        streams.closers = closers;
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
        closers.shutdownNow();
    }

    @Test
    void eachPersonsStreamGetsExactlyWhatTheyMaySeeInOrderEachChangeSerialisedOnce() throws SQLException {
        // "fast" reads both mailboxes, "sales" only the second; someone of another workspace reads nothing of this one.
        UUID sales = database.mailbox(workspace, "sales-" + workspace + "@acme.test");
        database.grant(sales, workspace, "fast");
        database.grant(sales, workspace, "sales");
        String elsewhere = "w-" + UUID.randomUUID();
        database.grant(database.mailbox(elsewhere, "other-" + elsewhere + "@acme.test"), elsewhere, "fast");
        Reader both = new Reader();
        Reader salesOnly = new Reader();
        Reader otherWorkspace = new Reader();
        long now = log.latest(workspace);
        streams.open(caller("fast"), both, now);
        streams.open(caller("sales"), salesOnly, now);
        streams.open(new Caller("fast", "fast@acme.test", elsewhere, Set.of()), otherWorkspace, log.latest(elsewhere));

        // Stored before the loop runs, so that one tick reads them all: one batch for every stream.
        String first = store(mailbox, "support-1");
        String second = store(sales, "sales-1");
        String third = store(mailbox, "support-2");
        String fourth = store(sales, "sales-2");
        Await.until("both streams get the last message", () -> {
            streams.tick();
            return both.added(fourth) && salesOnly.added(fourth);
        }, WAIT);

        assertEquals(List.of(first, second, third, fourth), both.addedMessages(), "every message of both mailboxes, in order");
        assertEquals(List.of(second, fourth), salesOnly.addedMessages(), "only the sales mailbox's messages, in order");
        assertEquals(List.of(), otherWorkspace.changes, "nothing of another workspace");
        assertEquals(8, both.changes.size(), "message.added and conversation.updated of each message, nothing twice");
        assertEquals(4, salesOnly.changes.size());
        List<Long> positions = both.changes.stream().map(change -> Long.parseLong(change.id())).toList();
        assertEquals(positions.stream().sorted().distinct().toList(), positions, "in the feed's order");

        // What they both got is the very same event, serialised once; it says what the change is.
        for (ChangeEvent event : salesOnly.events) {
            ChangeEvent same = both.events.stream().filter(mine -> mine.change().id().equals(event.change().id()))
                    .findFirst().orElseThrow();
            assertSame(event.sse(), same.sse(), "one serialisation for every stream of change " + event.change().id());
            String text = new String(event.sse(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("id: " + event.change().id() + "\nevent: " + event.change().type() + "\ndata: {"), text);
            assertTrue(text.endsWith("}\n\n") && text.contains("\"mailbox\":\"sales-" + workspace + "@acme.test\""), text);
        }
        assertTrue(both.writes.size() < both.changes.size(), "a tick's changes go to a stream in one write, not one by one");
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
        return store(mailbox, graphId);
    }

    private String store(UUID mailbox, String graphId) {
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
        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        /** How many writes it got (each a tick's changes for it). */
        final List<Integer> writes = new CopyOnWriteArrayList<>();
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
            return addedMessages().contains(messageId);
        }

        List<String> addedMessages() {
            return changes.stream().filter(change -> "message.added".equals(change.type())).map(Change::messageId).toList();
        }

        @Override
        public void send(List<ChangeEvent> sent) {
            if (never != null) {
                blockedOnce.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            writes.add(sent.size());
            events.addAll(sent);
            sent.forEach(event -> changes.add(event.change()));
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

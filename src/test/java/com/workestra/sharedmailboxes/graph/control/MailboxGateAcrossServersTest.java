package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outlook's per-mailbox limits hold across servers: two gates, each with its own connection pool, on one real
 * PostgreSQL play two servers of one deployment.
 */
class MailboxGateAcrossServersTest {

    static EmbeddedDatabase database;

    @BeforeAll
    static void startDatabase() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = EmbeddedDatabase.start(port, Path.of(System.getProperty("java.io.tmpdir"), "pg-gate-" + port), false);
        Flyway.configure().dataSource(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void twoServersTogetherNeverHaveMoreThanFourRequestsInFlightForOneMailbox() throws Exception {
        // Long waits: on a loaded machine twelve threads and two pools take a while to line up, and nothing here should time out first.
        MailboxGate serverA = gate(Duration.ofSeconds(120), Duration.ofSeconds(120));
        MailboxGate serverB = gate(Duration.ofSeconds(120), Duration.ofSeconds(120));
        UUID mailbox = UUID.randomUUID();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch microsoftAnswers = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> requests = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                MailboxGate server = i % 2 == 0 ? serverA : serverB;
                requests.add(callers.submit(() -> server.run(mailbox, () -> {
                    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        microsoftAnswers.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inFlight.decrementAndGet();
                })));
            }
            // Four are in flight, and the four other requests that each server's own limit let through to the database
            // have been refused there again and again. Which server holds how many of the four slots is a race: one may
            // hold all four, and then only the other one's requests are refused (its own two extra wait on its semaphore).
            await(Duration.ofSeconds(90), () -> inFlight.get() == 4 && serverA.slotsRefused() + serverB.slotsRefused() >= 12);
            assertEquals(4, inFlight.get());
            microsoftAnswers.countDown();
            for (Future<?> request : requests) {
                request.get(120, TimeUnit.SECONDS);
            }
        } finally {
            microsoftAnswers.countDown();
            callers.shutdownNow();
        }
        assertEquals(4, mostInFlight.get(), "never more than Outlook's 4 in flight, across both servers");
        assertEquals(0, inFlight.get());
    }

    @Test
    void aRetryAfterSeenByOneServerHoldsTheOtherBackForThatMailboxOnly() {
        MailboxGate serverA = gate(Duration.ofSeconds(30), Duration.ofSeconds(30));
        MailboxGate serverB = gate(Duration.ofSeconds(1), Duration.ofSeconds(30));
        UUID throttled = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        serverA.coolDown(throttled, Duration.ofSeconds(20));

        AtomicInteger calledMicrosoft = new AtomicInteger();
        ServiceException refused = assertThrows(ServiceException.class, () -> serverB.run(throttled, calledMicrosoft::incrementAndGet));
        assertEquals(ProblemCode.THROTTLED, refused.code());
        assertTrue(refused.retryAfter().toSeconds() >= 15, "the caller is told how long Microsoft asked to wait: " + refused.retryAfter());
        assertEquals(0, calledMicrosoft.get(), "server B did not ask Microsoft while it said to wait");

        serverB.run(other, calledMicrosoft::incrementAndGet);
        assertEquals(1, calledMicrosoft.get(), "other mailboxes are not held back");
    }

    @Test
    void aCrashedServersSlotsComeBackAfterTheirShortLeaseWhileALiveServerKeepsItsOwn() throws Exception {
        Duration lease = Duration.ofMillis(1500);
        UUID mailbox = UUID.randomUUID();
        MailboxGate crashed = gate(Duration.ofSeconds(30), lease);
        MailboxGate live = gate(Duration.ofSeconds(30), lease);
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();
        live.renewLeasesEvery(renewals);
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService holders = Executors.newFixedThreadPool(4);
        try {
            // The live server holds two slots for longer than a lease; the crashed one took two and never gives them back
            // (its renewal died with it).
            AtomicInteger held = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                MailboxGate server = i < 2 ? live : crashed;
                holders.submit(() -> server.run(mailbox, () -> {
                    held.incrementAndGet();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            await(() -> held.get() == 4);

            // A third server needs two slots: it gets the crashed server's two once their lease has run out, and no more.
            MailboxGate survivor = gate(Duration.ofSeconds(30), lease);
            survivor.renewLeasesEvery(renewals);
            CountDownLatch survivorIn = new CountDownLatch(2);
            AtomicInteger survivorCalls = new AtomicInteger();
            ExecutorService survivorCallers = Executors.newFixedThreadPool(3);
            try {
                for (int i = 0; i < 3; i++) {
                    survivorCallers.submit(() -> survivor.run(mailbox, () -> {
                        survivorCalls.incrementAndGet();
                        survivorIn.countDown();
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                assertTrue(survivorIn.await(20, TimeUnit.SECONDS), "the crashed server's slots came back");
                // Several leases later the live server still holds its two: the survivor's third request keeps waiting.
                long refusedBefore = survivor.slotsRefused();
                await(() -> survivor.slotsRefused() > refusedBefore + 20 || survivorCalls.get() > 2);
                assertEquals(2, survivorCalls.get(), "the live server's renewed slots were not taken");
            } finally {
                never.countDown();
                survivorCallers.shutdownNow();
            }
        } finally {
            never.countDown();
            holders.shutdownNow();
            renewals.shutdownNow();
        }
    }

    @Test
    void theGateCostsTwoShortStatementsPerRequest() {
        MailboxGate server = gate(Duration.ofSeconds(30), Duration.ofSeconds(30));
        UUID mailbox = UUID.randomUUID();
        for (int i = 0; i < 200; i++) {
            server.run(mailbox, () -> { });
        }
        int requests = 2_000;
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            server.run(mailbox, () -> { });
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) / requests;
        // A figure, not an assertion: docs/benchmarks.md quotes it.
        Logger.getLogger(MailboxGateAcrossServersTest.class.getName()).info("gate cost per Graph request: " + micros + " µs");
        assertFalse(server.slotsRefused() > 0, "one caller never waits");
    }

    static MailboxGate gate(Duration maxWait, Duration lease) {
        return new MailboxGate(new SmallPool(database.jdbcUrl()), 4, maxWait, lease);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        await(Duration.ofSeconds(30), condition);
    }

    static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    /** A connection pool of one server: connections are kept open and reused, as the application server's pool does. */
    static final class SmallPool implements DataSource {
        private final String url;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

        SmallPool(String url) {
            this.url = url;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection physical = idle.poll();
            if (physical == null) {
                physical = DriverManager.getConnection(url, EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
            }
            Connection pooled = physical;
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            idle.add(pooled);
                            return null;
                        }
                        try {
                            return method.invoke(pooled, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}

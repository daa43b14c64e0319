package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.clock.control.BackgroundWork;
import com.workestra.sharedmailboxes.database.control.ClusterTurns;
import com.workestra.sharedmailboxes.health.boundary.StaleSweep;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The sweeps' timeouts never fail while PostgreSQL is away. A timeout that throws is delivered again once and then
 * cancelled for good by Payara ("maximum redeliveries"; seen in {@code SeveralServersIT}'s logs after a 30-s outage:
 * {@code ejb.timer_exceeded_max_deliveries} for {@code SyncScheduler.sweep}), which would have ended the poll and stale
 * sweeps on every server until a restart. Here the turn is asked of a real PostgreSQL driver pointed at a port where
 * nothing listens, as after the database stopped.
 */
class TimersWithoutTheDatabaseTest {

    @Test
    void theSweepsSayTheyFailedAndStayScheduled() throws Exception {
        ClusterTurns turns = new ClusterTurns();
        set(turns, "dataSource", nothingListening());
        assertThrows(RuntimeException.class, () -> turns.take("sync-sweep", Duration.ofSeconds(10)), "the database is away");

        SyncScheduler scheduler = new SyncScheduler();
        scheduler.background = new BackgroundWork();
        scheduler.turns = turns;
        scheduler.clock = Clock.systemUTC();
        assertDoesNotThrow(scheduler::sweep);

        StaleSweep stale = new StaleSweep();
        set(stale, "background", new BackgroundWork());
        set(stale, "turns", turns);
        set(stale, "clock", Clock.systemUTC());
        set(stale, "interval", Duration.ofMinutes(5));
        set(stale, "staleAfter", Duration.ofMinutes(30));
        assertDoesNotThrow(stale::sweep);
    }

    private static PGSimpleDataSource nothingListening() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName("postgres");
        dataSource.setConnectTimeout(2);
        return dataSource;
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        Field declared = target.getClass().getDeclaredField(field);
        declared.setAccessible(true);
        declared.set(target, value);
    }
}

package com.workestra.sharedmailboxes.database.control;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.StoreDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweeps run once per interval across servers, whichever server's timer fires first (a real PostgreSQL). */
class ClusterTurnsTest {

    static StoreDatabase database;
    static PGSimpleDataSource dataSource;

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("turns");
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(EmbeddedDatabase.USER);
        dataSource.setPassword(EmbeddedDatabase.PASSWORD);
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    ClusterTurns server() {
        ClusterTurns turns = new ClusterTurns();
        turns.dataSource = dataSource;
        return turns;
    }

    @Test
    void threeServersWhoseTimersFireTogetherRunTheJobOnce() throws Exception {
        List<ClusterTurns> servers = List.of(server(), server(), server());
        ExecutorService timers = Executors.newFixedThreadPool(3);
        List<Future<Boolean>> fired = new ArrayList<>();
        for (ClusterTurns server : servers) {
            Callable<Boolean> sweep = () -> server.take("sweep-together", Duration.ofMinutes(5));
            fired.add(timers.submit(sweep));
        }
        int ran = 0;
        for (Future<Boolean> turn : fired) {
            ran += turn.get() ? 1 : 0;
        }
        timers.shutdown();
        assertEquals(1, ran);
        assertFalse(servers.get(0).take("sweep-together", Duration.ofMinutes(5)), "not again within the interval");
    }

    @Test
    void aServerWithAShorterIntervalIsNotHeldBackByOneWithALongerOne() {
        assertTrue(server().take("renewal", Duration.ofMinutes(5)));
        assertTrue(server().take("renewal", Duration.ZERO), "its own interval has passed");
        assertFalse(server().take("renewal", Duration.ofMinutes(5)));
    }
}

package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.connections.control.ConnectionErrors;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.StoreDatabase;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claiming under leases against a real PostgreSQL: what several servers on one database rely on. */
class SyncLedgerTest {

    static StoreDatabase database;
    static PGSimpleDataSource dataSource;
    final SyncLedger ledger = new SyncLedger();
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("ledger");
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        dataSource.setUser(EmbeddedDatabase.USER);
        dataSource.setPassword(EmbeddedDatabase.PASSWORD);
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @BeforeEach
    void setUp() throws SQLException {
        ledger.dataSource = dataSource;
        ledger.errors = new ConnectionErrors(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().executeUpdate("DELETE FROM outlook_connection");
        }
    }

    UUID connection(Instant requestedAt, String leaseOwner, Instant leaseUntil, Instant backoffUntil) throws SQLException {
        UUID mailbox = database.mailbox("w1", UUID.randomUUID() + "@acme.test");
        UUID id = UUID.randomUUID();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO outlook_connection (id, workspace_id, user_id, kind, mailbox_id, microsoft_oid, microsoft_tid,
                         microsoft_upn, granted_scopes, created_at, updated_at)
                     VALUES (?, 'w1', 'u1', 'PERSONAL', ?, ?::text, 'tid', 'u@acme.test', '', now(), now())
                     """);
             PreparedStatement state = connection.prepareStatement("""
                     INSERT INTO sync_state (connection_id, requested_at, reason, lease_owner, lease_until, backoff_until)
                     VALUES (?, ?, 'WEBHOOK', ?, ?, ?)
                     """)) {
            insert.setObject(1, id);
            insert.setObject(2, mailbox);
            insert.setString(3, id.toString());
            insert.executeUpdate();
            state.setObject(1, id);
            state.setTimestamp(2, requestedAt == null ? null : Timestamp.from(requestedAt));
            state.setString(3, leaseOwner);
            state.setTimestamp(4, leaseUntil == null ? null : Timestamp.from(leaseUntil));
            state.setTimestamp(5, backoffUntil == null ? null : Timestamp.from(backoffUntil));
            state.executeUpdate();
        }
        return id;
    }

    @Test
    void twoServersClaimingAtOnceNeverGetTheSameConnection() throws Exception {
        Set<UUID> due = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            due.add(connection(NOW.minusSeconds(i), null, null, null));
        }
        ExecutorService servers = Executors.newFixedThreadPool(2);
        List<Future<List<SyncLedger.Claim>>> claims = new ArrayList<>();
        for (String owner : List.of("server-a", "server-b")) {
            Callable<List<SyncLedger.Claim>> claimAll = () -> {
                List<SyncLedger.Claim> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    mine.addAll(ledger.claim(owner, NOW, NOW.plusSeconds(300), 3));
                }
                return mine;
            };
            claims.add(servers.submit(claimAll));
        }
        Set<UUID> claimed = new HashSet<>();
        int total = 0;
        for (Future<List<SyncLedger.Claim>> future : claims) {
            for (SyncLedger.Claim claim : future.get()) {
                claimed.add(claim.connectionId());
                total++;
                assertEquals(SyncReason.WEBHOOK, claim.reason());
            }
        }
        servers.shutdown();
        assertEquals(due, claimed);
        assertEquals(40, total, "no connection was claimed twice");
    }

    @Test
    void futureRequestsBackoffAndLiveLeasesWaitWhileExpiredLeasesAreTakenOver() throws SQLException {
        UUID scheduledLater = connection(NOW.plusSeconds(60), null, null, null);
        UUID backingOff = connection(NOW.minusSeconds(5), null, null, NOW.plusSeconds(30));
        UUID running = connection(NOW.minusSeconds(5), "server-a", NOW.plusSeconds(100), null);
        UUID crashed = connection(null, "server-dead", NOW.minusSeconds(1), null);
        UUID due = connection(NOW.minusSeconds(1), null, null, null);

        Set<UUID> claimed = new HashSet<>();
        ledger.claim("server-b", NOW, NOW.plusSeconds(300), 10).forEach(claim -> claimed.add(claim.connectionId()));
        assertEquals(Set.of(crashed, due), claimed);
        assertTrue(ledger.claim("server-c", NOW, NOW.plusSeconds(300), 10).isEmpty(), "leased now, not claimable again");

        // A request arriving during the run is kept; finishing the run reschedules the routine sync no later than it.
        ledger.succeeded(due, "server-b", NOW, NOW.plusSeconds(60), SyncReason.POLL);
        ledger.deferred(crashed, "server-b", NOW, "Microsoft answered 429", NOW.plusSeconds(8));
        assertTrue(ledger.claim("server-c", NOW.plusSeconds(7), NOW.plusSeconds(300), 10).isEmpty());
        Set<UUID> later = new HashSet<>();
        ledger.claim("server-c", NOW.plusSeconds(61), NOW.plusSeconds(400), 10).forEach(claim -> later.add(claim.connectionId()));
        assertEquals(Set.of(scheduledLater, backingOff, crashed, due), later);
        assertTrue(!later.contains(running));
    }
}

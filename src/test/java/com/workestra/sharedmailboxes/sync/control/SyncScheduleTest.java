package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.connections.control.ConnectionErrors;
import com.workestra.sharedmailboxes.graph.control.MailboxRefusals;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.StoreDatabase;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claiming under leases against a real PostgreSQL: what several servers on one database rely on; and what a person sees
 * of failing syncs: a transient failure is retried at its backoff and not before, the row keeps when the mailbox started
 * failing (what Stale's "Syncing has failed since" shows) however often it fails again, and a success ends the streak.
 */
class SyncScheduleTest {

    static StoreDatabase database;
    static PGSimpleDataSource dataSource;
    final SyncSchedule schedule = new SyncSchedule();
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    /** Leases count from the database's clock (real time), whatever time the service's clock says. */
    static final Duration LEASE = Duration.ofSeconds(300);

    @BeforeAll
    static void start() {
        database = StoreDatabase.start("schedule");
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
        schedule.dataSource = dataSource;
        schedule.errors = new ConnectionErrors(dataSource);
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
        List<Future<List<SyncSchedule.Claim>>> claims = new ArrayList<>();
        for (String owner : List.of("server-a", "server-b")) {
            Callable<List<SyncSchedule.Claim>> claimAll = () -> {
                List<SyncSchedule.Claim> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    mine.addAll(schedule.claim(owner, NOW, LEASE, 3));
                }
                return mine;
            };
            claims.add(servers.submit(claimAll));
        }
        Set<UUID> claimed = new HashSet<>();
        int total = 0;
        for (Future<List<SyncSchedule.Claim>> future : claims) {
            for (SyncSchedule.Claim claim : future.get()) {
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
        UUID running = connection(NOW.minusSeconds(5), "server-a", Instant.now().plusSeconds(100), null);
        UUID crashed = connection(null, "server-dead", Instant.now().minusSeconds(1), null);
        UUID due = connection(NOW.minusSeconds(1), null, null, null);

        Set<UUID> claimed = new HashSet<>();
        schedule.claim("server-b", NOW, LEASE, 10).forEach(claim -> claimed.add(claim.connectionId()));
        assertEquals(Set.of(crashed, due), claimed);
        assertTrue(schedule.claim("server-c", NOW, LEASE, 10).isEmpty(), "leased now, not claimable again");

        // A request arriving during the run is kept; finishing the run reschedules the routine sync no later than it.
        schedule.succeeded(due, "server-b", NOW, NOW.plusSeconds(60), SyncReason.POLL);
        schedule.deferred(crashed, "server-b", NOW, "Microsoft answered 429", NOW.plusSeconds(8));
        assertTrue(schedule.claim("server-c", NOW.plusSeconds(7), LEASE, 10).isEmpty());
        Set<UUID> later = new HashSet<>();
        schedule.claim("server-c", NOW.plusSeconds(61), LEASE, 10).forEach(claim -> later.add(claim.connectionId()));
        assertEquals(Set.of(scheduledLater, backingOff, crashed, due), later);
        assertTrue(!later.contains(running));
    }

    static final String THROTTLED = "Microsoft is throttling requests to this mailbox (429)";
    static final String UNAVAILABLE = "Microsoft 365 answered with an error (503 ServiceUnavailable)";

    Set<UUID> claimedBy(String owner, Instant at) {
        return schedule.claim(owner, at, LEASE, 10).stream().map(SyncSchedule.Claim::connectionId)
                .collect(Collectors.toSet());
    }

    /** A column of the connection's row, read as an auditor would. */
    Object column(UUID id, String column) throws SQLException {
        return read("SELECT " + column + " FROM outlook_connection WHERE id = ?", id);
    }

    /** A column of the connection's sync state, read as an auditor would. */
    Object syncState(UUID id, String column) throws SQLException {
        return read("SELECT " + column + " FROM sync_state WHERE connection_id = ?", id);
    }

    private Object read(String sql, UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, id);
            try (var rows = select.executeQuery()) {
                rows.next();
                Object value = rows.getObject(1);
                return value instanceof java.time.OffsetDateTime time ? time.toInstant()
                        : value instanceof Timestamp timestamp ? timestamp.toInstant() : value;
            }
        }
    }

    @Test
    void aTransientFailureIsRetriedAtItsBackoffAndNotBefore() throws SQLException {
        UUID throttled = connection(NOW.minusSeconds(1), null, null, null);
        assertEquals(Set.of(throttled), claimedBy("server-a", NOW));

        schedule.deferred(throttled, "server-a", NOW, THROTTLED, NOW.plusSeconds(8));

        assertTrue(claimedBy("server-b", NOW.plusSeconds(7)).isEmpty(), "not retried before its backoff");
        assertEquals(Set.of(throttled), claimedBy("server-b", NOW.plusSeconds(8)), "retried when its backoff ends");
        assertEquals(1, schedule.consecutiveFailures(throttled));
        assertEquals(THROTTLED, schedule.status(throttled).lastFailure());
        assertEquals(NOW, schedule.status(throttled).lastFailureAt());
    }

    @Test
    void repeatedFailuresCountUpAndKeepWhenTheMailboxStartedFailing() throws SQLException {
        UUID failing = connection(NOW.minusSeconds(1), null, null, null);
        Instant attempt = NOW;
        for (Instant next : List.of(NOW.plusSeconds(2), NOW.plusSeconds(6), NOW.plusSeconds(14))) {
            assertEquals(Set.of(failing), claimedBy("server-a", attempt));
            schedule.deferred(failing, "server-a", attempt, attempt.equals(NOW) ? THROTTLED : UNAVAILABLE, next);
            attempt = next;
        }

        assertEquals(3, schedule.consecutiveFailures(failing));
        assertEquals(NOW, syncState(failing, "failing_since"), "failing since the first failure, not the latest");
        assertEquals(NOW.plusSeconds(14), syncState(failing, "backoff_until"));
        assertEquals(UNAVAILABLE, schedule.status(failing).lastFailure());
        assertEquals(NOW.plusSeconds(6), schedule.status(failing).lastFailureAt());
    }

    @Test
    void aPersonsListShowsEachConnectionsOwnProgressReadTogether() throws SQLException {
        UUID failing = connection(NOW.minusSeconds(1), null, null, null);
        UUID healthy = connection(NOW.minusSeconds(1), null, null, null);
        assertEquals(Set.of(failing, healthy), claimedBy("server-a", NOW));
        schedule.deferred(failing, "server-a", NOW, THROTTLED, NOW.plusSeconds(8));
        schedule.succeeded(healthy, "server-a", NOW.plusSeconds(1), NOW.plusSeconds(301), SyncReason.POLL);
        UUID unknown = UUID.randomUUID();

        Map<UUID, SyncStatus> statuses = schedule.statuses(List.of(failing, healthy, unknown));

        assertEquals(THROTTLED, statuses.get(failing).lastFailure());
        assertNull(statuses.get(failing).lastSuccessAt());
        assertNull(statuses.get(healthy).lastFailure());
        assertEquals(NOW.plusSeconds(1), statuses.get(healthy).lastSuccessAt());
        assertEquals(Set.of(failing, healthy), statuses.keySet(), "a connection without sync state has no progress");
        assertEquals(statuses.get(failing), schedule.status(failing));
        assertEquals(SyncStatus.NONE, schedule.status(unknown));
    }

    @Test
    void aSuccessfulSyncEndsTheFailingStreakAndTheNextSyncIsTheRoutineOne() throws SQLException {
        UUID recovering = connection(NOW.minusSeconds(1), null, null, null);
        claimedBy("server-a", NOW);
        schedule.deferred(recovering, "server-a", NOW, THROTTLED, NOW.plusSeconds(2));
        claimedBy("server-a", NOW.plusSeconds(2));
        schedule.deferred(recovering, "server-a", NOW.plusSeconds(2), THROTTLED, NOW.plusSeconds(6));
        assertEquals(Set.of(recovering), claimedBy("server-a", NOW.plusSeconds(6)));

        schedule.succeeded(recovering, "server-a", NOW.plusSeconds(7), NOW.plusSeconds(307), SyncReason.POLL);

        assertEquals(0, schedule.consecutiveFailures(recovering));
        assertNull(syncState(recovering, "failing_since"));
        assertNull(syncState(recovering, "backoff_until"));
        assertTrue(claimedBy("server-b", NOW.plusSeconds(306)).isEmpty(), "no retry once it succeeded");
        List<SyncSchedule.Claim> routine = schedule.claim("server-b", NOW.plusSeconds(307), LEASE, 10);
        assertEquals(List.of(new SyncSchedule.Claim(recovering, SyncReason.POLL)), routine);
    }

    @Test
    void microsoftRefusingTheMailboxEndsTheBackoffAndWaitsForTheRoutineSchedule() throws SQLException {
        UUID refused = connection(NOW.minusSeconds(1), null, null, null);
        claimedBy("server-a", NOW);
        schedule.deferred(refused, "server-a", NOW, THROTTLED, NOW.plusSeconds(2));
        claimedBy("server-a", NOW.plusSeconds(2));

        schedule.failed(refused, "server-a", NOW.plusSeconds(3), ProblemCode.MAILBOX_ACCESS_DENIED, MailboxRefusals.ACCESS_DENIED,
                NOW.plusSeconds(303));

        assertEquals(0, schedule.consecutiveFailures(refused), "a refusal is an error the row shows, not a retried failure");
        assertEquals("MAILBOX_ACCESS_DENIED", column(refused, "error_code"));
        assertNull(syncState(refused, "failing_since"));
        assertNull(syncState(refused, "backoff_until"));
        assertTrue(claimedBy("server-b", NOW.plusSeconds(302)).isEmpty());
        assertEquals(Set.of(refused), claimedBy("server-b", NOW.plusSeconds(303)));
    }

    @Test
    void aLeaseItsServerKeepsRenewingIsNeverTakenOverAndAStoppingServerGivesItsLeasesUpAtOnce() throws SQLException {
        UUID kept = connection(NOW.minusSeconds(2), null, null, null);
        UUID abandoned = connection(NOW.minusSeconds(1), null, null, null);
        // Claimed with a lease that runs out at once: only the heartbeat keeps it.
        assertEquals(Set.of(kept, abandoned), schedule.claim("server-a", NOW, Duration.ZERO, 10).stream()
                .map(SyncSchedule.Claim::connectionId).collect(Collectors.toSet()));
        assertEquals(Set.of(kept), schedule.renew("server-a", Set.of(kept), LEASE), "renewed only for the run still alive");

        assertEquals(Set.of(abandoned), claimedBy("server-b", NOW), "the lease nobody renewed was taken over");
        assertEquals(Set.of(), schedule.renew("server-a", Set.of(abandoned), LEASE), "its old holder learns it lost it");
        assertEquals("server-b", syncState(abandoned, "lease_owner"));

        assertEquals(1, schedule.releaseAll("server-a", NOW));
        assertEquals(Set.of(kept), claimedBy("server-b", NOW), "given up by a stopping server: due at once");
        assertEquals(Set.of(), schedule.renew("server-a", Set.of(kept), LEASE));
    }
}

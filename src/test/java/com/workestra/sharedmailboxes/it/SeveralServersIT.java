package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.m365emulator.MailboxRequest;
import com.workestra.sharedmailboxes.m365emulator.NotificationDelivery;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionCall;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several servers on one database, as support teams run it: three real Payara Micro processes of the built WAR
 * ({@link ServerProcess}, Payara's clustering off) on one PostgreSQL, with the Microsoft 365 emulator and push configured
 * as in the {@code push} container. The emulator's request log is the witness: which requests reached each mailbox and
 * when, which subscriptions were created. Each connection is synced by one server at a time; push is set up once per
 * connection; a server stopped properly hands its mailboxes over at once; one killed with {@code kill -9} in the middle
 * of a backfill is taken over within 30 s, after its lease ran out and not before, from its cursor, and the mailbox ends
 * with every message exactly once; the same notification posted to every server and replayed during a throttling storm
 * stores nothing twice; PostgreSQL stopped and started again under load (the servers run on a PostgreSQL of their own for
 * that) takes readiness down and up, and the service reconnects by itself with nothing half-written; a send Microsoft
 * accepts while PostgreSQL is down answers 202, goes out once, and is recorded (its key's 202 with it) by itself once
 * PostgreSQL is back. The figures measured
 * go to {@code target/it/several-servers.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralServersIT {

    static final Duration WAIT = Duration.ofMinutes(3);
    /** The sync lease the servers run with (sync.lease's default). */
    static final Duration LEASE = Duration.ofSeconds(20);
    /** A large mailbox's backfill, slowed by the emulator's latency so that a server can be stopped in the middle of it. */
    static final int LARGE_MAILBOX = 20_000;
    static final Duration LATENCY = Duration.ofMillis(120);

    /**
     * The servers' own PostgreSQL: the last test stops and starts it again under load, which the tests' shared database
     * (used by the Arquillian containers of the other classes) must not go through.
     */
    static EmbeddedDatabase database;
    static final List<ServerProcess> servers = new ArrayList<>();
    static final Map<ServerProcess, String> owners = new HashMap<>();
    static final StringBuilder figures = new StringBuilder();

    @BeforeAll
    static void startThreeServers() {
        long started = System.nanoTime();
        database = EmbeddedDatabase.startRestartable(Integer.getInteger("it.several.db.port"),
                Path.of(System.getProperty("it.dir"), "postgres-several-servers"));
        Sql.lookAt(database);
        int[][] ports = {
                {Integer.getInteger("it.http.port"), Integer.getInteger("it.https.port")},
                {Integer.getInteger("it.second.http.port"), Integer.getInteger("it.second.https.port")},
                {Integer.getInteger("it.third.http.port"), Integer.getInteger("it.third.https.port")}};
        String[] names = {"a", "b", "c"};
        for (int i = 0; i < names.length; i++) {
            // The push container's settings, each server reachable by Graph at its own address.
            List<String> settings = ServerCluster.pushSettings(ports[i][1]);
            // Two workers each, so that every server takes part when a few mailboxes are due at once.
            settings.add("-Dsync.workers=2");
            // A send held at Microsoft while PostgreSQL restarts is not cut short by the service's own timeout.
            settings.add("-Dgraph.timeout-seconds=120");
            servers.add(ServerProcess.start(names[i], ports[i][0], ports[i][1], ServerProcess.TEST_JVM, settings,
                    Map.of("DB_PORT", Integer.toString(database.port()))));
            // One after the other: three Payara Micros deploying at once on two cores take several times longer in all.
            ServerProcess server = servers.get(i).awaitReady();
            owners.put(server, server.syncLeaseOwner());
        }
        figure("three servers started and ready in %.0f s", seconds(started));
    }

    @AfterAll
    static void stopServers() {
        IntegrationEnvironment.emulator().tenant().addLatency(null);
        servers.forEach(ServerProcess::close);
        Sql.lookAt(null);
        if (database != null) {
            database.close();
        }
        try {
            Path file = Path.of(System.getProperty("it.dir"), "several-servers.txt");
            Files.writeString(file, figures, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void eachMailboxIsSyncedByOneServerAtATimeAndEndsWithEveryMessageOnce() {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person alice = workspace.person("alice");
        UUID parent = alice.connect();
        Map<ServerProcess, Double> storedBefore = storedByEachServer();
        Map<UUID, String> mailboxes = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String address = workspace.sharedMailbox("team" + i);
            workspace.tenant.seedMessages(address, "inbox", 1_500);
            workspace.tenant.grantFullAccess(address, alice.microsoft().upn());
            // Added through each server in turn: any server may be asked, any may sync.
            mailboxes.put(on(servers.get(i % servers.size()), alice, workspace).addSharedOk(parent, address), address);
        }

        Await.until("every mailbox's history synced", () -> mailboxes.keySet().stream()
                .allMatch(id -> alice.connection(id).get("sync").get("historyComplete").asBoolean()), WAIT);

        int requests = 0;
        for (Map.Entry<UUID, String> mailbox : mailboxes.entrySet()) {
            List<MailboxRequest> seen = workspace.tenant.mailboxRequests(mailbox.getValue());
            requests += seen.size();
            assertNoTwoInFlight(mailbox.getValue(), seen);
            List<String> links = seen.stream().filter(MailboxRequest::isMessageDelta).map(MailboxRequest::pathAndQuery).toList();
            assertEquals(links.size(), new HashSet<>(links).size(), "no delta page of " + mailbox.getValue() + " was asked for twice: " + links);
            assertEveryMessageOnce(workspace, mailbox.getValue());
        }
        // Each server's own count of the messages it stored: the work was shared out.
        Map<ServerProcess, Double> storedAfter = storedByEachServer();
        Map<String, Long> storedBy = new LinkedHashMap<>();
        servers.forEach(server -> storedBy.put(server.name, Math.round(storedAfter.get(server) - storedBefore.get(server))));
        assertTrue(storedBy.values().stream().filter(stored -> stored > 0).count() >= 2, "the mailboxes were synced by several servers: " + storedBy);
        figure("6 mailboxes of 1,500 messages on 3 servers: messages stored by each server %s; %d Graph requests, never two in"
                + " flight at once on one mailbox, no delta page asked for twice", storedBy, requests);
    }

    @Test
    @Order(2)
    void twoServersSettingUpPushForOneConnectionCreateOneSubscription() {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person bob = workspace.person("bob");
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String address = workspace.sharedMailbox("desk" + i);
            workspace.tenant.grantFullAccess(address, bob.microsoft().upn());
            addresses.add(address);
        }
        Instant started = Instant.now();
        // Microsoft refuses the first set-ups: they are retried by whichever server's renewal round comes first.
        workspace.tenant.failNextSubscriptionCreate(3, 503);
        UUID parent = bob.connect();
        List<UUID> connections = new ArrayList<>(List.of(parent));
        for (int i = 0; i < addresses.size(); i++) {
            connections.add(on(servers.get(i % servers.size()), bob, workspace).addSharedOk(parent, addresses.get(i)));
        }
        for (UUID connection : connections) {
            JsonNode view = bob.awaitConnection(connection, v -> "webhook".equals(v.get("delivery").asText()), WAIT);
            assertEquals("webhook", view.get("delivery").asText(), view.toString());
        }

        List<String> mailboxes = new ArrayList<>(addresses);
        mailboxes.add(bob.microsoft().upn());
        List<SubscriptionView> live = workspace.tenant.subscriptions().stream()
                .filter(subscription -> mailboxes.stream().anyMatch(m -> m.equalsIgnoreCase(subscription.mailbox()))).toList();
        Map<String, Long> perMailbox = live.stream().collect(Collectors.groupingBy(s -> s.mailbox().toLowerCase(), Collectors.counting()));
        assertEquals(mailboxes.size(), perMailbox.size(), "each connection has a subscription: " + perMailbox);
        assertTrue(perMailbox.values().stream().allMatch(count -> count == 1), "one subscription per connection: " + perMailbox);
        Set<String> created = workspace.tenant.subscriptionCalls().stream()
                .filter(call -> call.operation().equals("create") && call.status() == 201 && !call.at().isBefore(started))
                .map(SubscriptionCall::subscriptionId).collect(Collectors.toSet());
        Set<String> liveIds = live.stream().map(SubscriptionView::id).collect(Collectors.toSet());
        assertTrue(liveIds.containsAll(created), "no subscription was created besides the one kept per connection: created "
                + created + ", kept " + liveIds);
        figure("push on 3 servers, the first 3 creations refused: %d connections, %d subscriptions created", mailboxes.size(), created.size());
    }

    @Test
    @Order(3)
    void theSameNotificationPostedToEveryServerAndReplayedDuringAThrottlingStormStoresEachMessageOnce() throws Exception {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person frank = workspace.person("frank");
        String storm = workspace.sharedMailbox("storm");
        workspace.tenant.seedMessages(storm, "inbox", 20);
        workspace.tenant.grantFullAccess(storm, frank.microsoft().upn());
        UUID connection = frank.addSharedOk(frank.connect(), storm);
        JsonNode pushed = frank.awaitConnection(connection, v -> "webhook".equals(v.get("delivery").asText())
                && v.get("sync").get("historyComplete").asBoolean(), WAIT);
        assertEquals("webhook", pushed.get("delivery").asText(), pushed.toString());
        SubscriptionView subscription = workspace.tenant.subscriptions().stream()
                .filter(s -> s.mailbox().equalsIgnoreCase(storm)).findFirst().orElseThrow();

        // The storm: Microsoft throttles the mailbox's next requests, whichever server makes them.
        workspace.tenant.throttleNext(storm, 12, Duration.ofSeconds(1));
        int fresh = 5;
        for (int i = 0; i < fresh; i++) {
            workspace.tenant.deliver(storm, "storm@example.com", "Storm " + i + " " + workspace.suffix, "body " + i);
        }
        List<NotificationDelivery> notified = Await.until("Graph notified the new messages", () -> workspace.tenant.notificationDeliveries()
                .stream().filter(d -> subscription.id().equals(d.subscriptionId()) && "change".equals(d.kind())).toList(),
                deliveries -> deliveries.size() >= fresh, WAIT);

        // Each notification again, to every server, twice, all at once: as Graph redelivering, or anyone replaying one.
        String path = URI.create(subscription.notificationUrl()).getPath();
        ExecutorService posting = Executors.newFixedThreadPool(6);
        List<Future<ApiClient.Reply>> replies = new ArrayList<>();
        try {
            for (NotificationDelivery delivery : notified) {
                String body = "{\"value\":[" + delivery.item() + "]}";
                for (ServerProcess server : servers) {
                    for (int copy = 0; copy < 2; copy++) {
                        replies.add(posting.submit(() -> ApiClient.at(server.base).post(path, body)));
                    }
                }
            }
            for (Future<ApiClient.Reply> reply : replies) {
                ApiClient.Reply answered = reply.get(2, TimeUnit.MINUTES);
                assertEquals(202, answered.status(), "a copy is acknowledged like the original: " + answered.body());
            }
        } finally {
            posting.shutdownNow();
        }
        Instant replayed = Instant.now();

        // Once a sync has succeeded after every copy arrived, everything the copies could cause has happened.
        JsonNode after = frank.awaitConnection(connection, v -> {
            JsonNode synced = v.get("health").get("lastSyncAt");
            JsonNode failed = v.get("sync").get("lastTransientFailureAt");
            return synced != null && !synced.isNull() && Instant.parse(synced.asText()).isAfter(replayed)
                    && (failed == null || failed.isNull() || Instant.parse(synced.asText()).isAfter(Instant.parse(failed.asText())));
        }, WAIT);
        JsonNode failed = after.get("sync").get("lastTransientFailureAt");
        assertTrue(failed != null && !failed.isNull(), "the storm was felt: " + after);
        assertEveryMessageOnce(workspace, storm);
        assertNoTwoInFlight(storm, workspace.tenant.mailboxRequests(storm));
        figure("%d notifications each posted again to %d servers twice at once (%d copies) while Microsoft throttled the"
                + " mailbox's next 12 requests: every copy answered 202, every message stored once", notified.size(), servers.size(),
                replies.size());
    }

    @Test
    @Order(4)
    void aServerStoppedProperlyHandsItsMailboxesOverAtOnce() {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person carol = workspace.person("carol");
        String large = largeMailbox(workspace, carol, "handover");
        UUID parent = carol.connect();
        workspace.tenant.addLatency(LATENCY);
        try {
            // A module follows the change feed from before the mailbox is added (issue 16 §4).
            String cursor = ConversationsIT.changes(carol, null, null).get("nextCursor").asText();
            UUID connection = carol.addSharedOk(parent, large);
            Lease held = awaitRunning(carol, connection, 1_000);
            ServerProcess holder = serverOwning(held.owner());
            Person carolOnSurvivor = on(servers.stream().filter(s -> s != holder).findFirst().orElseThrow(), carol, workspace);
            // It reads a few pages from the server that is about to stop ...
            List<String> added = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            for (int page = 0; page < 2; page++) {
                cursor = readChanges(on(holder, carol, workspace), large, cursor, added, positions);
            }
            assertFalse(added.isEmpty(), "the module saw the first messages arrive before the server stopped");

            long signalled = System.currentTimeMillis();
            holder.stop();
            long stopped = System.currentTimeMillis();
            servers.remove(holder);
            long stillHeld = Sql.count("SELECT count(*) FROM sync_state WHERE lease_owner = ?", held.owner());
            assertEquals(0, stillHeld, "the stopped server gave up its leases as it stopped");

            Lease taken = awaitTakenOver(connection, held.owner());
            assertTrue(taken.startedAtMillis() < held.untilMillis(), "another server carried on before the stopped server's lease"
                    + " would have run out (" + Instant.ofEpochMilli(held.untilMillis()) + "): at " + Instant.ofEpochMilli(taken.startedAtMillis()));
            JsonNode done = carolOnSurvivor.awaitConnection(connection, v -> v.get("sync").get("historyComplete").asBoolean(), WAIT);
            assertTrue(done.get("sync").get("historyComplete").asBoolean(), done.toString());
            workspace.tenant.addLatency(null);
            assertEveryMessageOnce(workspace, large);
            // ... and continues on another server with its cursor: every message's arrival once, in order, none missed.
            String before;
            do {
                before = cursor;
                cursor = readChanges(carolOnSurvivor, large, cursor, added, positions);
            } while (!cursor.equals(before));
            assertEquals(LARGE_MAILBOX, new HashSet<>(added).size(), "every message's arrival reached the module");
            assertEquals(LARGE_MAILBOX, added.size(), "none twice");
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1), "in order");
            }
            figure("graceful stop (SIGTERM) of the server syncing a %,d-message backfill: the process exited %.1f s after the"
                            + " signal; another server took the mailbox over %.1f s after the signal (its lease would have run %.1f s more)",
                    LARGE_MAILBOX, (stopped - signalled) / 1000.0, (taken.startedAtMillis() - signalled) / 1000.0,
                    (held.untilMillis() - taken.startedAtMillis()) / 1000.0);
        } finally {
            workspace.tenant.addLatency(null);
        }
    }

    @Test
    @Order(5)
    void aServerKilledInTheMiddleOfABackfillIsTakenOverWithin30SecondsAndEveryMessageArrivesOnce() {
        assertTrue(servers.size() >= 2, "two servers left: " + servers);
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person dan = workspace.person("dan");
        String large = largeMailbox(workspace, dan, "crash");
        UUID parent = dan.connect();
        workspace.tenant.addLatency(LATENCY);
        try {
            UUID connection = dan.addSharedOk(parent, large);
            Lease held = awaitRunning(dan, connection, 2_000);
            ServerProcess holder = serverOwning(held.owner());
            // Ask whichever other server is left from now on.
            ServerProcess survivor = servers.stream().filter(s -> s != holder).findFirst().orElseThrow();
            Person danOnSurvivor = on(survivor, dan, workspace);

            long killed = System.currentTimeMillis();
            holder.kill();
            long exited = System.currentTimeMillis();
            servers.remove(holder);
            long synced = Sql.count("SELECT COALESCE(sum(messages_synced), 0) FROM sync_cursor WHERE connection_id = ?", connection);

            awaitTakenOver(connection, held.owner());
            // Every request reaching the mailbox after the killed process was gone is the survivor's.
            long resumed = Await.until("the survivor asks Microsoft for the mailbox", () -> workspace.tenant.mailboxRequests(large).stream()
                    .map(request -> request.arrivedAt().toEpochMilli()).filter(at -> at >= exited).min(Long::compare).orElse(0L),
                    at -> at > 0, WAIT);
            assertTrue(resumed >= held.untilMillis(), "the killed server's lease ran out before another server asked Microsoft"
                    + " for the mailbox: lease until " + Instant.ofEpochMilli(held.untilMillis()) + ", asked at " + Instant.ofEpochMilli(resumed));
            assertTrue(resumed - killed < 30_000, "resumed " + (resumed - killed) + " ms after the kill");
            // From the killed run's cursor, not from the start: the survivor never asked for the Inbox's first page again.
            Predicate<MailboxRequest> inboxFromTheStart = r -> r.pathAndQuery().toLowerCase().contains("/mailfolders/inbox/messages/delta");
            assertTrue(workspace.tenant.mailboxRequests(large).stream().anyMatch(r -> r.arrivedAt().toEpochMilli() < killed
                    && inboxFromTheStart.test(r)), "the killed server began with the Inbox's first page");
            List<String> restarted = workspace.tenant.mailboxRequests(large).stream().filter(r -> r.arrivedAt().toEpochMilli() >= exited)
                    .filter(inboxFromTheStart).map(MailboxRequest::pathAndQuery).toList();
            assertEquals(List.of(), restarted, "the survivor resumed from the stored cursor, not from the start");

            JsonNode done = danOnSurvivor.awaitConnection(connection, v -> v.get("sync").get("historyComplete").asBoolean(), WAIT);
            assertTrue(done.get("sync").get("historyComplete").asBoolean(), done.toString());
            workspace.tenant.addLatency(null);
            assertEveryMessageOnce(workspace, large);
            assertNoTwoInFlight(large, workspace.tenant.mailboxRequests(large));
            figure("kill -9 of the server syncing a %,d-message backfill after %,d messages: the survivor asked Microsoft again"
                    + " %.1f s after the kill (lease %d s, renewed every %d s); every message once", LARGE_MAILBOX, synced,
                    (resumed - killed) / 1000.0, LEASE.toSeconds(), LEASE.toSeconds() / 4);
        } finally {
            workspace.tenant.addLatency(null);
        }
    }

    @Test
    @Order(6)
    void postgresqlRestartedUnderLoadIsReconnectedByItselfAndLeavesNothingHalfWritten() throws Exception {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person erin = workspace.person("erin");
        String large = largeMailbox(workspace, erin, "restart");
        UUID parent = erin.connect();
        String own = erin.microsoft().upn();
        String subject = "Sent across a database restart " + workspace.suffix;
        String key = UUID.randomUUID().toString();
        String message = "{\"from\":\"" + own + "\",\"to\":[{\"address\":\"customer@example.com\"}],\"subject\":\"" + subject
                + "\",\"body\":{\"contentType\":\"text\",\"content\":\"Still once\"}}";
        ExecutorService client = Executors.newSingleThreadExecutor();
        workspace.tenant.addLatency(LATENCY);
        try {
            UUID connection = erin.addSharedOk(parent, large);
            awaitRunning(erin, connection, 1_000);
            // A send in flight: the service has claimed its key and asked Microsoft, which has not answered yet.
            workspace.tenant.holdSends(own);
            Future<ApiClient.Reply> sending = client.submit(() -> sendWithKey(erin, key, message));
            Await.until("the send reaches Microsoft", () -> workspace.tenant.sendsHeld(own) == 1, WAIT);

            long stopping = System.currentTimeMillis();
            database.stop();
            long down = System.currentTimeMillis();
            List<String> answeredIn = new ArrayList<>();
            for (ServerProcess server : servers) {
                ApiClient anonymous = ApiClient.at(server.base);
                long[] took = new long[1];
                Await.until("server " + server.name + " not ready while PostgreSQL is down", () -> {
                    long asked = System.nanoTime();
                    int status = anonymous.get("/health/ready").status();
                    took[0] = (System.nanoTime() - asked) / 1_000_000;
                    return status == 503;
                }, WAIT);
                answeredIn.add(server.name + " " + took[0] + " ms");
                assertEquals(200, anonymous.get("/health/live").status(), "alive all the same: nothing to restart it for");
            }
            long notReady = System.currentTimeMillis();
            long starting = System.currentTimeMillis();
            database.startAgain();
            long up = System.currentTimeMillis();
            for (ServerProcess server : servers) {
                ApiClient anonymous = ApiClient.at(server.base);
                Await.until("server " + server.name + " ready again by itself", () -> anonymous.get("/health/ready").status() == 200, WAIT);
            }
            long ready = System.currentTimeMillis();

            // Microsoft answers the send now: the service records it on the database that came back.
            workspace.tenant.releaseSends(own);
            ApiClient.Reply sent = sending.get(2, TimeUnit.MINUTES);
            assertEquals(202, sent.status(), sent.body());
            ApiClient.Reply retried = sendWithKey(erin, key, message);
            assertEquals(202, retried.status(), "a retry with the key gets the first answer: " + retried.body());
            assertEquals(1, workspace.tenant.sentMail().stream().filter(mail -> subject.equals(mail.subject())).count(),
                    "sent once at Microsoft");

            JsonNode done = erin.awaitConnection(connection, v -> v.get("sync").get("historyComplete").asBoolean(), WAIT);
            assertTrue(done.get("sync").get("historyComplete").asBoolean(), done.toString());
            workspace.tenant.addLatency(null);
            assertEveryMessageOnce(workspace, large);
            assertNoTwoInFlight(large, workspace.tenant.mailboxRequests(large));
            assertEquals(LARGE_MAILBOX, Sql.count("SELECT COALESCE(sum(messages_synced), 0) FROM sync_cursor WHERE connection_id = ?",
                    connection), "the sync's own count matches what is stored: no page counted without its messages");
            // No lease is left behind by a run the restart cut short: each of erin's connections is free again.
            for (UUID id : List.of(parent, connection)) {
                Await.until("the sync lease of " + id + " let go", () -> lease(id).owner() == null, WAIT);
            }
            figure("PostgreSQL stopped (%.1f s) in the middle of a %,d-message backfill with a send in flight, on %d server(s):"
                            + " all not ready %.1f s after the stop (the 503 answered in %s); started again in %.1f s; all ready"
                            + " again %.1f s after the start; the send answered 202 after the restart and went out once;"
                            + " every message once", (down - stopping) / 1000.0, LARGE_MAILBOX, servers.size(), (notReady - stopping) / 1000.0,
                    answeredIn, (up - starting) / 1000.0, (ready - up) / 1000.0);
        } finally {
            workspace.tenant.releaseSends(own);
            workspace.tenant.addLatency(null);
            client.shutdownNow();
            if (!database.isRunning()) {
                database.startAgain();
            }
        }
    }

    /**
     * Microsoft accepts a send while PostgreSQL is away: the mail went out, so the request answers 202 all the same
     * (the truth about the mail), nothing can send it a second time, and once PostgreSQL is back the server that sent
     * it records it by itself (audit line, the key's answer), so that a retry with its Idempotency-Key, on any server,
     * gets the stored 202. Waits on readiness, the emulator and the API only.
     */
    @Test
    @Order(7)
    void aSendMicrosoftAcceptsWhilePostgresqlIsDownAnswers202GoesOutOnceAndARetryGetsTheStored202() throws Exception {
        ServerProcess server = servers.get(0);
        TestWorkspace workspace = new TestWorkspace(server.base);
        Person gina = workspace.person("gina");
        gina.connect();
        String own = gina.microsoft().upn();
        String subject = "Accepted while the database was away " + workspace.suffix;
        String key = UUID.randomUUID().toString();
        String message = "{\"from\":\"" + own + "\",\"to\":[{\"address\":\"customer@example.com\"}],\"subject\":\"" + subject
                + "\",\"body\":{\"contentType\":\"text\",\"content\":\"Once, and said so\"}}";
        ApiClient anonymous = ApiClient.at(server.base);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            // The key is claimed and Microsoft asked; then PostgreSQL goes away before Microsoft answers.
            workspace.tenant.holdSends(own);
            Future<ApiClient.Reply> sending = client.submit(() -> sendWithKey(gina, key, message));
            Await.until("the send reaches Microsoft", () -> workspace.tenant.sendsHeld(own) == 1, WAIT);
            database.stop();
            Await.until("server " + server.name + " not ready while PostgreSQL is down",
                    () -> anonymous.get("/health/ready").status() == 503, WAIT);

            // Microsoft accepts the mail now, while the service can write nothing.
            long released = System.nanoTime();
            workspace.tenant.releaseSends(own);
            ApiClient.Reply sent = sending.get(2, TimeUnit.MINUTES);
            double answeredIn = seconds(released);
            assertEquals(202, sent.status(), "the mail went out, and the caller is told so: " + sent.body());
            assertEquals(503, anonymous.get("/health/ready").status(), "answered while PostgreSQL was still down");
            assertEquals(1, sentOnce(workspace, subject), "sent once at Microsoft");
            // A retry while PostgreSQL is away cannot even look the key up: refused, and nothing sent.
            ApiClient.Reply whileDown = sendWithKey(gina, key, message);
            assertEquals(503, whileDown.status(), "a retry while PostgreSQL is down is refused: " + whileDown.body());
            assertEquals("DATABASE_UNAVAILABLE", whileDown.json().get("code").asText(), whileDown.body());
            assertNotNull(whileDown.header("Retry-After"), "the caller is told when to try again");
            assertEquals(1, sentOnce(workspace, subject), "the retry while PostgreSQL was down sent nothing");

            database.startAgain();
            for (ServerProcess each : servers) {
                Await.until("server " + each.name + " ready again", () -> ApiClient.at(each.base).get("/health/ready").status() == 200, WAIT);
            }
            // Until the sending server has written the key's answer, a retry finds the key claimed (409, Retry-After):
            // never a second mail; then the stored 202.
            long back = System.nanoTime();
            List<Integer> answers = new ArrayList<>();
            ApiClient.Reply retried = Await.until("a retry with the key gets an answer other than 'under way'", () -> {
                ApiClient.Reply reply = sendWithKey(gina, key, message);
                answers.add(reply.status());
                return reply;
            }, reply -> reply.status() != 409, WAIT);
            double recordedIn = seconds(back);
            assertEquals(202, retried.status(), "the retry gets the stored answer: " + retried.body() + ", answers " + answers);
            for (ServerProcess other : servers) {
                ApiClient.Reply elsewhere = sendWithKey(on(other, gina, workspace), key, message);
                assertEquals(202, elsewhere.status(), "the stored answer on server " + other.name + ": " + elsewhere.body());
            }
            assertEquals(1, sentOnce(workspace, subject), "still sent once at Microsoft");
            // Nothing lost: the send is in the audit trail, once, with the connection it went out through.
            assertEquals(1L, Sql.count("SELECT count(*) FROM audit_event WHERE workspace_id = ? AND user_id = ?"
                    + " AND action = 'SENT'", workspace.id, gina.userId()),
                    "the send is audited once, written after PostgreSQL came back");
            figure("a send Microsoft accepted while PostgreSQL was down answered 202 in %.1f s, went out once; after the start the"
                    + " key's answer was recorded by itself and a retry got the stored 202 %.1f s after all servers were ready"
                    + " (answers %s; a retry while down: %d)", answeredIn, recordedIn, answers, whileDown.status());
        } finally {
            workspace.tenant.releaseSends(own);
            client.shutdownNow();
            if (!database.isRunning()) {
                database.startAgain();
            }
        }
    }

    static long sentOnce(TestWorkspace workspace, String subject) {
        return workspace.tenant.sentMail().stream().filter(mail -> subject.equals(mail.subject())).count();
    }

    // ---- helpers

    /** One page of the change feed from {@code cursor}: the messages added to {@code mailbox}, and every position. @return the next cursor */
    static String readChanges(Person module, String mailbox, String cursor, List<String> added, List<Long> positions) {
        JsonNode page = ConversationsIT.changes(module, cursor, 500);
        page.get("items").forEach(change -> {
            positions.add(Long.parseLong(change.get("id").asText()));
            if ("message.added".equals(change.get("type").asText()) && mailbox.equals(change.get("mailbox").asText())) {
                added.add(change.get("messageId").asText());
            }
        });
        return page.get("nextCursor").asText();
    }

    static ApiClient.Reply sendWithKey(Person person, String key, String json) {
        return person.api().send(person.api().request("/api/v1/messages").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A lease as sync_state shows it: who holds it, until when (database time), and when its run started. */
    record Lease(String owner, long untilMillis, long startedAtMillis) {
    }

    static Lease lease(UUID connection) {
        String[] row = String.valueOf(Sql.single("SELECT COALESCE(lease_owner, '') || '|'"
                + " || COALESCE((extract(epoch FROM lease_until) * 1000)::bigint, 0) || '|'"
                + " || COALESCE((extract(epoch FROM started_at) * 1000)::bigint, 0) FROM sync_state WHERE connection_id = ?", connection))
                .split("\\|");
        return new Lease(row[0].isEmpty() ? null : row[0], Long.parseLong(row[1]), Long.parseLong(row[2]));
    }

    static Map<ServerProcess, Double> storedByEachServer() {
        return ServerCluster.storedByEachServer(servers);
    }

    /** Waits until a server is running the connection's backfill and has stored at least {@code messages}. */
    static Lease awaitRunning(Person person, UUID connection, long messages) {
        return Await.until("a server in the middle of the backfill", () -> {
            long synced = Sql.count("SELECT COALESCE(sum(messages_synced), 0) FROM sync_cursor WHERE connection_id = ?", connection);
            Lease lease = lease(connection);
            return synced >= messages && synced < LARGE_MAILBOX && lease.owner() != null ? lease : null;
        }, lease -> lease != null, WAIT);
    }

    /** Waits until another server than {@code previous} holds the connection's lease. */
    static Lease awaitTakenOver(UUID connection, String previous) {
        return Await.until("another server takes the mailbox over", () -> lease(connection),
                lease -> lease.owner() != null && !lease.owner().equals(previous), WAIT);
    }

    static ServerProcess serverOwning(String owner) {
        return servers.stream().filter(server -> owner.equals(owners.get(server))).findFirst()
                .orElseThrow(() -> new AssertionError("no running server holds lease " + owner + ": " + owners));
    }

    static String largeMailbox(TestWorkspace workspace, Person person, String name) {
        String address = workspace.sharedMailbox(name);
        workspace.tenant.seedMessages(address, "inbox", LARGE_MAILBOX);
        workspace.tenant.grantFullAccess(address, person.microsoft().upn());
        return address;
    }

    /** The same person, calling another server. */
    static Person on(ServerProcess server, Person person, TestWorkspace workspace) {
        return ServerCluster.on(server, person, workspace);
    }

    /** Sync keeps at most one request in flight per connection: two at once on a mailbox would be two servers. */
    static void assertNoTwoInFlight(String mailbox, List<MailboxRequest> requests) {
        for (int i = 0; i < requests.size(); i++) {
            for (int j = i + 1; j < requests.size() && requests.get(j).arrivedNanos() < requests.get(i).answeredNanos(); j++) {
                assertTrue(!requests.get(i).overlaps(requests.get(j)), "two requests in flight at once on " + mailbox + ": "
                        + requests.get(i) + " and " + requests.get(j));
            }
        }
    }

    /** Every message Exchange holds in the mailbox's Inbox is stored exactly once, and nothing else (compared by id). */
    static void assertEveryMessageOnce(TestWorkspace workspace, String mailbox) {
        ServerCluster.Stored stored = ServerCluster.stored(workspace, mailbox);
        assertEquals(stored.atMicrosoft().size(), stored.rows(), "rows stored for " + mailbox);
        assertEquals(stored.atMicrosoft(), stored.ids(), "the messages stored are Exchange's, each once");
    }

    static void figure(String format, Object... arguments) {
        String line = String.format(format, arguments);
        System.out.println("[SeveralServersIT] " + line);
        figures.append(line).append('\n');
    }

    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}

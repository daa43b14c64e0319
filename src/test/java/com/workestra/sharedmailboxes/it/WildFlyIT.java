package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.m365emulator.NotificationDelivery;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionCall;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR that {@code mvn package} built, unchanged, on WildFly (its distribution unpacked by Maven, set up by
 * {@code server-config/wildfly.cli} exactly as an operator would, started as a process with the environment production
 * sets), black-box like the Payara tests: the core journey against the emulator, the console's sign-in, Graph's
 * handshake, and push (the {@code push} container's settings: subscriptions, change notifications, lifecycle events,
 * renewal by the EJB timer), and a PostgreSQL restart (last: WildFly runs on a PostgreSQL of its own, which the test
 * stops and starts, as SeveralServersIT does for Payara). Part of {@code mvn verify}; {@code -Dwildfly.skip=true} leaves
 * it out (and does not unpack WildFly).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WildFlyIT {

    private static final Duration BOOT = Duration.ofSeconds(300);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration SUBSCRIPTION_LIFETIME = Duration.ofMinutes(60);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

    private Process server;
    private URL base;
    private TestWorkspace workspace;
    private ServiceControls controls;
    private ApiClient anonymous;
    /**
     * WildFly's own PostgreSQL (on SeveralServersIT's port, free once that class has closed its own: IT classes run one
     * after the other), so that stopping it touches none of the Payara containers on the tests' shared database.
     */
    private EmbeddedDatabase database;

    @BeforeAll
    void startWildFly() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("it.wildfly.skip"), "WildFly left out with -Dwildfly.skip=true");
        Path home = Path.of(System.getProperty("it.wildfly.home"));
        Path log = Path.of(System.getProperty("it.dir")).resolve("wildfly.log");
        database = EmbeddedDatabase.startRestartable(Integer.getInteger("it.several.db.port"),
                Path.of(System.getProperty("it.dir"), "postgres-wildfly"));
        Sql.lookAt(database);
        Files.createDirectories(log.getParent());
        Path config = home.resolve("standalone/configuration/standalone.xml");
        if (!Files.readString(config).contains("java:/jdbc/sharedMailboxes")) {
            run(log, List.of(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + System.getProperty("it.wildfly.cli"),
                    "-Dpostgresql.jar=" + System.getProperty("it.postgresql.jar"),
                    "-Declipselink.dir=" + Path.of(System.getProperty("it.postgresql.jar")).resolveSibling("eclipselink")));
        }
        Path deployments = home.resolve("standalone/deployments");
        try (var old = Files.list(deployments)) {
            for (Path file : old.filter(f -> f.getFileName().toString().startsWith("shared-mailboxes.war")).toList()) {
                Files.delete(file);
            }
        }
        Files.copy(Path.of(System.getProperty("it.war")), deployments.resolve("shared-mailboxes.war"));

        String http = System.getProperty("it.http.port");
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(), "-c", "standalone.xml",
                "-Djboss.bind.address=127.0.0.1", "-Djboss.http.port=" + http,
                "-Djboss.https.port=" + System.getProperty("it.https.port"),
                "-Djboss.management.http.port=" + System.getProperty("it.wildfly.management.port"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // As Payara's push container (arquillian.xml): the app-only identity, so shared mailboxes get push; 60-minute
        // subscriptions renewed 10 minutes ahead by a timer every 3 s. Polling every 60 minutes: only a change
        // notification brings new mail to a push connection within a test's wait (its safety sync is 15 minutes away).
        start.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xms64m -Xmx768m -Duser.timezone=UTC -Djava.net.preferIPv4Stack=true"
                + " -Djava.io.tmpdir=" + System.getProperty("it.dir")
                + " -Doutlook.app-only.authority=https://127.0.0.1:" + System.getProperty("it.emulator.port") + "/"
                + System.getProperty("it.tenant") + "/v2.0"
                + " -Dnotifications.subscription-lifetime=" + SUBSCRIPTION_LIFETIME
                + " -Dnotifications.renew-before=" + RENEW_BEFORE + " -Dnotifications.renewal-interval=PT3S"
                + " -Dsync.poll-interval=PT60M");
        start.environment().put("JBOSS_HOME", home.toString());
        start.environment().put("DB_PORT", Integer.toString(database.port()));
        server = start.start();

        base = URI.create("http://127.0.0.1:" + http + "/").toURL();
        anonymous = ApiClient.alone(base);
        Path failed = deployments.resolve("shared-mailboxes.war.failed");
        Await.until("WildFly ready with the WAR deployed (see " + log + ")", () -> {
            if (!server.isAlive() || Files.exists(failed)) {
                throw new AssertionError("WildFly did not deploy the WAR; see " + log);
            }
            try {
                return anonymous.get("/health/ready").status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        }, BOOT);
        workspace = new TestWorkspace(base);
        controls = new ServiceControls(base);
    }

    @AfterAll
    void stopWildFly() throws InterruptedException {
        if (server != null) {
            List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
            server.destroy();
            all.forEach(ProcessHandle::destroy);
            server.waitFor(30, TimeUnit.SECONDS);
            all.forEach(ProcessHandle::destroyForcibly);
        }
        Sql.lookAt(null);
        if (database != null) {
            database.close();
        }
    }

    @Test
    void operationsEndpointsAnswerOnTheApplicationsPort() {
        assertEquals(200, anonymous.get("/health/live").status());
        assertEquals(200, anonymous.get("/health/ready").status());
        ApiClient.Reply openapi = anonymous.get("/openapi");
        assertEquals(200, openapi.status());
        assertTrue(openapi.body().contains("/api/v1/outlook/connections"), "the API is described");
        Metrics metrics = Metrics.of(anonymous);
        assertTrue(metrics.has("connections", Map.of("badge", "healthy")), metrics.toString());
    }

    @Test
    void theApiRefusesACallerWithoutAToken() {
        ApiClient.Reply refused = anonymous.get("/api/v1/outlook/connections");
        assertEquals(401, refused.status(), refused.body());
        assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
    }

    @Test
    void theCoreJourneyWorksOnWildFly() {
        TestWorkspace.Person alice = workspace.person("alice");
        UUID personal = alice.connect();
        assertEquals("personal", alice.connection(personal).get("kind").asText());

        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        String noAccess = workspace.sharedMailbox("sales");
        SharedMailboxesIT.assertProblem(alice.addShared(personal, noAccess), 403, "MAILBOX_ACCESS_DENIED",
                "Microsoft rejected access to this mailbox");
        SharedMailboxesIT.assertProblem(alice.addShared(personal, workspace.address("nobody")), 404, "MAILBOX_NOT_FOUND",
                "Microsoft 365 could not find a mailbox at");

        String subject = "Hello WildFly " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", subject, "Can you help?");
        UUID shared = alice.addSharedOk(personal, support);
        JsonNode synced = alice.awaitConnection(shared, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("healthy", badge(synced), "the first sync turns it Healthy: " + synced);

        JsonNode message = Await.until("the delivered mail in the inbox list",
                () -> alice.api().get("/api/v1/messages?q=" + encode(subject)).json().get("items"),
                items -> items.size() == 1, WAIT).get(0);
        assertEquals(support, message.get("mailbox").asText());
        JsonNode full = alice.api().get("/api/v1/messages/" + message.get("id").asText()).json();
        assertTrue(full.toString().contains("Can you help?"), full.toString());

        String sentSubject = "Sent from WildFly " + workspace.suffix;
        ApiClient.Reply sent = alice.api().post("/api/v1/messages", "{\"from\":\"" + support + "\",\"to\":[{\"address\":"
                + "\"customer@example.com\"}],\"subject\":\"" + sentSubject + "\",\"body\":{\"contentType\":\"text\","
                + "\"content\":\"Hello from support\"}}");
        assertEquals(202, sent.status(), sent.body());
        assertTrue(workspace.tenant.subjects(support, "sentitems").contains(sentSubject),
                "saved in the shared mailbox's Sent Items");

        assertEquals(204, alice.api().delete("/api/v1/outlook/connections/" + personal).status());
        assertEquals(0, alice.api().get("/api/v1/outlook/connections").json().size(), "the shared row went with it");
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE id = ?", shared));

        Metrics metrics = Metrics.of(anonymous);
        assertTrue(metrics.value("syncs_total") >= 1, "sync runs are counted: " + metrics);
    }

    /**
     * Push on WildFly as PushDeliveryIT shows it on Payara: a shared mailbox gets an app-only subscription at Microsoft
     * (validated against the WildFly endpoint), new mail reaches the inbox through the change notification the webhook
     * acknowledged with 202 (Graph notifies 2 s late; polling is an hour away), a lifecycle event is answered, and the EJB
     * timer renews the subscription once 50 minutes have passed on the service's clock.
     */
    @Test
    void pushWakesTheSyncAndTheTimerRenewsTheSubscriptionOnWildFly() {
        TestWorkspace.Person hal = workspace.person("hal");
        String desk = workspace.sharedMailbox("desk");
        workspace.tenant.grantFullAccess(desk, hal.microsoft().upn());
        UUID parent = hal.connect();
        UUID shared = hal.addSharedOk(parent, desk);
        JsonNode current = hal.awaitConnection(shared, view -> "healthy".equals(badge(view))
                && view.get("sync").get("historyComplete").asBoolean(), WAIT);
        assertEquals("webhook", current.get("delivery").asText(), current.toString());
        assertEquals("webhook", hal.connection(parent).get("delivery").asText());
        String subscription = subscriptionOf(shared);
        SubscriptionView atMicrosoft = subscription(subscription);
        assertTrue(atMicrosoft.appOnly(), atMicrosoft.toString());
        assertTrue(atMicrosoft.resource().toLowerCase().contains(desk), atMicrosoft.resource());

        Duration latency = Duration.ofSeconds(2);
        workspace.tenant.setNotificationLatency(latency);
        String subject = "Pushed on WildFly " + workspace.suffix;
        try {
            Instant delivered = Instant.now();
            workspace.tenant.deliver(desk, "customer@example.com", subject, "Are you there?");
            JsonNode message = Await.until("the new mail in hal's inbox", () -> message(hal, subject), found -> found != null, WAIT);
            assertEquals(desk, message.get("mailbox").asText());
            NotificationDelivery notified = Await.until("Graph's record of the notification", () -> lastNotification(subscription, "created"),
                    found -> found.isPresent() && !found.get().occurredAt().isBefore(delivered.minusSeconds(1)), WAIT).orElseThrow();
            assertEquals(202, notified.status(), "the webhook accepted it: " + notified);
            Instant sent = notified.occurredAt().plus(latency);
            Instant stored = syncedAt(subject);
            assertFalse(stored.isBefore(sent), "stored only after Graph sent its notification at " + sent + ": " + stored);
        } finally {
            workspace.tenant.setNotificationLatency(Duration.ZERO);
        }

        // A lifecycle event reaches the lifecycle endpoint: the service reauthorizes the subscription at Microsoft.
        workspace.tenant.fireLifecycleEvent(subscription, "reauthorizationRequired");
        SubscriptionCall reauthorized = Await.until("POST /subscriptions/" + subscription + "/reauthorize",
                () -> workspace.tenant.subscriptionCalls().stream().filter(call -> call.operation().equals("reauthorize")
                        && subscription.equals(call.subscriptionId())).findFirst(), Optional::isPresent, WAIT).orElseThrow();
        assertEquals(204, reauthorized.status(), reauthorized.toString());
        assertTrue(reauthorized.appOnly(), "a shared mailbox's subscription is reauthorized with the app-only identity");
        // The emulator records a delivery once it has the answer: wait for the record rather than race it.
        NotificationDelivery event = Await.until("Graph's record of the lifecycle event",
                () -> lastNotification(subscription, "reauthorizationRequired"), Optional::isPresent, WAIT).orElseThrow();
        assertEquals(202, event.status(), "the lifecycle endpoint accepted the event: " + event);

        Instant expiry = subscription(subscription).expirationDateTime();
        long renewedBefore = renewals(subscription);
        try {
            // Time passes until the subscription expires in 9 minutes, inside renew-before: the timer renews it.
            controls.advanceClock(Duration.between(controls.now(), expiry).minus(RENEW_BEFORE).plusMinutes(1));
            Await.until("a renewal at Microsoft", () -> subscription(subscription),
                    now -> now.expirationDateTime().isAfter(expiry.plus(Duration.ofMinutes(30))), WAIT);
            // The emulator records a call once it has answered it.
            Await.until("the renewal recorded as answered 200", () -> renewals(subscription) > renewedBefore, WAIT);
            assertEquals("webhook", hal.connection(shared).get("delivery").asText());
        } finally {
            controls.backToRealTime();
        }
        assertEquals(204, hal.api().delete("/api/v1/outlook/connections/" + parent).status());
    }

    @Test
    void graphsValidationHandshakeIsEchoed() {
        ApiClient.Reply echoed = anonymous.post("/api/v1/graph/notifications?validationToken=" + encode("check <1>"), "");
        assertEquals(200, echoed.status(), echoed.body());
        assertTrue(echoed.contentType().startsWith("text/plain"), echoed.contentType());
        assertEquals("check <1>", echoed.body());
        assertEquals(202, anonymous.post("/api/v1/graph/lifecycle", "{\"value\":[]}").status());
    }

    @Test
    void aPersonSignsInToTheConsoleAndConnectsOutlook() {
        TestWorkspace.ConsolePerson bea = workspace.consolePerson("bea", false);
        String console = "https://127.0.0.1:" + System.getProperty("it.https.port");
        try (Browser browser = Browser.start()) {
            browser.open(console + "/admin/outlook.xhtml");
            browser.signInAtEmulator(bea.login(), "wildfly-01-workestra-sign-in");
            browser.await(d -> d.getCurrentUrl().startsWith(console + "/admin/outlook.xhtml"));
            assertTrue(browser.find(By.id("signed-in-as")).getText().contains("Person bea"), browser.text());
            browser.find(By.id("connect:connect")).click();
            browser.signInAtEmulator(bea.microsoft().upn(), "wildfly-02-microsoft-sign-in");
            browser.await(d -> d.getCurrentUrl().contains("/admin/outlook.xhtml?connection="));
            browser.await(d -> browser.text().contains(bea.microsoft().upn()));
            browser.screenshot("wildfly-03-outlook-connected");
        }
        assertEquals(1, bea.api().get("/api/v1/outlook/connections").json().size(), "the API shows what the console made");
    }

    private SubscriptionView subscription(String id) {
        return workspace.tenant.subscriptions().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no subscription " + id + " at Microsoft"));
    }

    private static String subscriptionOf(UUID connection) {
        return (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", connection);
    }

    /** Renewals Microsoft answered 200 for this subscription. */
    private long renewals(String subscription) {
        return workspace.tenant.subscriptionCalls().stream().filter(call -> call.operation().equals("renew")
                && subscription.equals(call.subscriptionId()) && call.status() == 200).count();
    }

    private Optional<NotificationDelivery> lastNotification(String subscription, String event) {
        return workspace.tenant.notificationDeliveries().stream()
                .filter(delivery -> subscription.equals(delivery.subscriptionId()) && event.equals(delivery.event()))
                .reduce((earlier, later) -> later);
    }

    /** When the service stored the message with this subject (reading the database, as an auditor would). */
    private static Instant syncedAt(String subject) {
        Object value = Sql.single("SELECT min(synced_at) FROM message WHERE subject = ?", subject);
        if (value == null) {
            throw new AssertionError("no stored message " + subject);
        }
        return ((Timestamp) value).toInstant();
    }

    private static JsonNode message(TestWorkspace.Person person, String subject) {
        for (JsonNode item : person.api().get("/api/v1/messages?q=" + encode(subject)).json().get("items")) {
            if (subject.equals(item.get("subject").asText())) {
                return item;
            }
        }
        return null;
    }

    private static String badge(JsonNode view) {
        return view.get("health").get("badge").asText();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * PostgreSQL stopped and started again under WildFly (its datasource's validate-on-match, valid-connection checker and
     * exception sorter, server-config/wildfly.cli): readiness goes DOWN while it is away, liveness stays UP, readiness
     * comes back by itself, and the service works on: a new connection is stored, synced and listed. Last, so that no
     * other test's background work meets the restart. Waits on readiness and the API only.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void postgresqlRestartedUnderWildFlyTakesReadinessDownAndUpAndTheServiceWorksOn() {
        long stopping = System.nanoTime();
        database.stop();
        Await.until("WildFly not ready while PostgreSQL is down", () -> anonymous.get("/health/ready").status() == 503, WAIT);
        double notReady = (System.nanoTime() - stopping) / 1e9;
        ApiClient.Reply ready = anonymous.get("/health/ready");
        assertTrue(ready.body().contains("DOWN"), "readiness says what is down: " + ready.body());
        assertEquals(200, anonymous.get("/health/live").status(), "alive all the same: nothing to restart it for");

        database.startAgain();
        long started = System.nanoTime();
        Await.until("WildFly ready again by itself", () -> anonymous.get("/health/ready").status() == 200, WAIT);
        double readyAgain = (System.nanoTime() - started) / 1e9;

        TestWorkspace.Person henry = workspace.person("henry");
        UUID connection = henry.connect();
        JsonNode synced = henry.awaitConnection(connection, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("healthy", badge(synced), "connected and synced after the restart: " + synced);
        assertEquals(1, henry.api().get("/api/v1/outlook/connections").json().size(), "listed");
        System.out.printf("[WildFlyIT] PostgreSQL stopped: not ready after %.1f s; started again: ready after %.1f s%n",
                notReady, readyAgain);
    }

    private static void run(Path log, List<String> command) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!cli.waitFor(180, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            cli.destroyForcibly();
            throw new AssertionError("server-config/wildfly.cli failed; see " + log);
        }
    }
}

package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR that {@code mvn package} built, unchanged, on WildFly (its distribution unpacked by Maven, set up by
 * {@code server-config/wildfly.cli} exactly as an operator would, started as a process with the environment production
 * sets), black-box like the Payara tests: the core journey against the emulator, the console's sign-in, Graph's
 * handshake. Part of {@code mvn verify}; {@code -Dwildfly.skip=true} leaves it out (and does not unpack WildFly).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WildFlyIT {

    private static final Duration BOOT = Duration.ofSeconds(300);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Process server;
    private URL base;
    private TestWorkspace workspace;
    private ApiClient anonymous;

    @BeforeAll
    void startWildFly() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("it.wildfly.skip"), "WildFly left out with -Dwildfly.skip=true");
        Path home = Path.of(System.getProperty("it.wildfly.home"));
        Path log = Path.of(System.getProperty("it.dir")).resolve("wildfly.log");
        Files.createDirectories(log.getParent());
        Path config = home.resolve("standalone/configuration/standalone.xml");
        if (!Files.readString(config).contains("java:/jdbc/sharedMailboxes")) {
            run(log, List.of(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + System.getProperty("it.wildfly.cli"),
                    "-Dpostgresql.jar=" + System.getProperty("it.postgresql.jar")));
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
        start.environment().put("JAVA_OPTS", "-Xms64m -Xmx768m -Duser.timezone=UTC -Djava.net.preferIPv4Stack=true"
                + " -Djava.io.tmpdir=" + System.getProperty("it.dir"));
        start.environment().put("JBOSS_HOME", home.toString());
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

    private static String badge(JsonNode view) {
        return view.get("health").get("badge").asText();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
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

package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformIT extends ServiceIT {

    ApiClient api;
    WorkestraTokens tokens;

    @BeforeEach
    void setUp() {
        api = ApiClient.at(base);
        tokens = IntegrationEnvironment.tokens();
    }

    @Test
    void readyOnlyWithTheDatabaseMigrated() {
        var ready = api.get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        JsonNode database = find(ready.json().get("checks"), "database");
        assertEquals("UP", database.get("status").asText());
        assertTrue(database.get("data").get("migrationsApplied").asBoolean());
        assertEquals(200, api.get("/health/live").status());
    }

    @Test
    void aValidTokenNamesTheCallerAndWorkspace() {
        var me = api.as(tokens.admin("u-ada", "ada@workestra.test", "w-acme")).get("/api/v1/me");
        assertEquals(200, me.status(), me.body());
        assertEquals("u-ada", me.json().get("userId").asText());
        assertEquals("w-acme", me.json().get("workspaceId").asText());
        assertTrue(me.json().get("groups").toString().contains("admin"), me.body());
    }

    @Test
    void missingForgedExpiredOrForeignTokensGet401ProblemJson() {
        assertUnauthenticated(api.get("/api/v1/me"));
        assertUnauthenticated(api.as(tokens.forged("u-eve", "eve@workestra.test", "w-acme")).get("/api/v1/me"));
        assertUnauthenticated(api.as(tokens.expired("u-ada", "ada@workestra.test", "w-acme")).get("/api/v1/me"));
        assertUnauthenticated(api.as(tokens.withIssuer("https://evil.example", "u-ada", "ada@workestra.test", "w-acme")).get("/api/v1/me"));
        assertUnauthenticated(api.as("not-a-jwt").get("/api/v1/me"));
        assertUnauthenticated(api.as(tokens.forAudience("workestra-billing", "u-ada", "ada@workestra.test", "w-acme")).get("/api/v1/me"));
    }

    @Test
    void openApiDescribesTheApiAndItsBearerScheme() {
        var openapi = api.request("/openapi").header("Accept", "application/json").GET();
        var reply = api.send(openapi);
        assertEquals(200, reply.status());
        JsonNode document = reply.json();
        assertTrue(document.get("paths").has("/api/v1/me"), document.get("paths").toString());
        JsonNode scheme = document.get("components").get("securitySchemes").elements().next();
        assertEquals("bearer", scheme.get("scheme").asText());
        assertFalse(reply.body().contains("token_cache"));
    }

    @Test
    void unknownPathsAnswerProblemJson() {
        var reply = api.as(tokens.member("u-bo", "bo@workestra.test", "w-acme")).get("/api/v1/no-such-thing");
        assertEquals(404, reply.status());
        assertProblem(reply, "NOT_FOUND");
        var outside = api.get("/no-such-page");
        assertEquals(404, outside.status());
        assertProblem(outside, "NOT_FOUND");
    }

    @Test
    void wrongMethodAndContentTypeAnswerProblemJson() {
        var client = api.as(tokens.member("u-bo", "bo@workestra.test", "w-acme"));
        var wrongMethod = client.delete("/api/v1/me");
        assertEquals(405, wrongMethod.status());
        assertProblem(wrongMethod, "METHOD_NOT_ALLOWED");
        var wrongType = client.send(client.request("/api/v1/outlook/authorizations")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertEquals(415, wrongType.status(), wrongType.body());
        assertProblem(wrongType, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void malformedAndOversizedBodiesAnswerProblemJson() {
        var client = api.as(tokens.member("u-bo", "bo@workestra.test", "w-acme"));
        var malformed = client.post("/api/v1/outlook/authorizations", "{\"returnUrl\": ");
        assertEquals(400, malformed.status(), malformed.body());
        assertProblem(malformed, "MALFORMED_REQUEST");
        var oversized = client.post("/api/v1/outlook/authorizations", "{\"returnUrl\":\"" + "x".repeat(1_100_000) + "\"}");
        assertEquals(413, oversized.status());
        assertProblem(oversized, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void metricsShowWhatTheReadmePromisesAnOperator() {
        Metrics before = Metrics.of(api);
        TestWorkspace workspace = new TestWorkspace(base);
        TestWorkspace.Person ada = workspace.person("ada");
        UUID personal = ada.connect();
        Await.until("the first sync", () -> ada.connection(personal),
                view -> "healthy".equals(view.get("health").get("badge").asText()), Duration.ofSeconds(60));
        // Exchange hides a mailbox's Inbox from someone without rights (404 ErrorItemNotFound: our 403), then Graph throttles
        // one (429, retried by the SDK after Retry-After).
        assertEquals(403, ada.addShared(personal, workspace.sharedMailbox("closed")).status());
        String busy = workspace.sharedMailbox("busy");
        workspace.tenant.grantFullAccess(busy, ada.microsoft().upn());
        workspace.tenant.throttleNext(busy, 1, Duration.ofSeconds(1));
        assertEquals(201, ada.addShared(personal, busy).status());
        // Graph posts a notification naming no subscription of this service: acknowledged and ignored.
        assertEquals(202, api.post("/api/v1/graph/notifications", "{\"value\":[{\"subscriptionId\":\"" + UUID.randomUUID()
                + "\",\"clientState\":\"x\",\"changeType\":\"created\",\"resource\":\"Users/x/Messages/y\"}]}").status());

        // The badge gauges reuse one count for metrics.badge-counts-max-age (15 s): ada's healthy row shows within that.
        Metrics after = Await.until("ada's healthy connection in connections{badge=healthy}", () -> Metrics.of(api),
                metrics -> metrics.value("connections", Map.of("badge", "healthy")) >= 1, Duration.ofSeconds(30));
        for (String badge : List.of("healthy", "never_synced", "stale", "error")) {
            assertTrue(after.has("connections", Map.of("badge", badge)), "connections{badge=" + badge + "}: " + after);
        }
        assertIncreased(before, after, "graph_errors_total", Map.of("status", "404", "code", "ErrorItemNotFound"));
        assertIncreased(before, after, "graph_errors_total", Map.of("status", "429"));
        assertIncreased(before, after, "graph_throttled_total", Map.of());
        assertIncreased(before, after, "webhook_notifications_total", Map.of("outcome", "ignored"));
        assertIncreased(before, after, "syncs_total", Map.of("outcome", "current"));
        // Acknowledging took milliseconds, well inside the 3 s Graph allows, and the timer says so in seconds.
        double slowest = after.value("webhook_acknowledgement_seconds_max");
        assertTrue(after.value("webhook_acknowledgement_seconds_count") >= 1, "webhook_acknowledgement: " + after);
        assertTrue(slowest > 0 && slowest < 3, "the slowest acknowledgement in seconds: " + slowest + "\n" + after);
        double mean = after.value("webhook_acknowledgement_seconds_mean");
        assertTrue(mean > 0 && mean <= slowest, "the mean acknowledgement in seconds: " + mean + "\n" + after);
    }

    private static void assertIncreased(Metrics before, Metrics after, String name, Map<String, String> labels) {
        assertTrue(after.value(name, labels) > before.value(name, labels),
                name + labels + " went from " + before.value(name, labels) + " to " + after.value(name, labels) + ":\n" + after);
    }

    @Test
    void aWebhookPostWithMoreNotificationsThanGraphBatchesIsRefusedBeforeAnyLookup() {
        Metrics before = Metrics.of(api);
        StringBuilder batch = new StringBuilder("{\"value\":[");
        for (int i = 0; i < 1_001; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"subscriptionId\":\"").append(UUID.randomUUID())
                    .append("\",\"clientState\":\"x\",\"changeType\":\"created\",\"resource\":\"Users/x/Messages/y\"}");
        }
        var refused = api.post("/api/v1/graph/notifications", batch.append("]}").toString());
        assertEquals(413, refused.status(), refused.body());
        Metrics after = Metrics.of(api);
        assertEquals(before.value("webhook_notifications_total", Map.of("outcome", "refused")) + 1,
                after.value("webhook_notifications_total", Map.of("outcome", "refused")), after.toString());
    }

    @Test
    void aPersonsMistakesAreAnsweredWithoutAStackTraceInTheServerLog() throws IOException {
        Path log = serverLog();
        long before = Files.size(log);
        ApiClient client = api.as(tokens.member("u-bo", "bo@workestra.test", "w-acme"));
        assertEquals(404, client.get("/api/v1/outlook/connections/" + UUID.randomUUID()).status());
        assertEquals(404, client.delete("/api/v1/outlook/connections/" + UUID.randomUUID()).status());
        assertEquals(404, client.post("/api/v1/outlook/connections/" + UUID.randomUUID() + "/sync", "").status());
        assertEquals(404, client.get("/api/v1/messages/987654321").status());
        assertEquals(403, client.post("/api/v1/messages", "{\"from\":\"nobody@contoso.test\",\"to\":[\"x@example.com\"],"
                + "\"subject\":\"s\",\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}").status());

        // A line the service logs after those requests: once it is in the file, everything before it is too.
        TestWorkspace workspace = new TestWorkspace(base);
        TestWorkspace.Person marker = workspace.person("marker");
        String nowhere = workspace.address("log-marker");
        assertEquals(404, marker.addShared(marker.connect(), nowhere).status());
        String written = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!written.contains(nowhere) && System.nanoTime() < deadline) {
            TestWorkspace.sleep(100);
            written = appendedSince(log, before);
        }
        assertTrue(written.contains(nowhere), "the marker reached the server log");
        assertFalse(written.contains("A system exception occurred"), written);
        assertFalse(written.contains("\tat com.workestra"), written);
    }

    /** The log file of the Payara Micro process Arquillian started for this class (--logtofile in arquillian.xml). */
    private static Path serverLog() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("it.dir")))) {
            return files.filter(file -> file.getFileName().toString().startsWith("payara-polling.log"))
                    .max(Comparator.comparingLong(file -> file.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no server log in " + System.getProperty("it.dir")));
        }
    }

    private static String appendedSince(Path log, long offset) {
        try (var file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            byte[] bytes = new byte[(int) Math.max(0, length - offset)];
            file.seek(Math.min(offset, length));
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertUnauthenticated(ApiClient.Reply reply) {
        assertEquals(401, reply.status(), reply.body());
        assertProblem(reply, "UNAUTHENTICATED");
    }

    static void assertProblem(ApiClient.Reply reply, String code) {
        assertTrue(reply.contentType().startsWith("application/problem+json"), reply.contentType());
        JsonNode problem = reply.json();
        assertEquals(code, problem.get("code").asText(), reply.body());
        assertEquals(reply.status(), problem.get("status").asInt());
        assertNotNull(problem.get("title"));
        assertFalse(reply.body().contains("Exception"), reply.body());
        assertFalse(reply.body().contains("\tat "), reply.body());
    }

    private static JsonNode find(JsonNode checks, String name) {
        for (JsonNode check : checks) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + checks);
    }
}

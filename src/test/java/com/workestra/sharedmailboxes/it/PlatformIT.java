package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

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
    void readyOnlyWhileTheDatabaseHoldsEveryMigration() {
        var ready = api.get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        JsonNode database = find(ready.json().get("checks"), "database");
        assertEquals("UP", database.get("status").asText());
        assertTrue(database.get("data").get("migrationsApplied").asBoolean());
        assertEquals(200, api.get("/health/live").status());

        // The database loses its newest migration under the running server (restored from an older backup, say): not
        // ready, until the migration is back.
        String newest = (String) Sql.single("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1");
        Sql.update("UPDATE flyway_schema_history SET success = false WHERE version = ?", newest);
        try {
            var behind = api.get("/health/ready");
            assertEquals(503, behind.status(), behind.body());
            JsonNode stale = find(behind.json().get("checks"), "database");
            assertEquals("DOWN", stale.get("status").asText(), behind.body());
            assertFalse(stale.get("data").get("migrationsApplied").asBoolean(), behind.body());
        } finally {
            Sql.update("UPDATE flyway_schema_history SET success = true WHERE version = ?", newest);
        }
        assertEquals(200, api.get("/health/ready").status());
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
        // The server answers before reading such a body and closes that connection: send it on connections of its own.
        var oversized = ApiClient.alone(base).as(tokens.member("u-bo", "bo@workestra.test", "w-acme"))
                .post("/api/v1/outlook/authorizations", "{\"returnUrl\":\"" + "x".repeat(1_100_000) + "\"}");
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
    void aPersonsMistakesWriteAtMostOneLineEachAndNoStackTrace() throws IOException {
        Path log = serverLog();
        long before = Files.size(log);
        TestWorkspace workspace = new TestWorkspace(base);
        TestWorkspace.Person ada = workspace.person("ada");
        TestWorkspace.Person bo = workspace.person("bo");
        UUID adasConnection = ada.connect();
        UUID bosConnection = bo.connect();
        String closed = workspace.sharedMailbox("closed");
        String readOnly = workspace.sharedMailbox("read-only");
        workspace.tenant.grantFullAccess(readOnly, bo.microsoft().upn());
        bo.addSharedOk(bosConnection, readOnly);
        long mistakesFrom = Files.size(log);

        // Someone else's connection, unknown ids, a refused add (403 and 404), a send without rights.
        List<String> mentioned = new ArrayList<>(List.of(adasConnection.toString(), closed));
        assertEquals(404, bo.api().get("/api/v1/outlook/connections/" + adasConnection).status());
        assertEquals(404, bo.api().delete("/api/v1/outlook/connections/" + adasConnection).status());
        assertEquals(404, bo.api().post("/api/v1/outlook/connections/" + adasConnection + "/shared-mailboxes",
                "{\"address\":\"" + readOnly + "\"}").status());
        UUID unknown = UUID.randomUUID();
        mentioned.add(unknown.toString());
        assertEquals(404, bo.api().get("/api/v1/outlook/connections/" + unknown).status());
        assertEquals(404, bo.api().post("/api/v1/outlook/connections/" + unknown + "/sync", "").status());
        assertEquals(404, bo.api().get("/api/v1/messages/987654321").status());
        assertProblem(bo.addShared(bosConnection, closed), "MAILBOX_ACCESS_DENIED");
        String nowhere = workspace.address("nowhere");
        mentioned.add(nowhere);
        assertProblem(bo.addShared(bosConnection, nowhere), "MAILBOX_NOT_FOUND");
        assertProblem(bo.addShared(bosConnection, readOnly), "ALREADY_CONNECTED");
        assertProblem(bo.api().post("/api/v1/messages", "{\"from\":\"" + readOnly + "\",\"to\":[\"x@example.com\"],"
                + "\"subject\":\"s\",\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}"), "SEND_AS_DENIED");
        // A token that expired or was forged: 401 as a problem, and Payara's JWT check logs no stack trace for it.
        assertUnauthenticated(api.as(tokens.expired("u-bo", "bo@workestra.test", "w-acme")).get("/api/v1/me"));
        assertUnauthenticated(api.as(tokens.forged("u-eve", "eve@workestra.test", "w-acme")).get("/api/v1/me"));
        assertProblem(bo.api().post("/api/v1/messages", "{\"from\":\"nobody@contoso.test\",\"to\":[\"x@example.com\"],"
                + "\"subject\":\"s\",\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}"), "FORBIDDEN");

        // A line the service logs after those requests: once it is in the file, everything before it is too.
        TestWorkspace.Person marker = workspace.person("marker");
        String markerAddress = workspace.address("log-marker");
        assertEquals(404, marker.addShared(marker.connect(), markerAddress).status());
        String written = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!written.contains(markerAddress) && System.nanoTime() < deadline) {
            TestWorkspace.sleep(100);
            written = appendedSince(log, mistakesFrom);
        }
        assertTrue(written.contains(markerAddress), "the marker reached the server log");
        assertFalse(written.contains("A system exception occurred"), written);
        assertFalse(written.contains("\tat "), "a stack trace in the server log:\n" + written);
        assertFalse(written.contains("Caused by:"), written);
        for (String mistake : mentioned) {
            long lines = written.lines().filter(line -> line.contains(mistake)).count();
            assertTrue(lines <= 1, mistake + " is on " + lines + " lines of the server log:\n" + written);
        }
        assertTrue(appendedSince(log, before).length() > 0);
    }

    @Test
    void libraryLogsGoThroughSlf4jToTheServerLog() throws IOException {
        // MSAL logs (through SLF4J) at each token request that Microsoft's answer lacks the correlation id it sent;
        // the emulator sends none back, so a sign-in is enough for MSAL's lines to appear.
        TestWorkspace.Person someone = new TestWorkspace(base).person("msal");
        someone.connect();
        Path log = serverLog();
        String whole = Await.until("a line of MSAL in the server log", () -> {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, text -> text.contains("com.microsoft.aad.msal4j"), Duration.ofSeconds(30));
        assertFalse(whole.contains("org.slf4j.impl.StaticLoggerBinder"), "SLF4J 1.x found no binding");
        assertFalse(whole.contains("No SLF4J providers were found"), "SLF4J 2.x found no provider");
        assertFalse(whole.contains("Defaulting to no-operation"), "SLF4J fell back to its NOP logger");
        // Flyway, in the WAR beside MSAL and the Graph SDK, logs through SLF4J when it is bound: its lines arrive.
        assertTrue(whole.contains("org.flywaydb.core.internal.logging.slf4j.Slf4jLog"), "Flyway's SLF4J lines in the server log");
    }

    @Test
    void openApiIsYamlByDefaultAndJsonWhenAskedFor() {
        var plain = api.get("/openapi");
        assertEquals(200, plain.status());
        assertTrue(plain.contentType().startsWith("application/yaml"), plain.contentType());
        assertTrue(plain.body().startsWith("openapi: 3."), plain.body().substring(0, Math.min(80, plain.body().length())));
        var yaml = api.send(api.request("/openapi").header("Accept", "application/yaml").GET());
        assertEquals(200, yaml.status(), yaml.body());
        assertTrue(yaml.contentType().startsWith("application/yaml"), yaml.contentType());
        var json = api.send(api.request("/openapi").header("Accept", "application/json").GET());
        assertTrue(json.contentType().startsWith("application/json"), json.contentType());
        assertEquals("Workestra shared mailboxes", json.json().get("info").get("title").asText());
        var query = api.get("/openapi?format=json");
        assertTrue(query.contentType().startsWith("application/json"), query.contentType());
        assertTrue(query.json().has("paths"));
    }

    @Test
    void theServedOpenApiDocumentIsValidAndDescribesEachOperationsErrors() {
        String yaml = api.get("/openapi").body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertNotNull(parsed.getOpenAPI(), String.valueOf(parsed.getMessages()));
        assertEquals(List.of(), parsed.getMessages(), "the validator's findings");

        JsonNode document = api.send(api.request("/openapi").header("Accept", "application/json").GET()).json();
        JsonNode paths = document.get("paths");
        // What API.md lists and the service has; nothing it does not have (the tests' controls stay out).
        for (String path : List.of("/api/v1/outlook/authorizations", "/api/v1/outlook/callback", "/api/v1/outlook/connections",
                "/api/v1/outlook/connections/{id}", "/api/v1/outlook/connections/{id}/sync",
                "/api/v1/outlook/connections/{id}/shared-mailboxes", "/api/v1/mailboxes", "/api/v1/messages",
                "/api/v1/messages/{id}", "/api/v1/messages/{id}/reply", "/api/v1/graph/notifications", "/api/v1/graph/lifecycle")) {
            assertTrue(paths.has(path), path + " in " + fieldNames(paths));
        }
        fieldNames(paths).forEach(path -> assertFalse(path.startsWith("/api/v1/testing"), path));
        JsonNode schemas = document.path("components").path("schemas");
        assertTrue(schemas.path("ConnectionView").path("properties").path("displayName").path("description").asText()
                .contains("User.ReadBasic.All"), "a Connection's displayName says where it comes from: " + fieldNames(schemas));

        // Sending takes JSON or multipart/form-data with files: one operation per path, a request body per content type.
        for (String path : List.of("/api/v1/messages", "/api/v1/messages/{id}/reply", "/api/v1/messages/{id}/forward")) {
            JsonNode content = paths.get(path).get("post").get("requestBody").get("content");
            assertTrue(content.has("application/json") && content.has("multipart/form-data"), path + ": " + content);
        }

        Set<String> operations = new TreeSet<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
            String operation = entry.getKey().toUpperCase() + " " + path.getKey();
            operations.add(operation);
            JsonNode responses = entry.getValue().get("responses");
            assertFalse(responses.has("default"), operation + " has a real success status: " + responses);
            assertTrue(fieldNames(responses).stream().anyMatch(status -> status.startsWith("2") || status.startsWith("3")),
                    operation + " success: " + responses);
            List<String> errors = fieldNames(responses).stream().filter(status -> status.startsWith("4") || status.startsWith("5")).toList();
            assertFalse(errors.isEmpty(), operation + " describes its errors: " + responses);
            for (String status : errors) {
                JsonNode problem = responses.get(status).get("content").get("application/problem+json");
                assertNotNull(problem, operation + " " + status + " is problem+json");
                assertEquals("#/components/schemas/Problem", problem.get("schema").get("$ref").asText());
                problem.get("examples").fields().forEachRemaining(example -> {
                    JsonNode value = example.getValue().get("value");
                    assertEquals(ProblemCode.valueOf(example.getKey()).status(), value.get("status").asInt(), operation + " " + example.getKey());
                    assertEquals(Integer.parseInt(status), value.get("status").asInt(), operation + " " + example.getKey());
                });
            }
            JsonNode body = entry.getValue().get("requestBody");
            if (body != null) {
                body.get("content").fields().forEachRemaining(media -> assertTrue(media.getValue().has("example")
                        || media.getValue().has("examples"), operation + " " + media.getKey() + " has an example"));
            }
            for (JsonNode parameter : entry.getValue().path("parameters")) {
                if ("path".equals(parameter.get("in").asText())) {
                    String type = parameter.get("schema").get("type").asText();
                    assertEquals("string", type, operation + " " + parameter);
                }
            }
        }));
        assertTrue(operations.size() >= 20, operations.toString());

        JsonNode connection = paths.get("/api/v1/outlook/connections/{id}").get("get");
        JsonNode id = connection.get("parameters").get(0);
        assertEquals("uuid", id.get("schema").get("format").asText(), id.toString());
        assertEquals("string", paths.get("/api/v1/messages/{id}").get("get").get("parameters").get(0).get("schema").get("type").asText());

        JsonNode add = paths.get("/api/v1/outlook/connections/{id}/shared-mailboxes").get("post").get("responses");
        assertCodes(add, "400", "INVALID_ADDRESS");
        assertCodes(add, "403", "MAILBOX_ACCESS_DENIED");
        assertCodes(add, "404", "MAILBOX_NOT_FOUND", "NOT_FOUND");
        assertCodes(add, "409", "SHARED_SCOPES_MISSING", "ALREADY_CONNECTED", "PARENT_NOT_HEALTHY", "RECONNECT_REQUIRED");
        assertCodes(add, "503", "THROTTLED");
        assertCodes(paths.get("/api/v1/messages").get("post").get("responses"), "403", "SEND_AS_DENIED", "FORBIDDEN");
        assertCodes(paths.get("/api/v1/me").get("get").get("responses"), "401", "UNAUTHENTICATED");

        List<String> codes = new ArrayList<>();
        document.get("components").get("schemas").get("Problem").get("properties").get("code").get("enum")
                .forEach(code -> codes.add(code.asText()));
        assertEquals(Arrays.stream(ProblemCode.values()).map(Enum::name).toList(), codes);
    }

    @Test
    void aSignInStartedWithoutAReturnUrlEndsOnAPageThatSaysWhatHappened() {
        TestWorkspace workspace = new TestWorkspace(base);
        TestWorkspace.Person ada = workspace.person("outcome");
        OutlookSignInFlow.Landing connected = OutlookSignInFlow.connect(ada.api(), ada.microsoft().upn());
        assertEquals("/api/v1/outlook/callback/outcome", connected.location().getPath(), connected.location().toString());
        var page = api.get(connected.location().getPath() + "?" + connected.location().getRawQuery());
        assertEquals(200, page.status(), page.body());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("Outlook is connected"), page.body());
        assertTrue(page.body().contains(connected.connectionId()), page.body());

        var started = OutlookSignInFlow.signInAtMicrosoft(ada.api(), ada.microsoft().upn(), null);
        OutlookSignInFlow.Landing elsewhere = OutlookSignInFlow.postBack(api, started.answer(), new OutlookSignInFlow.CookieJar());
        assertEquals("BROWSER_MISMATCH", elsewhere.error());
        var refused = api.get(elsewhere.location().getPath() + "?" + elsewhere.location().getRawQuery());
        assertEquals(200, refused.status(), refused.body());
        assertTrue(refused.body().contains("Outlook was not connected"), refused.body());
        assertTrue(refused.body().contains("started by someone else or in another browser"), refused.body());
        assertFalse(api.get("/api/v1/outlook/callback/outcome?error=%3Cscript%3E").body().contains("<script>"));
    }

    private static void assertCodes(JsonNode responses, String status, String... codes) {
        JsonNode examples = responses.get(status).get("content").get("application/problem+json").get("examples");
        for (String code : codes) {
            assertTrue(examples.has(code), status + " lists " + code + ": " + examples);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
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

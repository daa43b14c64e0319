package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PlatformIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ServiceDeployment.war();
    }

    @ArquillianResource
    URL base;

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
    void metricsAreExposed() {
        assertEquals(200, api.get("/metrics").status());
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

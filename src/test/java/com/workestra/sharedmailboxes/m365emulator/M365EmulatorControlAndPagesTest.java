package com.workestra.sharedmailboxes.m365emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's sign-in and consent page, the control API, and the less common delta options. */
class M365EmulatorControlAndPagesTest {

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults());
        clients = new EmulatorTestClients(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static HttpResponse<String> control(String method, String path, String json) {
        return clients.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/_emulator" + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").build());
    }

    @Test
    void signInPageAcceptsAndCancels() {
        emulator.tenant().createUser("paula@contoso.test", "Paula");
        String authorize = emulator.baseUrl() + "/organizations/oauth2/v2.0/authorize?client_id=" + emulator.clientId()
                + "&response_type=code&response_mode=form_post&state=st&scope="
                + URLEncoder.encode("openid offline_access https://graph.microsoft.com/Mail.Read", StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(EmulatorTestClients.REDIRECT_URI, StandardCharsets.UTF_8);
        HttpResponse<String> page = clients.get(authorize, Map.of());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Mail.Read"), "the page lists the requested permissions");
        FormPostResponse form = FormPostResponse.parse(page.body());

        Map<String, String> accept = new HashMap<>(form.fields());
        accept.put("emulator_user", "paula@contoso.test");
        accept.put("emulator_action", "accept");
        FormPostResponse answer = FormPostResponse.parse(clients.postForm(emulator.baseUrl() + form.action(), accept).body());
        assertEquals(EmulatorTestClients.REDIRECT_URI, answer.action());
        assertNotNull(answer.code());
        assertEquals("st", answer.state());

        Map<String, String> cancel = new HashMap<>(form.fields());
        cancel.put("emulator_action", "cancel");
        FormPostResponse denied = FormPostResponse.parse(clients.postForm(emulator.baseUrl() + form.action(), cancel).body());
        assertEquals("access_denied", denied.error());
    }

    @Test
    void untickingPermissionsOnTheSignInPageConsentsToFewer() {
        emulator.tenant().createUser("lena@contoso.test", "Lena");
        String authorize = emulator.baseUrl() + "/organizations/oauth2/v2.0/authorize?client_id=" + emulator.clientId()
                + "&response_type=code&response_mode=form_post&state=legacy&scope="
                + URLEncoder.encode("openid offline_access https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/Mail.Read.Shared",
                StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(EmulatorTestClients.REDIRECT_URI, StandardCharsets.UTF_8);
        HttpResponse<String> page = clients.get(authorize, Map.of());
        assertTrue(page.body().contains("type=\"checkbox\" id=\"emulator_scope_1\" name=\"emulator_grant_Mail.Read.Shared\" value=\"yes\" checked"),
                "each permission is a ticked box: " + page.body());
        assertTrue(page.body().contains("<title>Sign in to your account · Microsoft 365 emulator</title>"), page.body());

        Map<String, String> onlyMailRead = new HashMap<>(FormPostResponse.parse(page.body()).fields());
        onlyMailRead.put("emulator_user", "lena@contoso.test");
        onlyMailRead.put("emulator_action", "accept");
        onlyMailRead.put("emulator_scopes_offered", "yes");
        onlyMailRead.put("emulator_grant_Mail.Read", "yes");
        FormPostResponse answer = FormPostResponse.parse(clients.postForm(emulator.baseUrl() + "/organizations/oauth2/v2.0/authorize",
                onlyMailRead).body());
        HttpResponse<String> token = clients.postForm(emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token",
                Map.of("client_id", emulator.clientId(), "client_secret", emulator.clientSecret(), "grant_type", "authorization_code",
                        "code", answer.code(), "redirect_uri", EmulatorTestClients.REDIRECT_URI,
                        "scope", "https://graph.microsoft.com/Mail.Read openid offline_access"));
        assertEquals(200, token.statusCode(), token.body());
        String granted = EmulatorTestClients.json(token).get("scope").asText();
        assertTrue(granted.contains("Mail.Read") && !granted.contains("Mail.Read.Shared"), granted);
    }

    @Test
    void workestrasIdentityProviderPageIsNotMicrosofts() {
        try (M365Emulator workestra = M365Emulator.start(EmulatorSettings.defaults().withIdTokenOptionalClaims(java.util.Set.of("wid")))) {
            HttpResponse<String> page = new EmulatorTestClients(workestra).get(workestra.baseUrl() + "/organizations/oauth2/v2.0/authorize?client_id="
                    + workestra.clientId() + "&response_type=code&response_mode=form_post&state=w&scope=openid"
                    + "&redirect_uri=" + URLEncoder.encode(EmulatorTestClients.REDIRECT_URI, StandardCharsets.UTF_8), Map.of());
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains("<title>Workestra sign-in (demo identity provider)</title>"), page.body());
            assertTrue(page.body().contains("#2e7d5b"), "its own colour");
            assertTrue(!page.body().contains("Microsoft"), "nothing on it says Microsoft: " + page.body());
        }
    }

    @Test
    void queryResponseModeRedirects() {
        try (M365Emulator auto = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true))) {
            auto.tenant().createUser("quinn@contoso.test", "Quinn");
            HttpResponse<String> redirect = new EmulatorTestClients(auto).get(auto.baseUrl() + "/" + auto.tenantId()
                    + "/oauth2/v2.0/authorize?client_id=" + auto.clientId() + "&response_type=code&scope=openid&state=q"
                    + "&login_hint=quinn@contoso.test&redirect_uri=" + URLEncoder.encode("http://localhost:8080/cb",
                    StandardCharsets.UTF_8), Map.of());
            assertEquals(302, redirect.statusCode());
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertTrue(location.startsWith("http://localhost:8080/cb?code="), location);
            assertTrue(location.endsWith("&state=q"), location);
        }
    }

    @Test
    void controlApiMirrorsTheTenant(@TempDir Path directory) throws Exception {
        assertEquals(201, control("POST", "/users", "{\"upn\":\"ray@contoso.test\",\"displayName\":\"Ray\"}").statusCode());
        assertEquals(201, control("POST", "/shared-mailboxes", "{\"address\":\"desk@contoso.test\",\"displayName\":\"Desk\"}")
                .statusCode());
        assertEquals(204, control("POST", "/distribution-lists", "{\"address\":\"all@contoso.test\"}").statusCode());
        assertEquals(204, control("POST", "/permissions/grant",
                "{\"mailbox\":\"desk@contoso.test\",\"user\":\"ray@contoso.test\",\"right\":\"sendAs\"}").statusCode());
        HttpResponse<String> delivered = control("POST", "/deliver",
                "{\"mailbox\":\"desk@contoso.test\",\"from\":\"a@example.com\",\"subject\":\"Via control\",\"body\":\"b\"}");
        assertEquals(201, delivered.statusCode());
        String id = EmulatorTestClients.json(delivered).get("id").asText();
        assertEquals(204, control("POST", "/mark-read", "{\"mailbox\":\"desk@contoso.test\",\"messageId\":\"" + id
                + "\",\"isRead\":true}").statusCode());
        assertEquals(204, control("POST", "/seed", "{\"mailbox\":\"desk@contoso.test\",\"count\":5}").statusCode());
        JsonNode count = EmulatorTestClients.json(control("GET", "/count?mailbox=desk@contoso.test&folder=inbox", null));
        assertEquals(6, count.get("count").asInt());
        JsonNode directoryJson = EmulatorTestClients.json(control("GET", "/directory", null));
        assertEquals("desk@contoso.test", directoryJson.get("sharedMailboxes").get(0).get("address").asText());
        assertEquals(400, control("POST", "/permissions/grant", "{\"mailbox\":\"desk@contoso.test\"}").statusCode());
        assertEquals(204, control("POST", "/faults/latency", "{\"millis\":0}").statusCode());
        emulator.tenant().recordSent(new SentMail("desk@contoso.test", "desk@contoso.test", "ray@contoso.test",
                List.of("a@example.com"), List.of(), List.of(), "S", "text", "B", null, "c", "<m@x>", null, java.time.Instant.EPOCH));
        HttpResponse<String> sent = control("GET", "/sent", null);
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals("1970-01-01T00:00:00Z", EmulatorTestClients.json(sent).get("value").get(0).get("sentAt").asText());
        assertEquals(200, control("GET", "/notification-stats", null).statusCode());

        Path pem = directory.resolve("emulator.pem");
        emulator.writeCertificatePem(pem);
        assertTrue(Files.readString(pem).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void deltaHonoursChangeTypeFilterAndOrder() {
        try (M365Emulator auto = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true))) {
            EmulatorTestClients autoClients = new EmulatorTestClients(auto);
            Tenant tenant = auto.tenant();
            tenant.createUser("sam@contoso.test", "Sam");
            String token = autoClients.signInToken("sam@contoso.test", "https://graph.microsoft.com/Mail.ReadWrite");
            String first = tenant.deliver("sam@contoso.test", "a@example.com", "First", "1");
            tenant.seedMessages("sam@contoso.test", "inbox", 4);

            JsonNode ordered = EmulatorTestClients.json(autoClients.graphGet(token,
                    "/me/mailFolders/inbox/messages/delta?$orderby=receivedDateTime%20desc&$select=receivedDateTime&changeType=created",
                    "Prefer", "odata.maxpagesize=2"));
            List<String> times = new ArrayList<>();
            String next = ordered.get("@odata.nextLink").asText();
            ordered.get("value").forEach(item -> times.add(item.get("receivedDateTime").asText()));
            String deltaLink = null;
            while (next != null) {
                JsonNode page = EmulatorTestClients.json(autoClients.get(next, Map.of("Authorization", "Bearer " + token,
                        "Prefer", "odata.maxpagesize=2")));
                page.get("value").forEach(item -> times.add(item.get("receivedDateTime").asText()));
                next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
                deltaLink = page.has("@odata.deltaLink") ? page.get("@odata.deltaLink").asText() : null;
            }
            assertEquals(5, times.size());
            List<String> sorted = new ArrayList<>(times);
            sorted.sort(java.util.Comparator.reverseOrder());
            assertEquals(sorted, times, "receivedDateTime desc");

            tenant.markRead("sam@contoso.test", first, true);
            String created = tenant.deliver("sam@contoso.test", "b@example.com", "Second", "2");
            JsonNode onlyCreated = EmulatorTestClients.json(autoClients.get(deltaLink, Map.of("Authorization", "Bearer " + token)));
            assertEquals(1, onlyCreated.get("value").size(), onlyCreated.toString());
            assertEquals(created.substring(8), onlyCreated.get("value").get(0).get("id").asText().substring(6),
                    "same item, regular id form");

            HttpResponse<String> badFilter = autoClients.graphGet(token,
                    "/me/mailFolders/inbox/messages/delta?$filter=subject%20eq%20'x'");
            assertEquals(400, badFilter.statusCode());
            JsonNode filtered = EmulatorTestClients.json(autoClients.graphGet(token,
                    "/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime%20ge%202100-01-01T00:00:00Z"));
            assertEquals(0, filtered.get("value").size());
            assertNotNull(filtered.get("@odata.deltaLink"));

            JsonNode folders = EmulatorTestClients.json(autoClients.graphGet(token, "/me/mailFolders"));
            assertEquals("Inbox", folders.get("value").get(0).get("displayName").asText());
            assertEquals(6, folders.get("value").get(0).get("totalItemCount").asInt());
        }
    }
}

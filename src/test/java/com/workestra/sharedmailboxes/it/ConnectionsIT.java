package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import com.workestra.sharedmailboxes.m365emulator.DirectoryUser;
import com.workestra.sharedmailboxes.m365emulator.FormPostResponse;
import com.workestra.sharedmailboxes.m365emulator.Tenant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4: connect, reconnect and disconnect a personal Outlook account, end to end against the emulator; issue 11: the
 * sign-in completes only in the browser that started it, only for the workspace's tenants, and expired ones go.
 */
class ConnectionsIT extends ServiceIT {

    /** Workspaces pom.xml limits through outlook.allowed-tenants: to a tenant that is not the emulator's, and to the emulator's. */
    static final String FABRIKAM_ONLY = "w-fabrikam-only";
    static final String CONTOSO_ONLY = "w-contoso-only";
    /** Microsoft's answer to a code presented with a verifier that does not match its challenge. */
    static final int MICROSOFT_PKCE_MISMATCH = 501481;

    Tenant tenant;
    WorkestraTokens tokens;
    String suffix;

    @AfterEach
    void releaseBackgroundWork() {
        controls.releaseBackgroundWork();
    }

    JsonNode await(ApiClient api, UUID id, String badge) {
        return Await.until("connection " + id + " " + badge, () -> api.get("/api/v1/outlook/connections/" + id).json(),
                view -> badge.equals(view.get("health").get("badge").asText()), Duration.ofSeconds(60));
    }

    @BeforeEach
    void setUp() {
        tenant = workspace.tenant;
        tokens = IntegrationEnvironment.tokens();
        suffix = workspace.suffix;
    }

    ApiClient as(String userId) {
        return ApiClient.at(base).as(tokens.member(userId, userId + "@workestra.test", workspace.id));
    }

    DirectoryUser microsoftUser(String name) {
        return tenant.createUser(name + "-" + suffix + "@contoso.test", "User " + name);
    }

    @Test
    void connectingCreatesAPersonalConnectionThatCanAddSharedMailboxesAndTurnsHealthyWithItsFirstSync() {
        DirectoryUser alice = microsoftUser("alice");
        ApiClient api = as("u-alice");
        // Background work held: the new connection is looked at before its first sync can have run.
        controls.holdBackgroundWork();
        UUID id;
        try {
            id = OutlookSignInFlow.connect(api, alice.upn()).connection();
            JsonNode list = api.get("/api/v1/outlook/connections").json();
            assertEquals(1, list.size(), list.toString());
            JsonNode connection = list.get(0);
            assertEquals(id.toString(), connection.get("id").asText());
            assertEquals("personal", connection.get("kind").asText());
            assertEquals(alice.upn().toLowerCase(), connection.get("address").asText());
            assertEquals("User alice", connection.get("displayName").asText());
            assertTrue(connection.get("parentId").isNull());
            assertTrue(connection.get("canAddSharedMailbox").asBoolean());
            assertTrue(connection.get("addSharedMailboxDisabledReason").isNull());
            assertEquals("never_synced", connection.get("health").get("badge").asText(), connection.toString());
            assertTrue(connection.get("health").get("lastSyncAt").isNull(), connection.toString());
            JsonNode single = api.get("/api/v1/outlook/connections/" + id).json();
            for (String field : List.of("id", "kind", "address", "displayName", "parentId", "createdAt", "canAddSharedMailbox")) {
                assertEquals(connection.get(field), single.get(field), field);
            }
            assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'CONNECTED'", id));
        } finally {
            controls.releaseBackgroundWork();
        }
        JsonNode synced = await(api, id, "healthy");
        assertEquals("healthy", synced.get("health").get("badge").asText(), synced.toString());
        assertFalse(synced.get("health").get("lastSyncAt").isNull(), synced.toString());
    }

    @Test
    void aConnectionWithoutTheSharedScopesCannotAddSharedMailboxesAndSaysReconnect() {
        DirectoryUser legacy = microsoftUser("legacy");
        tenant.setConsentPolicy(legacy.upn(), Set.of("openid", "profile", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send"));
        ApiClient api = as("u-legacy");
        UUID id = OutlookSignInFlow.connect(api, legacy.upn()).connection();

        JsonNode connection = api.get("/api/v1/outlook/connections/" + id).json();
        assertFalse(connection.get("canAddSharedMailbox").asBoolean());
        assertTrue(connection.get("addSharedMailboxDisabledReason").asText().contains("reconnect to enable shared mailboxes"));
    }

    @Test
    void refusedConsentLeavesNoConnection() {
        DirectoryUser refuser = microsoftUser("refuser");
        tenant.refuseConsent(refuser.upn());
        ApiClient api = as("u-refuser");
        var landing = OutlookSignInFlow.connect(api, refuser.upn());
        assertEquals("CONSENT_DENIED", landing.error());
        assertEquals(0, api.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void aStateWorksOnceAndUnknownStatesAreRefused() {
        DirectoryUser bob = microsoftUser("bob");
        ApiClient api = as("u-bob");
        var started = OutlookSignInFlow.signInAtMicrosoft(api, bob.upn(), null);
        var browser = started.browser();
        var binding = browser.only();
        assertNotNull(OutlookSignInFlow.finish(api, started).connectionId());
        browser.put(binding.name(), binding.value(), binding.path());
        assertEquals("STATE_INVALID", OutlookSignInFlow.postBack(api, started.answer(), browser).error());

        var forged = new FormPostResponse(started.answer().action(), Map.of("code", started.answer().code(), "state", "made-up-state"));
        assertEquals("STATE_INVALID", OutlookSignInFlow.postBack(api, forged, browser).error());
        assertEquals(1, api.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void aCodeThatFailsLeavesNoConnection() {
        DirectoryUser carol = microsoftUser("carol");
        ApiClient api = as("u-carol");
        var started = OutlookSignInFlow.signInAtMicrosoft(api, carol.upn(), null);
        var tampered = new FormPostResponse(started.answer().action(), Map.of("code", "not-a-code", "state", started.answer().state()));
        assertEquals("SIGN_IN_FAILED", OutlookSignInFlow.postBack(api, tampered, started.browser()).error());
        assertEquals(0, api.get("/api/v1/outlook/connections").json().size());
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE workspace_id = ?", workspace.id));
    }

    @Test
    void theStartAnswerBindsTheSignInToThisBrowserWithAnHttpOnlyCookieOnlyTheCallbackSees() {
        DirectoryUser oscar = microsoftUser("oscar");
        ApiClient api = as("u-oscar");
        var started = OutlookSignInFlow.signInAtMicrosoft(api, oscar.upn(), null);
        var binding = started.browser().only();
        assertTrue(binding.name().startsWith("outlook_sign_in_"), binding.name());
        assertEquals(OutlookSignInFlow.CALLBACK, binding.path());
        assertTrue(binding.has("HttpOnly"), binding.toString());
        // The service's public base URL is https in the tests, as in production: Microsoft's cross-site form_post
        // carries only a SameSite=None cookie, and browsers keep those only when Secure.
        assertTrue(binding.has("Secure"), binding.toString());
        assertEquals("None", binding.attribute("SameSite"));
        assertEquals("600", binding.attribute("Max-Age"));
        assertEquals(43, binding.value().length(), "a 32-byte random secret, base64url");
        assertFalse(started.answer().state().contains(binding.value()));

        Object stored = Sql.single("SELECT browser_binding_hash FROM oauth_authorization WHERE state = ?", started.answer().state());
        assertNotNull(stored, "the started sign-in is kept");
        assertNotEquals(binding.value(), stored, "only the secret's hash is stored");
        assertEquals(0, Sql.count("SELECT count(*) FROM oauth_authorization WHERE browser_binding_hash = ? OR code_verifier = ?",
                binding.value(), binding.value()));

        var landing = OutlookSignInFlow.finish(api, started);
        assertNotNull(landing.connectionId(), landing.location().toString());
        assertEquals(Set.of(), started.browser().names(), "the binding is cleared once the sign-in is over");
        assertEquals(1, api.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void someoneElsesSignInLinkCompletedInAnotherBrowserConnectsNothingSpendsNothingAndIsDeadAfterwards() {
        // Mallory starts a sign-in and sends the genuine Microsoft link to Alice; Alice signs in, in her own browser.
        DirectoryUser alice = microsoftUser("alice");
        ApiClient mallory = as("u-mallory");
        var started = OutlookSignInFlow.signInAtMicrosoft(mallory, alice.upn(), null);
        var alicesBrowser = new OutlookSignInFlow.CookieJar();

        var landing = OutlookSignInFlow.postBack(mallory, started.answer(), alicesBrowser);
        assertEquals("BROWSER_MISMATCH", landing.error(), landing.location().toString());
        assertNull(landing.connectionId());
        assertTrue(landing.description().contains("click Connect in Workestra yourself"), landing.description());
        assertNothingStoredFor(alice, "u-mallory");
        assertEquals(MICROSOFT_PKCE_MISMATCH, redeemingWithAWrongVerifier(started.answer()),
                "Alice's code was never redeemed at Microsoft");

        // Mallory's own browser cannot finish it afterwards either: the sign-in was used up.
        assertEquals("STATE_INVALID", OutlookSignInFlow.finish(mallory, started).error());
        assertNothingStoredFor(alice, "u-mallory");
        assertEquals(0, mallory.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void aForgedBindingCookieIsAnotherBrowser() {
        DirectoryUser nina = microsoftUser("nina");
        ApiClient api = as("u-nina");
        var started = OutlookSignInFlow.signInAtMicrosoft(api, nina.upn(), null);
        var binding = started.browser().only();
        var tamperedBrowser = new OutlookSignInFlow.CookieJar();
        tamperedBrowser.put(binding.name(), binding.value().substring(1) + "A", binding.path());

        var landing = OutlookSignInFlow.postBack(api, started.answer(), tamperedBrowser);
        assertEquals("BROWSER_MISMATCH", landing.error(), landing.location().toString());
        assertNothingStoredFor(nina, "u-nina");
        assertEquals(MICROSOFT_PKCE_MISMATCH, redeemingWithAWrongVerifier(started.answer()));
        assertEquals("STATE_INVALID", OutlookSignInFlow.finish(api, started).error());
        assertNothingStoredFor(nina, "u-nina");
    }

    @Test
    void anAccountOfATenantTheWorkspaceDoesNotAllowIsRefusedAndNothingIsStored() {
        assertTrue(System.getenv("OUTLOOK_ALLOWED_TENANTS").contains(FABRIKAM_ONLY + ":"), "pom.xml limits " + FABRIKAM_ONLY);
        DirectoryUser quinn = microsoftUser("quinn");
        String userId = "u-quinn-" + suffix;
        ApiClient api = ApiClient.at(base).as(tokens.member(userId, userId + "@workestra.test", FABRIKAM_ONLY));

        var landing = OutlookSignInFlow.connect(api, quinn.upn());
        assertEquals("TENANT_NOT_ALLOWED", landing.error(), landing.location().toString());
        assertTrue(landing.description().contains("ask your Workestra administrator to allow this organisation"), landing.description());
        assertEquals(0, api.get("/api/v1/outlook/connections").json().size());
        assertNothingStoredFor(quinn, userId);
    }

    @Test
    void anAccountOfAnAllowedTenantConnects() {
        assertTrue(System.getenv("OUTLOOK_ALLOWED_TENANTS").contains(CONTOSO_ONLY + ":" + tenantId()), "pom.xml limits " + CONTOSO_ONLY);
        DirectoryUser rosa = microsoftUser("rosa");
        String userId = "u-rosa-" + suffix;
        ApiClient api = ApiClient.at(base).as(tokens.member(userId, userId + "@workestra.test", CONTOSO_ONLY));

        UUID id = OutlookSignInFlow.connect(api, rosa.upn()).connection();
        assertEquals(id.toString(), api.get("/api/v1/outlook/connections").json().get(0).get("id").asText());
    }

    @Test
    void expiredSignInsArePurgedWhenTheNextSignInStarts() {
        ApiClient api = as("u-sam");
        var abandoned = OutlookSignInFlow.signInAtMicrosoft(api, microsoftUser("sam").upn(), null);
        String state = abandoned.answer().state();
        assertEquals(1, Sql.count("SELECT count(*) FROM oauth_authorization WHERE state = ?", state));
        controls.advanceClock(Duration.ofMinutes(11));
        try {
            var next = OutlookSignInFlow.start(as("u-tess"), new OutlookSignInFlow.CookieJar(), null);
            assertEquals(201, next.status(), next.body());
            assertEquals(0, Sql.count("SELECT count(*) FROM oauth_authorization WHERE state = ?", state), "the expired sign-in is gone");
            assertEquals(1, Sql.count("SELECT count(*) FROM oauth_authorization WHERE user_id = 'u-tess' AND workspace_id = ?", workspace.id));
            assertEquals("STATE_INVALID", OutlookSignInFlow.finish(api, abandoned).error());
        } finally {
            controls.backToRealTime();
        }
    }

    @Test
    void openApiDescribesTheBindingCookieAndTheCallbacksErrorCodes() {
        var reply = ApiClient.at(base).send(ApiClient.at(base).request("/openapi").header("Accept", "application/json").GET());
        assertEquals(200, reply.status());
        JsonNode paths = reply.json().get("paths");
        JsonNode cookie = paths.get("/api/v1/outlook/authorizations").get("post").get("responses").get("201").get("headers").get("Set-Cookie");
        assertNotNull(cookie, paths.get("/api/v1/outlook/authorizations").toString());
        for (String attribute : List.of("HttpOnly", "Path=/api/v1/outlook/callback", "Secure", "SameSite=None", "SameSite=Lax")) {
            assertTrue(cookie.get("description").asText().contains(attribute), attribute + " in " + cookie);
        }
        for (String method : List.of("get", "post")) {
            JsonNode seeOther = paths.get("/api/v1/outlook/callback").get(method).get("responses").get("303");
            assertNotNull(seeOther, method + " " + paths.get("/api/v1/outlook/callback"));
            for (String code : List.of("BROWSER_MISMATCH", "TENANT_NOT_ALLOWED", "STATE_INVALID", "STATE_EXPIRED", "CONSENT_DENIED",
                    "AUTHORIZATION_FAILED", "SIGN_IN_FAILED", "OUTLOOK_NOT_CONFIGURED")) {
                assertTrue(seeOther.get("description").asText().contains(code), method + " names " + code);
            }
            assertNotNull(seeOther.get("headers").get("Set-Cookie"), method + " says it clears the cookie");
        }
    }

    /** Nothing of the Microsoft account reached the service: no connection, no mailbox, no audit event for the user. */
    private void assertNothingStoredFor(DirectoryUser account, String userId) {
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE user_id = ? OR microsoft_oid = ?", userId, account.oid()));
        assertEquals(0, Sql.count("SELECT count(*) FROM mailbox WHERE address = ?", account.upn().toLowerCase()));
        assertEquals(0, Sql.count("SELECT count(*) FROM audit_event WHERE user_id = ?", userId));
    }

    /**
     * Presents Microsoft's code at Microsoft's token endpoint with a verifier that cannot match. An unspent code fails
     * on PKCE (AADSTS501481) and stays unspent; a code the service already redeemed fails as redeemed (AADSTS54005).
     */
    private int redeemingWithAWrongVerifier(FormPostResponse answer) {
        var emulator = IntegrationEnvironment.emulator();
        String form = "grant_type=authorization_code&client_id=" + enc(emulator.clientId()) + "&client_secret=" + enc(emulator.clientSecret())
                + "&code=" + enc(answer.code()) + "&redirect_uri=" + enc(answer.action())
                + "&code_verifier=" + "x".repeat(43) + "&scope=" + enc("openid offline_access");
        HttpClient http = HttpClient.newBuilder().sslContext(emulator.clientSslContext()).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/" + emulator.tenantId()
                                    + "/oauth2/v2.0/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return ApiClient.JSON.readTree(reply.body()).get("error_codes").get(0).asInt();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String tenantId() {
        return IntegrationEnvironment.emulator().tenantId();
    }

    @Test
    void signingInAgainAfterAUpnRenameUpdatesTheSameConnection() {
        DirectoryUser dana = microsoftUser("dana");
        ApiClient api = as("u-dana");
        UUID id = OutlookSignInFlow.connect(api, dana.upn()).connection();
        String renamed = "dana.renamed-" + suffix + "@contoso.test";
        tenant.renameUser(dana.oid(), renamed);

        UUID again = OutlookSignInFlow.connect(api, renamed, id).connection();
        assertEquals(id, again);
        JsonNode list = api.get("/api/v1/outlook/connections").json();
        assertEquals(1, list.size());
        assertEquals(renamed.toLowerCase(), list.get(0).get("address").asText());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'RECONNECTED'", id));
    }

    @Test
    void aDifferentMicrosoftAccountCreatesASeparateConnection() {
        ApiClient api = as("u-erin");
        UUID first = OutlookSignInFlow.connect(api, microsoftUser("erin").upn()).connection();
        UUID second = OutlookSignInFlow.connect(api, microsoftUser("erin-other").upn()).connection();
        assertFalse(first.equals(second));
        assertEquals(2, api.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void aRevokedSignInPutsTheConnectionInErrorAndReconnectingClearsIt() {
        DirectoryUser frank = microsoftUser("frank");
        ApiClient api = as("u-frank");
        UUID id = OutlookSignInFlow.connect(api, frank.upn()).connection();
        tenant.revokeTokens(frank.upn());

        var refused = api.post("/api/v1/outlook/connections/" + id + "/shared-mailboxes", "{\"address\":\"support-" + suffix + "@contoso.test\"}");
        assertEquals(409, refused.status(), refused.body());
        assertEquals("RECONNECT_REQUIRED", refused.json().get("code").asText());
        JsonNode health = api.get("/api/v1/outlook/connections/" + id).json().get("health");
        assertEquals("error", health.get("badge").asText());
        assertEquals("RECONNECT_REQUIRED", health.get("error").get("code").asText());
        assertTrue(health.get("error").get("message").asText().contains("Reconnect your Outlook account"));

        assertEquals(id, OutlookSignInFlow.connect(api, frank.upn(), id).connection());
        JsonNode recovered = api.get("/api/v1/outlook/connections/" + id).json().get("health");
        assertTrue(recovered.get("error").isNull(), "reconnecting clears the error at once: " + recovered);
        assertFalse("error".equals(recovered.get("badge").asText()), recovered.toString());
        JsonNode synced = await(api, id, "healthy");
        assertEquals("healthy", synced.get("health").get("badge").asText(), "and the connection syncs again: " + synced);
    }

    @Test
    void tokensAreStoredEncryptedAndRotatedRefreshTokensArePersisted() {
        DirectoryUser gina = microsoftUser("gina");
        tenant.setAccessTokenLifetime(gina.upn(), IntegrationEnvironment.SHORT_ACCESS_TOKEN_LIFETIME);
        ApiClient api = as("u-gina");
        // Held: no sync refreshes the token behind the test's back, so only the probe below can have rotated it.
        controls.holdBackgroundWork();
        try {
            UUID id = OutlookSignInFlow.connect(api, gina.upn()).connection();
            byte[] before = (byte[]) Sql.single("SELECT token_cache FROM outlook_connection WHERE id = ?", id);
            String visible = new String(before, StandardCharsets.ISO_8859_1);
            // Markers long enough never to turn up in random ciphertext by chance (a bare "eyJ" did, once in a few thousand runs).
            assertFalse(visible.contains("refresh_token") || visible.contains("RefreshToken") || visible.contains("eyJ0eXAiOi")
                    || visible.contains("eyJhbGciOi") || visible.contains(gina.upn()), "token column must hold ciphertext only");
            assertEquals("k1", Sql.single("SELECT token_key_id FROM outlook_connection WHERE id = ?", id));
            assertArrayEquals(before, (byte[]) Sql.single("SELECT token_cache FROM outlook_connection WHERE id = ?", id),
                    "nothing touched the tokens meanwhile");

            // A Graph call (the shared-mailbox probe) refreshes the short-lived access token; Microsoft rotates the refresh token.
            tenant.createSharedMailbox("probe-" + suffix + "@contoso.test", "Probe");
            api.post("/api/v1/outlook/connections/" + id + "/shared-mailboxes", "{\"address\":\"probe-" + suffix + "@contoso.test\"}");
            byte[] after = (byte[]) Sql.single("SELECT token_cache FROM outlook_connection WHERE id = ?", id);
            assertFalse(java.util.Arrays.equals(before, after), "the rotated tokens are written back");
            String body = api.get("/api/v1/outlook/connections").body();
            assertFalse(body.contains("token") || body.contains("eyJ"), body);
        } finally {
            controls.releaseBackgroundWork();
        }
    }

    @Test
    void disconnectRemovesTheConnectionButKeepsTheMailboxAndItsHistory() {
        DirectoryUser hugo = microsoftUser("hugo");
        ApiClient api = as("u-hugo");
        UUID id = OutlookSignInFlow.connect(api, hugo.upn()).connection();
        Object mailboxId = Sql.single("SELECT mailbox_id FROM outlook_connection WHERE id = ?", id);

        assertEquals(204, api.delete("/api/v1/outlook/connections/" + id).status());
        assertEquals(0, api.get("/api/v1/outlook/connections").json().size());
        assertEquals(404, api.get("/api/v1/outlook/connections/" + id).status());
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE id = ?", id));
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox WHERE id = ?", mailboxId));
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox_access WHERE mailbox_id = ? AND revoked_at IS NOT NULL", mailboxId),
                "the access ended: what arrived before stays readable, nothing later");
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'DISCONNECTED'", id));
    }

    @Test
    void deletingAPersonalRowCascadesToItsSharedRowsInTheDatabase() {
        DirectoryUser ivy = microsoftUser("ivy");
        String support = "support-" + suffix + "@contoso.test";
        tenant.createSharedMailbox(support, "Support");
        tenant.grantFullAccess(support, ivy.upn());
        ApiClient api = as("u-ivy");
        UUID parent = OutlookSignInFlow.connect(api, ivy.upn()).connection();
        var added = api.post("/api/v1/outlook/connections/" + parent + "/shared-mailboxes", "{\"address\":\"" + support + "\"}");
        assertEquals(201, added.status(), added.body());
        UUID child = UUID.fromString(added.json().get("id").asText());

        assertEquals(1, Sql.update("DELETE FROM outlook_connection WHERE id = ?", parent));
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE id = ?", child));
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE parent_id = ?", parent));
    }

    @Test
    void anotherUserOrWorkspaceCannotSeeOrTouchAConnection() {
        DirectoryUser jan = microsoftUser("jan");
        UUID id = OutlookSignInFlow.connect(as("u-jan"), jan.upn()).connection();
        ApiClient colleague = as("u-kim");
        ApiClient stranger = ApiClient.at(base).as(tokens.admin("u-jan", "jan@workestra.test", "w-other-" + suffix));

        for (ApiClient outsider : new ApiClient[]{colleague, stranger}) {
            assertEquals(404, outsider.get("/api/v1/outlook/connections/" + id).status());
            assertEquals(404, outsider.delete("/api/v1/outlook/connections/" + id).status());
            assertEquals(404, outsider.post("/api/v1/outlook/connections/" + id + "/sync", "").status());
            assertEquals(0, outsider.get("/api/v1/outlook/connections").json().size());
        }
        assertEquals(1, Sql.count("SELECT count(*) FROM outlook_connection WHERE id = ?", id));
    }

    @Test
    void returnUrlsOutsideTheServiceAreRefused() {
        var refused = as("u-lou").post("/api/v1/outlook/authorizations", "{\"returnUrl\":\"https://evil.example/steal\"}");
        assertEquals(400, refused.status());
        assertNull(refused.header("Location"));
        assertEquals("INVALID_REQUEST", refused.json().get("code").asText());
    }

    @Test
    void connectionIdsMustBeWellFormed() {
        assertEquals(404, as("u-max").get("/api/v1/outlook/connections/not-a-uuid").status());
        assertEquals(404, as("u-max").get("/api/v1/outlook/connections/" + UUID.randomUUID()).status());
    }
}

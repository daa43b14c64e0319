package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import com.workestra.sharedmailboxes.m365emulator.DirectoryUser;
import com.workestra.sharedmailboxes.m365emulator.Tenant;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 4: connect, reconnect and disconnect a personal Outlook account, end to end against the emulator. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConnectionsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ServiceDeployment.war();
    }

    @ArquillianResource
    URL base;

    Tenant tenant;
    WorkestraTokens tokens;
    String workspace;
    String suffix;
    ServiceControls controls;

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
        controls = new ServiceControls(base);
        tenant = IntegrationEnvironment.emulator().tenant();
        tokens = IntegrationEnvironment.tokens();
        suffix = UUID.randomUUID().toString().substring(0, 8);
        workspace = "w-" + suffix;
    }

    ApiClient as(String userId) {
        return ApiClient.at(base).as(tokens.member(userId, userId + "@workestra.test", workspace));
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
        var answer = OutlookSignInFlow.signInAtMicrosoft(api, bob.upn(), null);
        assertNotNull(OutlookSignInFlow.postBack(api, answer).connectionId());
        assertEquals("STATE_INVALID", OutlookSignInFlow.postBack(api, answer).error());

        var forged = new com.workestra.sharedmailboxes.m365emulator.FormPostResponse(answer.action(),
                java.util.Map.of("code", answer.code(), "state", "made-up-state"));
        assertEquals("STATE_INVALID", OutlookSignInFlow.postBack(api, forged).error());
        assertEquals(1, api.get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void aCodeThatFailsLeavesNoConnection() {
        DirectoryUser carol = microsoftUser("carol");
        ApiClient api = as("u-carol");
        var answer = OutlookSignInFlow.signInAtMicrosoft(api, carol.upn(), null);
        var tampered = new com.workestra.sharedmailboxes.m365emulator.FormPostResponse(answer.action(),
                java.util.Map.of("code", "not-a-code", "state", answer.state()));
        assertEquals("SIGN_IN_FAILED", OutlookSignInFlow.postBack(api, tampered).error());
        assertEquals(0, api.get("/api/v1/outlook/connections").json().size());
        assertEquals(0, Sql.count("SELECT count(*) FROM outlook_connection WHERE workspace_id = ?", workspace));
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
        ApiClient api = as("u-gina");
        // Held: no sync refreshes the token behind the test's back, so only the probe below can have rotated it.
        controls.holdBackgroundWork();
        try {
            UUID id = OutlookSignInFlow.connect(api, gina.upn()).connection();
            byte[] before = (byte[]) Sql.single("SELECT token_cache FROM outlook_connection WHERE id = ?", id);
            String visible = new String(before, StandardCharsets.ISO_8859_1);
            assertFalse(visible.contains("refresh_token") || visible.contains("RefreshToken") || visible.contains("eyJ")
                    || visible.contains(gina.upn()), "token column must hold ciphertext only");
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
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox_access WHERE mailbox_id = ? AND revoked_at IS NULL", mailboxId));
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

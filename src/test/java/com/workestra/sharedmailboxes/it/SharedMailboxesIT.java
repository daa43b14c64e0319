package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 5 without an app-only identity: adding, refusing, polling, health, removing; every troubleshooting entry. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SharedMailboxesIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ServiceDeployment.war();
    }

    @ArquillianResource
    URL base;

    TestWorkspace workspace;

    @BeforeEach
    void setUp() {
        workspace = new TestWorkspace(base);
    }

    @Test
    void addingASharedMailboxCreatesASharedRowThatPollsAndStartsNeverSynced() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID parent = alice.connect();

        var added = alice.addShared(parent, support.toUpperCase());
        assertEquals(201, added.status(), added.body());
        JsonNode row = added.json();
        assertEquals("shared", row.get("kind").asText());
        assertEquals(support, row.get("address").asText());
        assertEquals(parent.toString(), row.get("parentId").asText());
        assertEquals("polling", row.get("delivery").asText());
        assertTrue(row.get("deliveryNote").asText().contains("app-only identity"), row.toString());
        assertTrue(Set.of("never_synced", "healthy").contains(row.get("health").get("badge").asText()));
        assertFalse(row.get("canAddSharedMailbox").asBoolean());
        assertEquals(2, alice.api().get("/api/v1/outlook/connections").json().size());
        assertTrue(workspace.tenant.subscriptions().stream().noneMatch(s -> s.resource().toLowerCase().contains(support)),
                "a delegated subscription is never attempted on a shared mailbox");
        UUID id = UUID.fromString(row.get("id").asText());
        // Requested, or already claimed by the scheduler (started), or even finished.
        assertTrue(Sql.single("SELECT COALESCE(sync_requested_at, sync_started_at, last_sync_at) FROM outlook_connection WHERE id = ?", id)
                != null, "an initial sync is requested");
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox_access a JOIN mailbox m ON m.id = a.mailbox_id"
                + " WHERE m.address = ? AND a.user_id = ?", support, alice.userId()));
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'SHARED_MAILBOX_ADDED'", id));
    }

    @Test
    void thereIsNoCapOnSharedMailboxes() {
        Person bob = workspace.person("bob");
        UUID parent = bob.connect();
        for (int i = 0; i < 12; i++) {
            String mailbox = workspace.sharedMailbox("team" + i);
            workspace.tenant.grantFullAccess(mailbox, bob.microsoft().upn());
            bob.addSharedOk(parent, mailbox);
        }
        assertEquals(13, bob.api().get("/api/v1/outlook/connections").json().size());
    }

    @Test
    void refusalsCarryTheirCodesAndSentencesAndStoreNothing() {
        Person carol = workspace.person("carol");
        UUID parent = carol.connect();
        String noAccess = workspace.sharedMailbox("sales");
        String list = workspace.address("everyone");
        workspace.tenant.createDistributionList(list, "Everyone");

        assertProblem(carol.addShared(parent, "not an address"), 400, "INVALID_ADDRESS", "full email address");
        assertProblem(carol.addShared(parent, noAccess), 403, "MAILBOX_ACCESS_DENIED", "Microsoft rejected access to this mailbox");
        assertTrue(carol.addShared(parent, noAccess).json().get("detail").asText().contains("60 minutes"));
        assertProblem(carol.addShared(parent, workspace.address("nobody")), 404, "MAILBOX_NOT_FOUND", "Microsoft 365 could not find a mailbox at");
        assertProblem(carol.addShared(parent, list), 404, "MAILBOX_NOT_FOUND", "could not find a mailbox");

        assertEquals(1, carol.api().get("/api/v1/outlook/connections").json().size());
        assertEquals(0, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND kind = 'SHARED'", workspace.id));
    }

    @Test
    void aConnectionAuthorisedBeforeSharedAccessIsRefusedWithTheReconnectSentence() {
        Person dave = workspace.person("dave");
        workspace.tenant.setConsentPolicy(dave.microsoft().upn(), Set.of("openid", "profile", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send"));
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, dave.microsoft().upn());
        UUID parent = dave.connect();
        assertProblem(dave.addShared(parent, support), 409, "SHARED_SCOPES_MISSING",
                "This Outlook connection was authorised before shared-mailbox access was available");
    }

    @Test
    void addingTheSameMailboxTwiceIsRefusedWhateverTheCase() {
        Person erin = workspace.person("erin");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, erin.microsoft().upn());
        UUID parent = erin.connect();
        erin.addSharedOk(parent, support);
        assertProblem(erin.addShared(parent, support.toUpperCase()), 409, "ALREADY_CONNECTED", support);
    }

    @Test
    void theProbeRetriesThroughThrottlingAndServerErrors() {
        Person fay = workspace.person("fay");
        String busy = workspace.sharedMailbox("busy");
        workspace.tenant.grantFullAccess(busy, fay.microsoft().upn());
        UUID parent = fay.connect();
        workspace.tenant.failNext(busy, 2, 503);
        assertEquals(201, fay.addShared(parent, busy).status());

        String storm = workspace.sharedMailbox("storm");
        workspace.tenant.grantFullAccess(storm, fay.microsoft().upn());
        workspace.tenant.throttleNext(storm, 20, Duration.ofSeconds(1));
        var throttled = fay.addShared(parent, storm);
        assertProblem(throttled, 503, "THROTTLED", "throttling");
        assertEquals(0, Sql.count("SELECT count(*) FROM mailbox WHERE address = ?", storm));
    }

    @Test
    void twoPeopleAddTheSameMailboxIndependentlyAndOneRemovingLeavesTheOther() {
        Person gus = workspace.person("gus");
        Person hana = workspace.person("hana");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, gus.microsoft().upn());
        workspace.tenant.grantFullAccess(support, hana.microsoft().upn());
        UUID gusShared = gus.addSharedOk(gus.connect(), support);
        UUID hanaParent = hana.connect();
        UUID hanaShared = hana.addSharedOk(hanaParent, support);
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id, support));

        assertEquals(204, gus.api().delete("/api/v1/outlook/connections/" + gusShared).status());
        assertEquals(1, gus.api().get("/api/v1/outlook/connections").json().size(), "gus keeps his personal connection");
        assertEquals(hanaShared.toString(), hana.connection(hanaShared).get("id").asText());
        assertEquals(202, hana.api().post("/api/v1/outlook/connections/" + hanaShared + "/sync", "").status());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'SHARED_MAILBOX_REMOVED'", gusShared));
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox_access a JOIN mailbox m ON m.id = a.mailbox_id WHERE m.address = ? AND a.user_id = ?",
                support, gus.userId()), "gus can still read what he synced before");
    }

    @Test
    void disconnectingThePersonalConnectionRemovesItsSharedMailboxes() {
        Person ida = workspace.person("ida");
        String support = workspace.sharedMailbox("support");
        String sales = workspace.sharedMailbox("sales");
        workspace.tenant.grantFullAccess(support, ida.microsoft().upn());
        workspace.tenant.grantFullAccess(sales, ida.microsoft().upn());
        UUID parent = ida.connect();
        ida.addSharedOk(parent, support);
        ida.addSharedOk(parent, sales);

        assertEquals(204, ida.api().delete("/api/v1/outlook/connections/" + parent).status());
        assertEquals(0, ida.api().get("/api/v1/outlook/connections").json().size());
        assertEquals(2, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND kind = 'SHARED'", workspace.id), "history stays");
    }

    @Test
    void aParentInErrorTurnsItsSharedRowsRedAndTheyRecoverWhenItIsReconnected() {
        Person jon = workspace.person("jon");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, jon.microsoft().upn());
        UUID parent = jon.connect();
        UUID shared = jon.addSharedOk(parent, support);
        workspace.tenant.revokeTokens(jon.microsoft().upn());
        assertProblem(jon.addShared(parent, workspace.sharedMailbox("other")), 409, "RECONNECT_REQUIRED", "Reconnect");

        JsonNode health = jon.connection(shared).get("health");
        assertEquals("error", health.get("badge").asText());
        assertTrue(health.get("error").get("message").asText().contains("reconnect your Outlook connection"), health.toString());
        assertProblem(jon.addShared(parent, support), 409, "PARENT_NOT_HEALTHY", "reconnect");

        jon.reconnect(parent);
        assertFalse("error".equals(jon.badge(shared)), "the shared row recovers without being re-added");
        assertFalse("error".equals(jon.badge(parent)));
    }

    @Test
    void badgesFollowTheLastSuccessfulSync() {
        Person kai = workspace.person("kai");
        UUID parent = kai.connect();
        Sql.update("UPDATE outlook_connection SET last_sync_at = now() - interval '1 hour', sync_requested_at = NULL WHERE id = ?", parent);
        assertEquals("healthy", kai.badge(parent));
        Sql.update("UPDATE outlook_connection SET last_sync_at = now() - interval '26 hours' WHERE id = ?", parent);
        assertEquals("stale", kai.badge(parent));
        Sql.update("UPDATE outlook_connection SET error_code = 'MAILBOX_ACCESS_DENIED', error_message = 'Microsoft rejected access to this mailbox' WHERE id = ?", parent);
        JsonNode health = kai.connection(parent).get("health");
        assertEquals("error", health.get("badge").asText());
        assertEquals("Microsoft rejected access to this mailbox", health.get("error").get("message").asText());
    }

    @Test
    void theWebhookEchoesTheValidationTokenAndIgnoresForgedNotifications() {
        ApiClient anonymous = ApiClient.at(base);
        var handshake = anonymous.send(anonymous.request("/api/v1/graph/notifications?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20%3Cscript%3E")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, handshake.status());
        assertTrue(handshake.contentType().startsWith("text/plain"));
        assertEquals("Validation: Testing client application reachability <script>", handshake.body());
        assertEquals(200, anonymous.send(anonymous.request("/api/v1/graph/lifecycle?validationToken=abc")
                .POST(HttpRequest.BodyPublishers.noBody())).status());

        Person lea = workspace.person("lea");
        UUID parent = lea.connect();
        Sql.update("UPDATE outlook_connection SET sync_requested_at = NULL WHERE id = ?", parent);
        var forged = anonymous.post("/api/v1/graph/notifications", "{\"value\":[{\"subscriptionId\":\"" + UUID.randomUUID()
                + "\",\"clientState\":\"guess\",\"changeType\":\"created\",\"resource\":\"Users/x/Messages/y\"}]}");
        assertEquals(202, forged.status());
        assertEquals(202, anonymous.post("/api/v1/graph/notifications", "not json").status());
        assertEquals(null, Sql.single("SELECT sync_requested_at FROM outlook_connection WHERE id = ?", parent));
        assertTrue(anonymous.request("/metrics").build() != null);
        String metrics = anonymous.send(anonymous.request("/metrics?scope=application").header("Accept", "text/plain").GET()).body();
        assertTrue(metrics.contains("webhook_notifications_total") && metrics.contains("ignored"), metrics);
    }

    static void assertProblem(ApiClient.Reply reply, int status, String code, String sentence) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"));
        assertEquals(code, reply.json().get("code").asText(), reply.body());
        assertTrue(reply.json().get("detail").asText().contains(sentence), reply.body());
    }
}

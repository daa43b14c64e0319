package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 5 without an app-only identity: adding, refusing, polling, health, removing; every troubleshooting entry. */
class SharedMailboxesIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @AfterEach
    void releaseBackgroundWork() {
        controls.releaseBackgroundWork();
    }

    @Test
    void addingASharedMailboxCreatesAPolledSharedRowThatShowsNeverSyncedUntilItsFirstSyncMakesItHealthy() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID parent = alice.connect();

        // Background work held: the row is looked at before any sync can have run.
        controls.holdBackgroundWork();
        UUID id;
        try {
            var added = alice.addShared(parent, support.toUpperCase());
            assertEquals(201, added.status(), added.body());
            JsonNode row = added.json();
            id = UUID.fromString(row.get("id").asText());
            assertEquals("shared", row.get("kind").asText());
            assertEquals(support, row.get("address").asText());
            assertEquals(parent.toString(), row.get("parentId").asText());
            assertEquals("polling", row.get("delivery").asText());
            assertTrue(row.get("deliveryNote").asText().contains("app-only identity"), row.toString());
            assertEquals("never_synced", row.get("health").get("badge").asText(), row.toString());
            assertTrue(row.get("health").get("lastSyncAt").isNull(), row.toString());
            assertFalse(row.get("canAddSharedMailbox").asBoolean());
            assertEquals(2, alice.api().get("/api/v1/outlook/connections").json().size());
            assertTrue(workspace.tenant.subscriptions().stream().noneMatch(s -> s.resource().toLowerCase().contains(support)),
                    "a delegated subscription is never attempted on a shared mailbox");
            assertEquals("INITIAL", Sql.single("SELECT reason FROM sync_state WHERE connection_id = ? AND requested_at IS NOT NULL", id),
                    "an initial sync is requested");
            assertEquals(1, Sql.count("SELECT count(*) FROM mailbox_access a JOIN mailbox m ON m.id = a.mailbox_id"
                    + " WHERE m.address = ? AND a.user_id = ?", support, alice.userId()));
            assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE connection_id = ? AND action = 'SHARED_MAILBOX_ADDED'", id));
            assertEquals("never_synced", alice.badge(id), "nothing has synced it yet");
        } finally {
            controls.releaseBackgroundWork();
        }

        JsonNode synced = alice.awaitConnection(id, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("healthy", badge(synced), "the first sync turns it Healthy: " + synced);
        assertFalse(synced.get("health").get("lastSyncAt").isNull(), synced.toString());
    }

    @Test
    void aSharedRowCarriesTheNameMicrosoftGivesTheMailboxOrItsAddressWhenTheTokenMayNotReadTheDirectory() {
        Person hal = workspace.person("hal");
        String support = workspace.address("support");
        workspace.tenant.createSharedMailbox(support, "Contoso Support");
        workspace.tenant.grantFullAccess(support, hal.microsoft().upn());
        UUID parent = hal.connect();
        UUID row = hal.addSharedOk(parent, support);
        assertEquals("Contoso Support", hal.connection(row).get("displayName").asText(),
                "the mailbox's directory name, read with User.ReadBasic.All");

        // Consented to everything but User.ReadBasic.All: Graph answers GET /users/{address} with 403, the add still works.
        Person ivy = workspace.person("ivy");
        workspace.tenant.setConsentPolicy(ivy.microsoft().upn(), Set.of("openid", "profile", "offline_access", "User.Read",
                "Mail.ReadWrite", "Mail.Send", "Mail.Read.Shared", "Mail.ReadWrite.Shared", "Mail.Send.Shared"));
        String desk = workspace.sharedMailbox("desk");
        workspace.tenant.grantFullAccess(desk, ivy.microsoft().upn());
        workspace.tenant.grantFullAccess(support, ivy.microsoft().upn());
        UUID ivyParent = ivy.connect();
        UUID deskRow = ivy.addSharedOk(ivyParent, desk);
        assertEquals(desk, ivy.connection(deskRow).get("displayName").asText(), "no name from Microsoft: the address");
        UUID ivySupport = ivy.addSharedOk(ivyParent, support);
        assertEquals("Contoso Support", ivy.connection(ivySupport).get("displayName").asText(),
                "a name the workspace already learnt is not replaced by the address");
    }

    @Test
    void aNameChangedAtMicrosoftReachesTheRowWithTheFirstSyncAfterTheDisplayNameInterval() {
        Person jo = workspace.person("jo");
        String desk = workspace.address("helpdesk");
        workspace.tenant.createSharedMailbox(desk, "Help Desk");
        workspace.tenant.grantFullAccess(desk, jo.microsoft().upn());
        UUID parent = jo.connect();
        UUID row = jo.addSharedOk(parent, desk);
        JsonNode first = jo.awaitConnection(row, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("Help Desk", first.get("displayName").asText());

        workspace.tenant.changeDisplayName(desk, "Contoso Help Desk");
        String before = first.get("health").get("lastSyncAt").asText();
        assertEquals(202, jo.api().post("/api/v1/outlook/connections/" + row + "/sync", "").status());
        JsonNode soon = jo.awaitConnection(row, view -> !before.equals(view.get("health").get("lastSyncAt").asText()), WAIT);
        assertEquals("Help Desk", soon.get("displayName").asText(), "asked at the add: not again within sync.display-name-interval");
        try {
            controls.advanceClock(Duration.ofHours(13));
            assertEquals(202, jo.api().post("/api/v1/outlook/connections/" + row + "/sync", "").status());
            JsonNode renamed = jo.awaitConnection(row, view -> "Contoso Help Desk".equals(view.get("displayName").asText()), WAIT);
            assertEquals(desk, renamed.get("address").asText());
        } finally {
            controls.backToRealTime();
        }
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
        // Held: the add below is the first to meet the revoked sign-in (a sync of jon's meeting it first marks the parent,
        // and the add then answers PARENT_NOT_HEALTHY, as the next step shows).
        controls.holdBackgroundWork();
        try {
            workspace.tenant.revokeTokens(jon.microsoft().upn());
            assertProblem(jon.addShared(parent, workspace.sharedMailbox("other")), 409, "RECONNECT_REQUIRED", "Reconnect");

            JsonNode health = jon.connection(shared).get("health");
            assertEquals("error", health.get("badge").asText());
            assertTrue(health.get("error").get("message").asText().contains("reconnect your Outlook connection"), health.toString());
            assertProblem(jon.addShared(parent, support), 409, "PARENT_NOT_HEALTHY", "reconnect");
        } finally {
            controls.releaseBackgroundWork();
        }

        jon.reconnect(parent);
        JsonNode recovered = jon.awaitConnection(shared, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("healthy", badge(recovered), "the shared row recovers without being re-added: " + recovered);
        assertTrue(recovered.get("health").get("error").isNull(), recovered.toString());
        assertEquals("healthy", badge(jon.awaitConnection(parent, view -> "healthy".equals(badge(view)), WAIT)));
    }

    @Test
    void aGrantThatHasNotPropagatedYetIsRefusedAndAddingAgainWorksOnceItHas() {
        Person mia = workspace.person("mia");
        String support = workspace.sharedMailbox("support");
        UUID parent = mia.connect();
        Duration propagation = Duration.ofSeconds(6);
        workspace.tenant.setPermissionPropagationDelay(propagation);
        try {
            long granted = System.nanoTime();
            workspace.tenant.grantFullAccess(support, mia.microsoft().upn());
            var tooEarly = mia.addShared(parent, support);
            assertProblem(tooEarly, 403, "MAILBOX_ACCESS_DENIED", "Microsoft rejected access to this mailbox");
            assertTrue(tooEarly.json().get("detail").asText().contains("60 minutes"), tooEarly.body());
            assertEquals(0, Sql.count("SELECT count(*) FROM mailbox WHERE address = ?", support), "a refusal stores nothing");

            // What the sentence tells the person to do: try again, until Exchange has propagated the grant.
            var added = Await.until("adding " + support + " once the grant has propagated", () -> mia.addShared(parent, support),
                    reply -> reply.status() != 403, Duration.ofSeconds(60));
            assertEquals(201, added.status(), added.body());
            assertTrue(System.nanoTime() - granted >= propagation.toNanos(), "not before Exchange propagated the grant");
            UUID shared = UUID.fromString(added.json().get("id").asText());
            assertEquals("healthy", badge(mia.awaitConnection(shared, view -> "healthy".equals(badge(view)), WAIT)));
        } finally {
            workspace.tenant.setPermissionPropagationDelay(Duration.ZERO);
        }
    }

    @Test
    void badgesFollowTheLastSuccessfulSyncAndExchangeRefusingTheMailboxTurnsItsRowRed() {
        Person kai = workspace.person("kai");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, kai.microsoft().upn());
        UUID parent = kai.connect();
        UUID shared = kai.addSharedOk(parent, support);
        JsonNode first = kai.awaitConnection(parent, view -> "healthy".equals(badge(view)), WAIT);
        assertEquals("healthy", badge(first), "a real first sync: " + first);
        assertEquals("healthy", badge(kai.awaitConnection(shared, view -> "healthy".equals(badge(view)), WAIT)));
        try {
            // 26 hours pass without a sync (background work held): both rows are late.
            controls.holdBackgroundWork();
            controls.advanceClock(Duration.ofHours(26));
            JsonNode late = kai.connection(parent);
            assertEquals("stale", badge(late), late.toString());
            assertTrue(late.get("health").get("error").isNull(), late.toString());
            assertEquals("stale", kai.badge(shared));

            // Sync now: the row is due now (a late row already is: requests coalesce); the run makes it Healthy again.
            assertEquals(202, kai.api().post("/api/v1/outlook/connections/" + parent + "/sync", "").status());
            assertEquals(1, Sql.count("SELECT count(*) FROM sync_state WHERE connection_id = ? AND requested_at <= ?", parent,
                    java.sql.Timestamp.from(controls.now())), "due now");
            assertEquals("stale", kai.badge(parent), "until the sync has run");
            controls.releaseBackgroundWork();
            JsonNode again = kai.awaitConnection(parent, view -> "healthy".equals(badge(view)), WAIT);
            assertEquals("healthy", badge(again), again.toString());
            assertTrue(Instant.parse(again.get("health").get("lastSyncAt").asText())
                    .isAfter(Instant.parse(first.get("health").get("lastSyncAt").asText()).plus(Duration.ofHours(25))), again.toString());

            // The Exchange admin removes kai's Full Access: the shared row's next sync is refused and it turns red.
            workspace.tenant.revokeFullAccess(support, kai.microsoft().upn());
            assertEquals(202, kai.api().post("/api/v1/outlook/connections/" + shared + "/sync", "").status());
            JsonNode red = kai.awaitConnection(shared, view -> "error".equals(badge(view)), WAIT);
            JsonNode health = red.get("health");
            assertEquals("error", health.get("badge").asText(), red.toString());
            assertEquals("MAILBOX_ACCESS_DENIED", health.get("error").get("code").asText());
            assertEquals("Microsoft rejected access to this mailbox", health.get("error").get("message").asText());
            assertEquals("healthy", kai.badge(parent), "the personal connection is not affected");
        } finally {
            controls.backToRealTime();
        }
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

        // lea's personal mailbox has a real subscription; once her first sync is done her next sync is scheduled.
        Person lea = workspace.person("lea");
        UUID parent = lea.connect();
        assertEquals("healthy", badge(lea.awaitConnection(parent, view -> "healthy".equals(badge(view)), WAIT)));
        String subscriptionId = (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);
        String clientState = workspace.tenant.subscriptions().stream().filter(s -> s.id().equals(subscriptionId)).findFirst()
                .orElseThrow(() -> new AssertionError("no subscription " + subscriptionId + " at Microsoft")).clientState();
        Metrics before = Metrics.of(anonymous);
        controls.holdBackgroundWork();
        try {
            String scheduled = dueState(parent);
            assertEquals(202, anonymous.post("/api/v1/graph/notifications", notification(subscriptionId, "guess")).status());
            assertEquals(202, anonymous.post("/api/v1/graph/notifications", notification(UUID.randomUUID().toString(), clientState)).status());
            assertEquals(202, anonymous.post("/api/v1/graph/notifications", "not json").status());
            assertEquals(scheduled, dueState(parent), "a wrong clientState, an unknown subscription and garbage mark nothing due");
            Metrics after = Metrics.of(anonymous);
            Map<String, String> ignored = Map.of("outcome", "ignored");
            assertTrue(after.value("webhook_notifications_total", ignored) - before.value("webhook_notifications_total", ignored) >= 3,
                    "counted as ignored: " + after);

            // The same notification with the subscription's own clientState is acted upon: the mailbox is due now.
            assertEquals(202, anonymous.post("/api/v1/graph/notifications", notification(subscriptionId, clientState)).status());
            assertEquals("WEBHOOK", Sql.single("SELECT reason FROM sync_state WHERE connection_id = ? AND requested_at <= now()", parent));

            // The server now knows the subscription (it keeps what notifications are checked against): a wrong
            // clientState is still ignored, not accepted for the subscription it names.
            Metrics known = Metrics.of(anonymous);
            assertEquals(202, anonymous.post("/api/v1/graph/notifications", notification(subscriptionId, clientState + "x")).status());
            Metrics afterGuess = Metrics.of(anonymous);
            assertEquals(known.value("webhook_notifications_total", ignored) + 1, afterGuess.value("webhook_notifications_total", ignored),
                    "counted as ignored: " + afterGuess);
        } finally {
            controls.releaseBackgroundWork();
        }
    }

    private static String notification(String subscriptionId, String clientState) {
        return "{\"value\":[{\"subscriptionId\":\"" + subscriptionId + "\",\"clientState\":\"" + clientState
                + "\",\"changeType\":\"created\",\"resource\":\"Users/x/Messages/y\"}]}";
    }

    /** When the connection's next sync is due and why (what a notification would change). */
    private static String dueState(UUID connection) {
        return String.valueOf(Sql.single("SELECT requested_at::text || ' ' || COALESCE(reason, '-') FROM sync_state"
                + " WHERE connection_id = ?", connection));
    }

    static String badge(JsonNode view) {
        return view.get("health").get("badge").asText();
    }

    static void assertProblem(ApiClient.Reply reply, int status, String code, String sentence) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/problem+json"));
        assertEquals(code, reply.json().get("code").asText(), reply.body());
        assertTrue(reply.json().get("detail").asText().contains(sentence), reply.body());
    }
}

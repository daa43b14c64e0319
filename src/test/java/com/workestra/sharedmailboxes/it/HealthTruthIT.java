package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.m365emulator.NotificationStats;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionView;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.List;
import java.util.UUID;

import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitCurrent;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitMessage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.encode;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.syncNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health tells the truth against Microsoft's real token lifetimes (access tokens live an hour here, as at Microsoft):
 * a revoked sign-in turns red within one sync, a legacy connection keeps syncing through refreshes, a mailbox whose
 * syncs keep failing shows Stale with the reason, and a delta link Graph no longer takes restarts its folder.
 */
class HealthTruthIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @AfterEach
    void backToRealTimeWithBackgroundWorkReleased() {
        controls.backToRealTime();
    }

    @Test
    void revokedSessionsTurnThePersonalRowAndItsSharedRowsRedWithinOneSyncAndReconnectingHealsBoth() {
        Person dave = workspace.person("dave");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, dave.microsoft().upn());
        UUID personal = dave.connect();
        UUID shared = dave.addSharedOk(personal, support);
        awaitCurrent(dave, personal);
        awaitCurrent(dave, shared);
        int refreshesBefore = workspace.tenant.refreshTokenRedemptions(dave.microsoft().upn());

        // The service holds an access token valid for about an hour; Microsoft now refuses it (continuous access evaluation).
        workspace.tenant.revokeTokens(dave.microsoft().upn());
        syncNow(dave, personal);

        JsonNode red = dave.awaitConnection(personal, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("error", red.get("health").get("badge").asText(), red.toString());
        assertEquals("RECONNECT_REQUIRED", red.get("health").get("error").get("code").asText());
        assertTrue(red.get("health").get("error").get("message").asText().contains("Reconnect your Outlook account"), red.toString());
        JsonNode sharedRow = dave.connection(shared);
        assertEquals("error", sharedRow.get("health").get("badge").asText(), sharedRow.toString());
        assertEquals("PARENT_NOT_HEALTHY", sharedRow.get("health").get("error").get("code").asText());
        assertEquals(refreshesBefore, workspace.tenant.refreshTokenRedemptions(dave.microsoft().upn()),
                "the revoked refresh token was refused, never redeemed");

        assertEquals(personal, dave.reconnect(personal));
        syncNow(dave, personal);
        syncNow(dave, shared);
        awaitCurrent(dave, personal);
        awaitCurrent(dave, shared);
    }

    @Test
    void aLegacyConnectionKeepsSyncingPersonalMailThroughHoursOfRefreshes() {
        Person carol = workspace.person("carol");
        workspace.tenant.setConsentPolicy(carol.microsoft().upn(),
                Set.of("openid", "profile", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send"));
        workspace.tenant.setAccessTokenLifetime(carol.microsoft().upn(), IntegrationEnvironment.SHORT_ACCESS_TOKEN_LIFETIME);
        UUID personal = carol.connect();
        JsonNode row = awaitCurrent(carol, personal);
        assertFalse(row.get("canAddSharedMailbox").asBoolean());
        assertTrue(row.get("addSharedMailboxDisabledReason").asText().contains("authorised before shared-mailbox access"), row.toString());
        int refreshesBefore = workspace.tenant.refreshTokenRedemptions(carol.microsoft().upn());

        String address = carol.microsoft().upn().toLowerCase();
        for (int hour = 2; hour <= 8; hour += 2) {
            controls.advanceClock(Duration.ofHours(2));
            workspace.tenant.deliver(address, "customer@example.com", "Legacy check hour " + hour, "Still here?");
            syncNow(carol, personal);
            awaitMessage(carol, "q=" + encode("Legacy check hour " + hour), message -> true);
            JsonNode view = carol.connection(personal);
            assertEquals("healthy", view.get("health").get("badge").asText(), view.toString());
        }
        assertTrue(workspace.tenant.refreshTokenRedemptions(carol.microsoft().upn()) >= refreshesBefore + 4,
                "each sync refreshed the short-lived token with the scopes carol granted");
        JsonNode after = carol.connection(personal);
        assertFalse(after.get("canAddSharedMailbox").asBoolean());
        assertTrue(after.get("health").get("error").isNull(), after.toString());
    }

    @Test
    void aMailboxWhoseSyncsKeepFailingShowsStaleWithTheReasonAndRecoversByItself() {
        Person erin = workspace.person("erin");
        UUID personal = erin.connect();
        awaitCurrent(erin, personal);
        String address = erin.microsoft().upn().toLowerCase();

        // Microsoft throttles every request to the mailbox, for as long as it takes.
        workspace.tenant.throttleNext(address, 100_000, Duration.ofSeconds(1));
        syncNow(erin, personal);
        JsonNode failing = erin.awaitConnection(personal, view -> !view.get("sync").get("lastTransientFailure").isNull(), WAIT);
        assertTrue(failing.get("sync").get("lastTransientFailure").asText().contains("throttling"), failing.toString());
        assertEquals("healthy", failing.get("health").get("badge").asText(), "a short outage is not yet worth a badge");

        controls.holdBackgroundWork();
        controls.advanceClock(Duration.ofMinutes(31));
        JsonNode stale = erin.connection(personal);
        assertEquals("stale", stale.get("health").get("badge").asText(), stale.toString());
        assertEquals("SYNC_FAILING", stale.get("health").get("error").get("code").asText());
        String sentence = stale.get("health").get("error").get("message").asText();
        assertTrue(sentence.startsWith("Syncing has failed since") && sentence.contains("throttling") && sentence.contains("Sync now"),
                sentence);
        long staleCounted = staleInReadiness();
        assertTrue(staleCounted >= 1, "the operators' count (in SQL) agrees with the row: " + staleCounted);

        workspace.tenant.clearFaults(address);
        controls.releaseBackgroundWork();
        syncNow(erin, personal);
        JsonNode recovered = awaitCurrent(erin, personal);
        assertTrue(recovered.get("health").get("error").isNull(), recovered.toString());
    }

    @Test
    void microsoftDownAndAThrottlingStormLoseNothingShowTheTransientStateAndRecoverByThemselves() {
        Person hana = workspace.person("hana");
        String support = workspace.sharedMailbox("storm");
        workspace.tenant.grantFullAccess(support, hana.microsoft().upn());
        UUID personal = hana.connect();
        UUID shared = hana.addSharedOk(personal, support);
        awaitCurrent(hana, personal);
        awaitCurrent(hana, shared);
        String own = hana.microsoft().upn().toLowerCase();
        NotificationStats before = workspace.tenant.notificationStats();
        // This server's endpoint only (where hana's subscriptions post): an earlier test class's server, stopped, may
        // still see Graph's retries fail.
        String endpoint = Await.until("hana's subscription at Microsoft", () -> workspace.tenant.subscriptions().stream()
                .filter(view -> view.mailbox().equalsIgnoreCase(own)).map(SubscriptionView::notificationUrl).findFirst()
                .orElse(null), url -> url != null, WAIT);
        long failedBefore = workspace.tenant.failedNotificationAttemptsAt(endpoint);

        // Microsoft answers every request to Hana's own mailbox with 503 and throttles every request to the shared one.
        workspace.tenant.failNext(own, 100_000, 503);
        workspace.tenant.throttleNext(support, 100_000, Duration.ofSeconds(2));
        String outage = "During the outage " + workspace.suffix;
        String storm = "During the storm " + workspace.suffix;
        try {
            workspace.tenant.deliver(own, "customer@example.com", outage, "Hello");
            workspace.tenant.deliver(support, "customer@example.com", storm, "Hello");
            syncNow(hana, shared);
            // The change notification for her own mailbox still wakes a sync (the webhook answers); both rows say what
            // is going on without turning red.
            for (UUID row : List.of(personal, shared)) {
                JsonNode failing = hana.awaitConnection(row, view -> !view.get("sync").get("lastTransientFailure").isNull(), WAIT);
                assertEquals("healthy", failing.get("health").get("badge").asText(), failing.toString());
            }
            assertTrue(hana.connection(personal).get("sync").get("lastTransientFailure").asText().contains("503"),
                    hana.connection(personal).toString());
            assertTrue(hana.connection(shared).get("sync").get("lastTransientFailure").asText().contains("throttling"),
                    hana.connection(shared).toString());

            // Half an hour of it (on the service's clock): the retries keep failing, both rows show Stale with the reason.
            controls.advanceClock(Duration.ofMinutes(31));
            for (UUID row : List.of(personal, shared)) {
                JsonNode stale = hana.awaitConnection(row, view -> "stale".equals(view.get("health").get("badge").asText()), WAIT);
                assertEquals("SYNC_FAILING", stale.get("health").get("error").get("code").asText(), stale.toString());
            }
        } finally {
            workspace.tenant.clearFaults(own);
            workspace.tenant.clearFaults(support);
        }

        // Microsoft is back. Nobody clicks Sync now: once the backoff (at most sync.backoff-max) has passed, both catch up.
        controls.advanceClock(Duration.ofMinutes(6));
        awaitMessage(hana, "q=" + encode(outage), message -> true);
        awaitMessage(hana, "q=" + encode(storm), message -> true);
        for (UUID row : List.of(personal, shared)) {
            JsonNode healthy = hana.awaitConnection(row, view -> "healthy".equals(view.get("health").get("badge").asText()), WAIT);
            assertTrue(healthy.get("health").get("error").isNull(), healthy.toString());
        }
        assertEquals(1, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ?"
                + " AND m.subject = ?", support, storm), "nothing lost, nothing twice");

        // Graph's own witness: every notification was acknowledged, none slowly (over 2.9 s), throughout.
        NotificationStats after = workspace.tenant.notificationStats();
        assertTrue(after.delivered() > before.delivered(), after.toString());
        assertEquals(before.slow(), after.slow(), "the webhook answered every notification in time: " + after);
        assertEquals(failedBefore, workspace.tenant.failedNotificationAttemptsAt(endpoint), "no POST to this server failed: " + after);
    }

    long staleInReadiness() {
        JsonNode checks = ApiClient.at(base).get("/health/ready").json().get("checks");
        for (JsonNode check : checks) {
            if ("mailboxes".equals(check.get("name").asText())) {
                return check.get("data").get("stale").asLong();
            }
        }
        throw new AssertionError("no mailboxes check in " + checks);
    }

    @Test
    void aDeltaLinkGraphNoLongerAcceptsRestartsThatFolderWithoutDuplicates() {
        Person finn = workspace.person("finn");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 30);
        workspace.tenant.grantFullAccess(support, finn.microsoft().upn());
        UUID shared = finn.addSharedOk(finn.connect(), support);
        awaitCurrent(finn, shared);

        workspace.tenant.corruptDeltaTokens(support);
        workspace.tenant.deliver(support, "customer@example.com", "After the corrupt token", "Hello");
        syncNow(finn, shared);
        awaitMessage(finn, "q=" + encode("After the corrupt token"), message -> true);
        JsonNode view = awaitCurrent(finn, shared);
        assertTrue(view.get("health").get("error").isNull(), view.toString());
        assertEquals(31, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.address = ? AND m.folder = 'INBOX'", support), "the restarted round wrote each message once");
        assertTrue(Sql.count("SELECT coalesce(sum(resyncs), 0) FROM sync_cursor WHERE connection_id = ?", shared) >= 1);
    }

    @Test
    void tokensThisServerCanNoLongerOpenTurnTheRowRedWithASentenceNotASilentRetry() {
        Person gwen = workspace.person("gwen");
        workspace.tenant.setAccessTokenLifetime(gwen.microsoft().upn(), IntegrationEnvironment.SHORT_ACCESS_TOKEN_LIFETIME);
        UUID personal = gwen.connect();
        awaitCurrent(gwen, personal);

        // The operator retired the vault key these tokens were sealed with (it is no longer in token-vault.keys).
        Sql.update("UPDATE outlook_connection SET token_key_id = 'retired' WHERE id = ?", personal);
        syncNow(gwen, personal);
        JsonNode red = gwen.awaitConnection(personal, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("RECONNECT_REQUIRED", red.get("health").get("error").get("code").asText(), red.toString());
        assertTrue(red.get("health").get("error").get("message").asText().contains("can no longer open your stored Outlook sign-in"),
                red.toString());

        assertEquals(personal, gwen.reconnect(personal));
        awaitCurrent(gwen, personal);
    }
}

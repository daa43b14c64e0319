package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionView;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 5 with an app-only identity configured: push for personal and shared mailboxes, lifecycle, renewal. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PushDeliveryIT {

    @Deployment(testable = false)
    @TargetsContainer("push")
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
    void personalMailboxesSubscribeWithTheirOwnTokenAndSharedOnesWithTheAppOnlyIdentity() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID parent = alice.connect();
        UUID shared = alice.addSharedOk(parent, support);

        assertEquals("webhook", alice.connection(parent).get("delivery").asText());
        JsonNode sharedRow = alice.connection(shared);
        assertEquals("webhook", sharedRow.get("delivery").asText(), sharedRow.toString());
        assertEquals("DELEGATED", Sql.single("SELECT identity FROM graph_subscription WHERE connection_id = ?", parent));
        assertEquals("APP_ONLY", Sql.single("SELECT identity FROM graph_subscription WHERE connection_id = ?", shared));
        String sharedSubscription = (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", shared);
        SubscriptionView atMicrosoft = subscription(sharedSubscription);
        assertTrue(atMicrosoft.resource().toLowerCase().contains(support), atMicrosoft.resource());
    }

    @Test
    void newMailTriggersASyncRequestThroughTheWebhook() {
        Person bob = workspace.person("bob");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        UUID shared = bob.addSharedOk(bob.connect(), support);
        Sql.update("UPDATE outlook_connection SET sync_requested_at = NULL WHERE id = ?", shared);
        String lastSync = Objects.toString(Sql.single("SELECT last_sync_at FROM outlook_connection WHERE id = ?", shared));

        workspace.tenant.deliver(support, "customer@example.org", "Help!", "My order is late");
        assertTrue(eventually(() -> Sql.single("SELECT sync_requested_at FROM outlook_connection WHERE id = ?", shared) != null
                        || !lastSync.equals(Objects.toString(Sql.single("SELECT last_sync_at FROM outlook_connection WHERE id = ?", shared)))),
                "the notification marks the shared row due (or it has synced already)");
    }

    @Test
    void aRemovedSubscriptionIsRecreatedAndReauthorizationIsAnswered() {
        Person cleo = workspace.person("cleo");
        UUID parent = cleo.connect();
        String first = (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);

        workspace.tenant.fireLifecycleEvent(first, "reauthorizationRequired");
        workspace.tenant.fireLifecycleEvent(first, "missed");
        assertTrue(eventually(() -> Sql.single("SELECT sync_requested_at FROM outlook_connection WHERE id = ?", parent) != null
                || Sql.single("SELECT last_sync_at FROM outlook_connection WHERE id = ?", parent) != null));

        workspace.tenant.fireLifecycleEvent(first, "subscriptionRemoved");
        assertTrue(eventually(() -> {
            Object now = Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);
            return now != null && !first.equals(now);
        }), "a new subscription replaces the removed one");
        assertEquals("webhook", cleo.connection(parent).get("delivery").asText());
    }

    @Test
    void subscriptionsAreRenewedBeforeExpiryAndRecreatedWhenMicrosoftForgotThem() {
        Person dan = workspace.person("dan");
        UUID parent = dan.connect();
        String id = (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);
        Sql.update("UPDATE graph_subscription SET expires_at = now() + interval '5 minutes' WHERE id = ?", id);
        assertTrue(eventually(() -> Sql.count("SELECT count(*) FROM graph_subscription WHERE id = ? AND expires_at > now() + interval '1 hour'", id) == 1),
                "renewed well before expiry");

        String current = (String) Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);
        workspace.tenant.forgetSubscription(current);
        Sql.update("UPDATE graph_subscription SET expires_at = now() + interval '5 minutes' WHERE id = ?", current);
        assertTrue(eventually(() -> {
            Object now = Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", parent);
            return now != null && !current.equals(now);
        }), "recreated after Graph answered 404");
    }

    @Test
    void disconnectingDeletesTheSubscriptionsAtMicrosoft() {
        Person eve = workspace.person("eve");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, eve.microsoft().upn());
        UUID parent = eve.connect();
        UUID shared = eve.addSharedOk(parent, support);
        List<Object> ids = Sql.column("SELECT id FROM graph_subscription WHERE connection_id IN (?, ?)", parent, shared);
        assertEquals(2, ids.size());

        assertEquals(204, eve.api().delete("/api/v1/outlook/connections/" + parent).status());
        for (Object id : ids) {
            assertTrue(workspace.tenant.subscriptions().stream().noneMatch(s -> s.id().equals(id)), "deleted at Microsoft: " + id);
        }
        assertEquals(0, Sql.count("SELECT count(*) FROM graph_subscription WHERE connection_id IN (?, ?)", parent, shared));
    }

    @Test
    void aSubscriptionThatCannotBeCreatedFallsBackToPollingAndSaysSo() {
        Person fox = workspace.person("fox");
        workspace.tenant.dropNotifications(false);
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, fox.microsoft().upn());
        UUID parent = fox.connect();
        workspace.tenant.failNextSubscriptionCreate(1, 500);
        UUID shared = fox.addSharedOk(parent, support);
        JsonNode row = fox.connection(shared);
        assertEquals("polling", row.get("delivery").asText());
        assertTrue(row.get("deliveryNote").asText().contains("could not be set up"), row.toString());
        assertTrue(eventually(() -> "webhook".equals(fox.connection(shared).get("delivery").asText())),
                "push is retried and recovers");
        assertNotEquals(null, Sql.single("SELECT id FROM graph_subscription WHERE connection_id = ?", shared));
    }

    private SubscriptionView subscription(String id) {
        return workspace.tenant.subscriptions().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no subscription " + id + " at Microsoft"));
    }

    static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TestWorkspace.sleep(250);
        }
        return condition.getAsBoolean();
    }
}

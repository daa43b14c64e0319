package com.workestra.sharedmailboxes.m365emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class M365EmulatorSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;
    private static Tenant tenant;
    private static NotificationReceiver receiver;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withAutoSignInWithLoginHint(true)
                .withApplicationPermissions(Set.of("Mail.Read"))
                .withNotificationTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(10))
                .withNotificationRetry(Duration.ofMillis(100), Duration.ofMinutes(1)));
        clients = new EmulatorTestClients(emulator);
        tenant = emulator.tenant();
        receiver = new NotificationReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        emulator.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
    }

    private static Subscription subscription(String resource, String clientState, OffsetDateTime expires) {
        Subscription subscription = new Subscription();
        subscription.setChangeType("created,updated");
        subscription.setNotificationUrl(receiver.url("/notifications?kind=change"));
        subscription.setLifecycleNotificationUrl(receiver.url("/lifecycle"));
        subscription.setResource(resource);
        subscription.setExpirationDateTime(expires);
        subscription.setClientState(clientState);
        return subscription;
    }

    private static OffsetDateTime inMinutes(long minutes) {
        return OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(minutes);
    }

    @Test
    void appOnlySubscriptionValidatesThenDeliversNotificationsWithClientState() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("support"), "Support");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        int validationsBefore = receiver.validations();
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address()
                + "/mailFolders('inbox')/messages", "secret-state", inMinutes(60)));
        assertNotNull(created.getId());
        assertEquals(validationsBefore + 2, receiver.validations(), "notificationUrl and lifecycleNotificationUrl are validated");
        assertEquals("created,updated", created.getChangeType());
        assertEquals(emulator.clientId(), created.getApplicationId());

        String id = tenant.deliver(shared.address(), "customer@example.com", "Hello", "Body");
        JsonNode payload = receiver.next(WAIT);
        assertNotNull(payload, "a notification arrives");
        JsonNode item = payload.get("value").get(0);
        assertEquals(created.getId(), item.get("subscriptionId").asText());
        assertEquals("secret-state", item.get("clientState").asText());
        assertEquals("created", item.get("changeType").asText());
        assertEquals(emulator.tenantId(), item.get("tenantId").asText());
        assertNotNull(item.get("subscriptionExpirationDateTime"));
        assertTrue(item.get("resource").asText().startsWith("Users/" + shared.oid() + "/Messages/"));
        JsonNode resourceData = item.get("resourceData");
        assertEquals("#Microsoft.Graph.Message", resourceData.get("@odata.type").asText());
        assertEquals(item.get("resource").asText(), resourceData.get("@odata.id").asText());
        assertTrue(resourceData.get("@odata.etag").asText().startsWith("W/\""));
        assertTrue(resourceData.get("id").asText().startsWith("AAMkAD"), "regular ids unless the subscription asked otherwise");

        tenant.markRead(shared.address(), id, true);
        JsonNode update = receiver.next(WAIT);
        assertEquals("updated", update.get("value").get(0).get("changeType").asText());

        tenant.deliver(shared.address(), "customer@example.com", "Into sent items? no", "Body");
        assertNotNull(receiver.next(WAIT));
        graph.subscriptions().bySubscriptionId(created.getId()).delete();
        tenant.deliver(shared.address(), "customer@example.com", "After delete", "Body");
        assertNull(receiver.next(Duration.ofMillis(500)), "a deleted subscription delivers nothing");
    }

    @Test
    void delegatedTokensSubscribeOnlyToTheirOwnMailbox() throws Exception {
        DirectoryUser user = tenant.createUser(unique("alice"), "Alice");
        Mailbox shared = tenant.createSharedMailbox(unique("sales"), "Sales");
        tenant.grantFullAccess(shared.address(), user.upn());
        String token = clients.signInToken(user.upn(), "https://graph.microsoft.com/Mail.Read",
                "https://graph.microsoft.com/Mail.Read.Shared");
        GraphServiceClient graph = clients.graph(token);
        ODataError forbidden = assertThrows(ODataError.class, () -> graph.subscriptions().post(subscription(
                "/users/" + shared.address() + "/mailFolders('inbox')/messages", "s", inMinutes(60))));
        assertEquals(403, forbidden.getResponseStatusCode());
        assertEquals("ExtensionError", forbidden.getError().getCode());
        assertEquals("Operation: Create; Exception: [Status Code: Forbidden; Reason: Forbidden]", forbidden.getError().getMessage());

        Subscription own = graph.subscriptions().post(subscription("me/mailFolders('Inbox')/messages", "mine", inMinutes(60)),
                request -> request.headers.add("Prefer", "IdType=\"ImmutableId\""));
        assertNotNull(own.getId());
        assertEquals(user.oid(), own.getCreatorId());
        assertEquals(1, graph.subscriptions().get().getValue().size());
        String id = tenant.deliver(user.upn(), "x@example.com", "Mine", "Body");
        JsonNode item = receiver.next(WAIT).get("value").get(0);
        assertEquals(id, item.get("resourceData").get("id").asText(), "immutable ids when the subscription asked for them");
    }

    @Test
    void expiryBeyondTheMaximumIsRejected() {
        Mailbox shared = tenant.createSharedMailbox(unique("hr"), "HR");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        ODataError tooLong = assertThrows(ODataError.class, () -> graph.subscriptions().post(subscription(
                "/users/" + shared.address() + "/messages", "s", inMinutes(4231))));
        assertEquals(400, tooLong.getResponseStatusCode());
        assertEquals("ExtensionError", tooLong.getError().getCode());
        assertEquals("Subscription expiration can only be 4230 minutes in the future.", tooLong.getError().getMessage());

        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "s",
                inMinutes(4229)));
        Subscription renewal = new Subscription();
        renewal.setExpirationDateTime(inMinutes(5000));
        assertEquals(400, assertThrows(ODataError.class, () -> graph.subscriptions().bySubscriptionId(created.getId())
                .patch(renewal)).getResponseStatusCode());
        Subscription shorter = new Subscription();
        shorter.setExpirationDateTime(inMinutes(30));
        Subscription renewed = graph.subscriptions().bySubscriptionId(created.getId()).patch(shorter);
        assertTrue(renewed.getExpirationDateTime().isBefore(inMinutes(31)));
    }

    @Test
    void failedHandshakesHttpUrlsAndLongClientStatesAreRejected() {
        Mailbox shared = tenant.createSharedMailbox(unique("it"), "IT");
        String token = clients.appOnlyToken();
        receiver.echoValidationToken(false);
        try {
            ODataError failed = assertThrows(ODataError.class, () -> clients.graph(token).subscriptions().post(subscription(
                    "/users/" + shared.address() + "/messages", "s", inMinutes(60))));
            assertEquals(400, failed.getResponseStatusCode());
            assertEquals("ValidationError", failed.getError().getCode());
            assertEquals("Subscription validation request failed. Notification endpoint must respond with 200 OK to"
                    + " validation request.", failed.getError().getMessage());
        } finally {
            receiver.echoValidationToken(true);
        }
        HttpResponse<String> http = clients.graphSend("POST", token, "/subscriptions", "{\"changeType\":\"created\","
                + "\"notificationUrl\":\"http://127.0.0.1:1/hook\",\"resource\":\"/users/" + shared.address() + "/messages\","
                + "\"expirationDateTime\":\"" + inMinutes(60) + "\"}");
        assertEquals(400, http.statusCode());
        HttpResponse<String> longState = clients.graphSend("POST", token, "/subscriptions", "{\"changeType\":\"created\","
                + "\"notificationUrl\":\"" + receiver.url("/n") + "\",\"resource\":\"/users/" + shared.address() + "/messages\","
                + "\"expirationDateTime\":\"" + inMinutes(60) + "\",\"clientState\":\"" + "x".repeat(129) + "\"}");
        assertEquals(400, longState.statusCode());
    }

    @Test
    void lifecycleEventsGoToTheLifecycleUrl() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("ops"), "Ops");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages",
                "life", inMinutes(60)));

        tenant.fireLifecycleEvent(created.getId(), "reauthorizationRequired");
        JsonNode reauthorize = receiver.next(WAIT).get("value").get(0);
        assertEquals("reauthorizationRequired", reauthorize.get("lifecycleEvent").asText());
        assertEquals("life", reauthorize.get("clientState").asText());
        assertEquals(created.getId(), reauthorize.get("subscriptionId").asText());
        graph.subscriptions().bySubscriptionId(created.getId()).reauthorize().post();

        tenant.fireLifecycleEvent(created.getId(), "missed");
        assertEquals("missed", receiver.next(WAIT).get("value").get(0).get("lifecycleEvent").asText());

        tenant.fireLifecycleEvent(created.getId(), "subscriptionRemoved");
        assertEquals("subscriptionRemoved", receiver.next(WAIT).get("value").get(0).get("lifecycleEvent").asText());
        ODataError gone = assertThrows(ODataError.class, () -> graph.subscriptions().bySubscriptionId(created.getId()).get());
        assertEquals(404, gone.getResponseStatusCode());
        assertTrue(tenant.subscriptions().stream().noneMatch(view -> view.id().equals(created.getId())));
    }

    @Test
    void failedDeliveriesAreRetriedAndDroppedDeliveriesCounted() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("retry"), "Retry");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "r", inMinutes(60)));
        NotificationStats before = tenant.notificationStats();
        receiver.failNext(2);
        tenant.deliver(shared.address(), "x@example.com", "Retry me", "Body");
        JsonNode payload = receiver.next(WAIT);
        assertNotNull(payload, "delivered after two failures");
        NotificationStats after = tenant.notificationStats();
        assertTrue(after.failedAttempts() - before.failedAttempts() >= 2);
        assertTrue(after.retried() - before.retried() >= 2);

        tenant.dropNotifications(true);
        try {
            tenant.deliver(shared.address(), "x@example.com", "Dropped", "Body");
            assertNull(receiver.next(Duration.ofMillis(500)));
            assertTrue(tenant.notificationStats().dropped() > after.dropped());
        } finally {
            tenant.dropNotifications(false);
        }
    }

    /**
     * Microsoft lists /users/{id}/messages (every folder) and /users/{id}/mailFolders/{id}/messages (one folder) as
     * message resources (https://learn.microsoft.com/graph/outlook-change-notifications-overview): mail an inbox rule
     * files into a subfolder, and a move into it, reach the mailbox's subscription and not the Inbox's, except that a
     * move out of the Inbox is, for the Inbox, a deletion.
     */
    @Test
    void aMailboxSubscriptionHearsOfEveryFolderAndAFolderSubscriptionOfItsOwnOnly() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("filed"), "Filed");
        String projects = tenant.createFolder(shared.address(), "inbox", "Projects");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription everything = subscription("/users/" + shared.address() + "/messages", "all", inMinutes(60));
        everything.setChangeType("created,updated,deleted");
        Subscription inbox = subscription("/users/" + shared.address() + "/mailFolders('inbox')/messages", "inbox", inMinutes(60));
        inbox.setChangeType("created,updated,deleted");
        String all = graph.subscriptions().post(everything).getId();
        String inboxOnly = graph.subscriptions().post(inbox).getId();

        tenant.deliverInto(shared.address(), projects, "customer@example.com", "Filed by a rule", "Body");
        List<JsonNode> items = notifications(1);
        assertEquals(1, items.size(), "only the mailbox subscription hears of it: " + items);
        assertEquals(all, items.get(0).get("subscriptionId").asText());
        assertEquals("created", items.get(0).get("changeType").asText());
        assertTrue(items.get(0).get("resource").asText().startsWith("Users/" + shared.oid() + "/Messages/"),
                "the notification names the message, not its folder: " + items.get(0));
        assertEquals(1, tenant.messageCount(shared.address(), projects));
        assertEquals(0, tenant.messageCount(shared.address(), "inbox"));

        String moved = tenant.deliver(shared.address(), "customer@example.com", "Moved by a colleague", "Body");
        assertEquals(2, notifications(2).size(), "both hear of new mail in the Inbox");
        tenant.moveMessage(shared.address(), moved, projects);
        List<String> heard = notifications(3).stream()
                .map(item -> item.get("subscriptionId").asText() + " " + item.get("changeType").asText()).sorted().toList();
        assertEquals(List.of(all + " created", all + " deleted", inboxOnly + " deleted").stream().sorted().toList(), heard);
    }

    /** The change notifications that arrive within WAIT, batched or not, until {@code expected} or a quiet half second. */
    private static List<JsonNode> notifications(int expected) throws Exception {
        List<JsonNode> items = new java.util.ArrayList<>();
        JsonNode payload = receiver.next(WAIT);
        while (payload != null) {
            payload.get("value").forEach(items::add);
            payload = receiver.next(items.size() >= expected ? Duration.ofMillis(500) : WAIT);
        }
        return items;
    }

    @Test
    void droppingLosesChangeNotificationsButGraphStillSaysItMissedSome() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("lossy"), "Lossy");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "l",
                inMinutes(60)));
        tenant.dropNotifications(true);
        try {
            tenant.deliver(shared.address(), "x@example.com", "Lost", "Body");
            assertNull(receiver.next(Duration.ofMillis(500)), "the change notification is lost");
            tenant.fireLifecycleEvent(created.getId(), "missed");
            JsonNode missed = receiver.next(WAIT);
            assertNotNull(missed, "the lifecycle notification is not");
            assertEquals("missed", missed.get("value").get(0).get("lifecycleEvent").asText());
        } finally {
            tenant.dropNotifications(false);
        }
    }

    @Test
    void changeNotificationsLeaveAfterTheNotificationLatencyAndAreLogged() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("latent"), "Latent");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "t",
                inMinutes(60)));
        Duration latency = Duration.ofMillis(1500);
        tenant.setNotificationLatency(latency);
        try {
            assertEquals(latency, tenant.notificationLatency());
            tenant.deliver(shared.address(), "x@example.com", "Later", "Body");
            assertNull(receiver.next(Duration.ofMillis(700)), "nothing before the latency");
            JsonNode payload = receiver.next(WAIT);
            assertNotNull(payload, "the notification arrives after it");
            assertEquals(created.getId(), payload.get("value").get(0).get("subscriptionId").asText());
        } finally {
            tenant.setNotificationLatency(Duration.ZERO);
        }
        // The endpoint has the POST before the emulator has its answer: wait for the log to catch up.
        NotificationDelivery delivery = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (delivery == null && System.nanoTime() < deadline) {
            delivery = tenant.notificationDeliveries().stream().filter(d -> created.getId().equals(d.subscriptionId()))
                    .reduce((first, second) -> second).orElse(null);
            if (delivery == null) {
                Thread.sleep(20);
            }
        }
        assertNotNull(delivery, "the delivery is logged");
        assertEquals("change", delivery.kind());
        assertEquals("created", delivery.event());
        assertTrue(delivery.resource().startsWith("Users/" + shared.oid() + "/Messages/"), delivery.resource());
        assertEquals(202, delivery.status(), "the status the endpoint acknowledged it with");
        assertTrue(Duration.between(delivery.occurredAt(), delivery.deliveredAt()).compareTo(latency) >= 0, delivery.toString());
        assertThrows(IllegalArgumentException.class, () -> tenant.setNotificationLatency(Duration.ofSeconds(-1)));
    }

    @Test
    void everyCallOnSubscriptionsIsRecordedWithWhatGraphAnswered() {
        Mailbox shared = tenant.createSharedMailbox(unique("audit"), "Audit");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "a",
                inMinutes(60)));
        graph.subscriptions().bySubscriptionId(created.getId()).reauthorize().post();
        Subscription renewal = new Subscription();
        renewal.setExpirationDateTime(inMinutes(90));
        graph.subscriptions().bySubscriptionId(created.getId()).patch(renewal);
        graph.subscriptions().bySubscriptionId(created.getId()).delete();
        Subscription again = new Subscription();
        again.setExpirationDateTime(inMinutes(90));
        assertThrows(ODataError.class, () -> graph.subscriptions().bySubscriptionId(created.getId()).patch(again));

        var calls = tenant.subscriptionCalls().stream().filter(call -> created.getId().equals(call.subscriptionId())).toList();
        assertEquals(java.util.List.of("create 201", "reauthorize 204", "renew 200", "delete 204", "renew 404"),
                calls.stream().map(call -> call.operation() + " " + call.status()).toList());
        assertTrue(calls.stream().allMatch(SubscriptionCall::appOnly));
    }

    @Test
    void slowAnswersAreCountedAndExpiredSubscriptionsDisappear() throws Exception {
        Mailbox shared = tenant.createSharedMailbox(unique("slow"), "Slow");
        GraphServiceClient graph = clients.graph(clients.appOnlyToken());
        Subscription created = graph.subscriptions().post(subscription("/users/" + shared.address() + "/messages", "z",
                OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(4)));
        long slowBefore = tenant.notificationStats().slow();
        receiver.answerAfter(Duration.ofMillis(3000));
        try {
            tenant.deliver(shared.address(), "x@example.com", "Slowly", "Body");
            assertNotNull(receiver.next(WAIT));
        } finally {
            receiver.answerAfter(Duration.ZERO);
        }
        long deadline = System.currentTimeMillis() + 1000;
        while (tenant.notificationStats().slow() == slowBefore && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(slowBefore + 1, tenant.notificationStats().slow());
        Thread.sleep(1500);
        assertTrue(tenant.subscriptions().stream().noneMatch(view -> view.id().equals(created.getId())));
        tenant.deliver(shared.address(), "x@example.com", "Too late", "Body");
        assertNull(receiver.next(Duration.ofMillis(400)));
    }
}

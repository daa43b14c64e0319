package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitCurrent;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitMessage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.encode;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.firstPage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.syncNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exchange stays the gate over time: a person reads a mailbox's messages while they hold a working connection to it,
 * and afterwards only those received before their access ended, whatever colleagues' connections keep syncing.
 */
class ExchangeGateIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aPersonWhoDisconnectsSupportStillReadsWhatArrivedBeforeAndNothingDeliveredAfterwards() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 12);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        UUID aliceShared = alice.addSharedOk(alice.connect(), support);
        UUID bobShared = bob.addSharedOk(bob.connect(), support);
        awaitCurrent(alice, aliceShared);
        awaitCurrent(bob, bobShared);

        assertEquals(204, alice.api().delete("/api/v1/outlook/connections/" + aliceShared).status());
        workspace.tenant.deliver(support, "customer@example.com", "Arrived after alice left", "Hello support");
        syncNow(bob, bobShared);
        JsonNode late = awaitMessage(bob, "q=" + encode("Arrived after alice left"), message -> true);
        String lateId = late.get("id").asText();

        assertEquals(12, firstPage(alice, "mailbox=" + encode(support) + "&limit=100").get("items").size(),
                "what arrived before stays readable");
        assertEquals(0, firstPage(alice, "q=" + encode("Arrived after alice left")).get("items").size());
        assertEquals(404, alice.api().get("/api/v1/messages/" + lateId).status());
        assertEquals(404, alice.api().get("/api/v1/messages/" + lateId + "?raw=true").status());
        assertEquals(404, alice.api().patch("/api/v1/messages/" + lateId, "{\"isRead\":true}").status());
        assertEquals(404, alice.api().post("/api/v1/messages/" + lateId + "/reply",
                "{\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}").status());
        // A later change of the late message (bob reads it) reaches bob, never alice.
        assertEquals(200, bob.api().patch("/api/v1/messages/" + lateId, "{\"isRead\":true}").status());
        assertEquals(404, alice.api().get("/api/v1/messages/" + lateId).status());
        assertEquals(0, firstPage(alice, "unread=false&q=" + encode("Arrived after alice left")).get("items").size());
    }

    /**
     * A reader of more mailboxes than a page merges (41) is served with their access joined in SQL rather than listed
     * mailbox by mailbox: the same rule holds through every request that lists or reads, and the same addresses show.
     */
    @Test
    void aPersonWhoReadsFortyOneMailboxesSeesAllOfThemAndAfterDisconnectingOneNothingDeliveredToItAfterwards() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        UUID alicePersonal = alice.connect();
        List<String> addresses = new ArrayList<>();
        Map<String, UUID> connections = new LinkedHashMap<>();
        for (int n = 1; n <= 41; n++) {
            String address = workspace.sharedMailbox(String.format("team%02d", n));
            addresses.add(address);
            workspace.tenant.seedMessages(address, "inbox", 1);
            workspace.tenant.grantFullAccess(address, alice.microsoft().upn());
            connections.put(address, alice.addSharedOk(alicePersonal, address));
        }
        String support = addresses.get(0);
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        UUID bobShared = bob.addSharedOk(bob.connect(), support);
        connections.forEach((address, connection) -> awaitCurrent(alice, connection));
        awaitCurrent(bob, bobShared);

        JsonNode all = firstPage(alice, "folder=inbox&limit=100");
        Set<String> shown = new HashSet<>(all.get("items").findValuesAsText("mailbox"));
        assertEquals(new HashSet<>(addresses), shown, "a message of each of the 41 mailboxes, each tagged with its address");
        String before = all.get("items").get(all.get("items").size() - 1).get("id").asText();

        assertEquals(204, alice.api().delete("/api/v1/outlook/connections/" + connections.get(support)).status());
        workspace.tenant.deliver(support, "customer@example.com", "Arrived after alice left", "Hello support");
        syncNow(bob, bobShared);
        String lateId = awaitMessage(bob, "q=" + encode("Arrived after alice left"), message -> true).get("id").asText();
        String lateThread = Await.until("bob sees its conversation", () -> ConversationsIT.conversations(bob,
                "q=" + encode("Arrived after alice left")), page -> page.get("items").size() == 1, WAIT).get("items").get(0)
                .get("id").asText();

        JsonNode after = firstPage(alice, "limit=100");
        assertFalse(after.get("items").findValuesAsText("id").contains(lateId), "the inbox across every mailbox");
        assertEquals(41, after.get("items").size(), "what arrived before stays readable, support@'s included");
        assertEquals(0, firstPage(alice, "q=" + encode("Arrived after alice left")).get("items").size(), "the search");
        assertEquals(0, firstPage(alice, "unread=true&q=" + encode("Arrived after alice left")).get("items").size());
        assertEquals(404, alice.api().get("/api/v1/messages/" + lateId).status());
        assertEquals(200, alice.api().get("/api/v1/messages/" + before).status(), "a message of before, read by id");
        JsonNode threads = ConversationsIT.conversations(alice, "limit=100");
        assertEquals(41, threads.get("items").size(), "one conversation a mailbox, none of the late mail");
        threads.get("items").forEach(thread -> assertFalse(thread.get("preview").asText().startsWith("Hello support"),
                thread.toString()));
        assertEquals(404, alice.api().get("/api/v1/conversations/" + lateThread).status());
    }

    @Test
    void theAdminWithdrawingFullAccessTurnsTheRowRedHidesNewMailAndGrantingItAgainResumesWithoutAGap() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 5);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        UUID alicePersonal = alice.connect();
        UUID aliceShared = alice.addSharedOk(alicePersonal, support);
        UUID bobShared = bob.addSharedOk(bob.connect(), support);
        awaitCurrent(alice, aliceShared);
        awaitCurrent(bob, bobShared);

        workspace.tenant.revokeFullAccess(support, alice.microsoft().upn());
        syncNow(alice, aliceShared);
        JsonNode red = alice.awaitConnection(aliceShared, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("MAILBOX_ACCESS_DENIED", red.get("health").get("error").get("code").asText(), red.toString());
        alice.api().get("/api/v1/mailboxes").json().forEach(mailbox -> assertFalse(support.equals(mailbox.get("address").asText()),
                "Exchange refuses alice on support@: it is not in her From list"));

        workspace.tenant.deliver(support, "customer@example.com", "Arrived while alice had no access", "Hello");
        syncNow(bob, bobShared);
        String hiddenId = awaitMessage(bob, "q=" + encode("Arrived while alice had no access"), message -> true).get("id").asText();
        assertEquals(404, alice.api().get("/api/v1/messages/" + hiddenId).status());
        assertEquals(5, firstPage(alice, "mailbox=" + encode(support) + "&limit=100").get("items").size(),
                "what arrived before the refusal stays readable");

        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        syncNow(alice, aliceShared);
        awaitCurrent(alice, aliceShared);
        assertEquals(200, alice.api().get("/api/v1/messages/" + hiddenId).status(), "access resumed without a gap");
        assertEquals(6, firstPage(alice, "mailbox=" + encode(support) + "&limit=100").get("items").size());
        assertTrue(alice.api().get("/api/v1/mailboxes").json().findValuesAsText("address").contains(support));
    }

    @Test
    void exchangeRefusingAReadStateChangeTurnsTheRowRedAndEndsReadingNewMail() {
        Person carol = workspace.person("carol");
        Person dan = workspace.person("dan");
        String sales = workspace.sharedMailbox("sales");
        workspace.tenant.seedMessages(sales, "inbox", 3);
        workspace.tenant.grantFullAccess(sales, carol.microsoft().upn());
        workspace.tenant.grantFullAccess(sales, dan.microsoft().upn());
        UUID carolShared = carol.addSharedOk(carol.connect(), sales);
        UUID danShared = dan.addSharedOk(dan.connect(), sales);
        awaitCurrent(carol, carolShared);
        awaitCurrent(dan, danShared);
        String id = firstPage(carol, "mailbox=" + encode(sales)).get("items").get(0).get("id").asText();

        workspace.tenant.revokeFullAccess(sales, carol.microsoft().upn());
        var refused = carol.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}");
        assertEquals(403, refused.status(), refused.body());
        assertEquals("MAILBOX_ACCESS_DENIED", refused.json().get("code").asText());
        JsonNode red = carol.connection(carolShared);
        assertEquals("error", red.get("health").get("badge").asText(), red.toString());

        workspace.tenant.deliver(sales, "lead@example.com", "New lead after the refusal", "Hi");
        syncNow(dan, danShared);
        String newId = awaitMessage(dan, "q=" + encode("New lead after the refusal"), message -> true).get("id").asText();
        assertEquals(404, carol.api().get("/api/v1/messages/" + newId).status());
        assertEquals(200, carol.api().get("/api/v1/messages/" + id).status(), "what arrived before stays readable");
    }
}

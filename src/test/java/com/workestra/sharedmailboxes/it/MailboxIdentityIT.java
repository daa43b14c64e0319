package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.m365emulator.DirectoryUser;
import com.workestra.sharedmailboxes.m365emulator.Mailbox;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitCurrent;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitMessage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.encode;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.firstPage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.syncNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 part 3: a mailbox is the one Exchange knows, not an address. A new mailbox at a reused address (a shared
 * mailbox deleted and created again, a new hire with a former colleague's UPN) does not see the old history; a renamed
 * shared mailbox keeps its history and keeps syncing.
 */
class MailboxIdentityIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aSharedMailboxCreatedAgainAtItsAddressStartsEmptyWhileItsFormerReadersKeepTheOldHistory() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        String support = workspace.address("support");
        Mailbox former = workspace.tenant.createSharedMailbox(support, "Support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID aliceParent = alice.connect();
        UUID aliceShared = alice.addSharedOk(aliceParent, support);
        workspace.tenant.deliver(support, "customer@example.com", "Old ticket " + workspace.suffix, "From before");
        syncNow(alice, aliceShared);
        Instant oldTicketReceived = Instant.parse(awaitMessage(alice, "q=" + encode("Old ticket"), message -> true)
                .get("receivedAt").asText());

        // Her access to the old mailbox ends when Exchange first refuses her, at the start of that second (receive times
        // are whole seconds). Held, no run of hers is still reading when the mailbox goes, and the swap happens in a
        // later second than the old ticket's arrival, so the ticket was surely received before her access ended.
        controls.holdBackgroundWork();
        Mailbox created;
        try {
            MailFlowsIT.await(controls::now, now -> now.isAfter(oldTicketReceived.plusSeconds(1)));
            workspace.tenant.deleteMailbox(support);
            created = workspace.tenant.createSharedMailbox(support, "Support");
            workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
            workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
            workspace.tenant.deliver(support, "customer@example.com", "New ticket " + workspace.suffix, "For the new mailbox");
        } finally {
            controls.releaseBackgroundWork();
        }

        UUID bobShared = bob.addSharedOk(bob.connect(), support);
        awaitCurrent(bob, bobShared);
        awaitMessage(bob, "q=" + encode("New ticket"), message -> support.equals(message.get("mailbox").asText()));
        assertEquals(0, firstPage(bob, "mailbox=" + encode(support) + "&q=" + encode("Old ticket")).get("items").size(),
                "the new mailbox at the address does not see the old one's history");

        // Alice's row was added for the old mailbox: its sync refuses to read the new one into the old history.
        syncNow(alice, aliceShared);
        JsonNode refused = alice.awaitConnection(aliceShared, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("MAILBOX_REPLACED", refused.get("health").get("error").get("code").asText(), refused.toString());
        assertTrue(refused.get("health").get("error").get("message").asText().contains("Add it again"), refused.toString());
        assertEquals(0, firstPage(alice, "q=" + encode("New ticket")).get("items").size());

        // Added again, the same row reaches the new mailbox; the old history stays readable for her.
        ApiClient.Reply readded = alice.addShared(aliceParent, support);
        assertEquals(201, readded.status(), readded.body());
        assertEquals(aliceShared.toString(), readded.json().get("id").asText(), "the same row, not a second one");
        awaitCurrent(alice, aliceShared);
        awaitMessage(alice, "q=" + encode("New ticket"), message -> true);
        assertEquals(1, firstPage(alice, "q=" + encode("Old ticket")).get("items").size());
        assertEquals(2, alice.api().get("/api/v1/outlook/connections").json().size());

        assertEquals(2, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id, support),
                "two mailboxes had this address: each keeps its own history");
        assertEquals(1, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.exchange_identity = ? AND m.subject LIKE 'Old ticket%'", "inbox:" + former.inboxId()));
        assertEquals(1, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.exchange_identity = ? AND m.subject LIKE 'New ticket%'", "inbox:" + created.inboxId()));
        assertEquals(0, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.exchange_identity = ? AND m.subject LIKE 'New ticket%'", "inbox:" + former.inboxId()));
    }

    @Test
    void aRenamedSharedMailboxKeepsItsHistoryAndKeepsSyncingForEveryoneOnceOnePersonAddsItAgain() {
        Person carol = workspace.person("carol");
        Person dan = workspace.person("dan");
        String support = workspace.address("support");
        workspace.tenant.createSharedMailbox(support, "Support");
        workspace.tenant.grantFullAccess(support, carol.microsoft().upn());
        workspace.tenant.grantFullAccess(support, dan.microsoft().upn());
        UUID carolParent = carol.connect();
        UUID carolShared = carol.addSharedOk(carolParent, support);
        UUID danShared = dan.addSharedOk(dan.connect(), support);
        workspace.tenant.deliver(support, "customer@example.com", "Before the rename " + workspace.suffix, "Hello");
        syncNow(carol, carolShared);
        syncNow(dan, danShared);
        String before = awaitMessage(carol, "q=" + encode("Before the rename"), message -> true).get("id").asText();
        awaitMessage(dan, "q=" + encode("Before the rename"), message -> true);

        String help = workspace.address("help");
        workspace.tenant.renameSharedMailbox(support, help);
        syncNow(carol, carolShared);
        JsonNode lost = carol.awaitConnection(carolShared, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("MAILBOX_NOT_FOUND", lost.get("health").get("error").get("code").asText(), lost.toString());
        String sentence = lost.get("health").get("error").get("message").asText();
        assertTrue(sentence.startsWith("Microsoft 365 could not find a mailbox at " + support), sentence);
        assertTrue(sentence.contains("add it again under the new address"), sentence);

        ApiClient.Reply readded = carol.addShared(carolParent, help);
        assertEquals(201, readded.status(), readded.body());
        assertEquals(carolShared.toString(), readded.json().get("id").asText(), "the same row, not a new one");
        assertEquals(help, readded.json().get("address").asText());
        assertEquals(2, carol.api().get("/api/v1/outlook/connections").json().size());

        workspace.tenant.deliver(help, "customer@example.com", "After the rename " + workspace.suffix, "Hello again");
        syncNow(carol, carolShared);
        // q matches words (PostgreSQL's 'english' configuration ignores "after", "before" and "the"): both messages match
        // "After the rename", so the wait names the one it waits for.
        JsonNode after = awaitMessage(carol, "q=" + encode("After the rename"), MailboxIdentityIT::afterTheRename);
        assertEquals(help, after.get("mailbox").asText());
        JsonNode history = firstPage(carol, "mailbox=" + encode(help) + "&q=" + encode("the rename")).get("items");
        assertEquals(List.of(after.get("id").asText(), before), List.of(history.get(0).get("id").asText(), history.get(1).get("id").asText()),
                "one mailbox, its history under its new address");
        awaitCurrent(carol, carolShared);

        // Dan did nothing: his row to the same mailbox follows the new address too.
        syncNow(dan, danShared);
        awaitMessage(dan, "q=" + encode("After the rename"), message -> afterTheRename(message) && help.equals(message.get("mailbox").asText()));
        assertEquals("healthy", awaitCurrent(dan, danShared).get("health").get("badge").asText());

        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND kind = 'SHARED'", workspace.id));
        assertEquals(2, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.workspace_id = ? AND m.subject LIKE '% the rename %'", workspace.id), "each message once");
    }

    @Test
    void aNewHireWithAFormerColleaguesUpnStartsWithAnEmptyMailbox() {
        Person former = workspace.person("alex");
        UUID formerConnection = former.connect();
        String upn = former.microsoft().upn();
        awaitCurrent(former, formerConnection);
        workspace.tenant.deliver(upn, "customer@example.com", "For the former Alex " + workspace.suffix, "Hello");
        awaitMessage(former, "q=" + encode("For the former Alex"), message -> true);

        workspace.tenant.deleteMailbox(upn);
        DirectoryUser microsoft = workspace.tenant.createUser(upn, "Alex New");
        assertNotEquals(former.microsoft().oid(), microsoft.oid());
        String userId = "u-alex-new-" + workspace.suffix;
        Person hire = new Person(userId, microsoft, ApiClient.at(base)
                .as(IntegrationEnvironment.tokens().member(userId, "alex.new@workestra.test", workspace.id)));
        UUID hireConnection = hire.connect();
        awaitCurrent(hire, hireConnection);
        workspace.tenant.deliver(upn, "customer@example.com", "For the new Alex " + workspace.suffix, "Welcome");

        awaitMessage(hire, "q=" + encode("For the new Alex"), message -> upn.toLowerCase().equals(message.get("mailbox").asText()));
        assertEquals(0, firstPage(hire, "q=" + encode("For the former Alex")).get("items").size(),
                "the new hire does not inherit the former colleague's mail");
        assertEquals(1, firstPage(former, "q=" + encode("For the former Alex")).get("items").size(),
                "the former colleague's history stays where it was");
        assertEquals(0, firstPage(former, "q=" + encode("For the new Alex")).get("items").size());
        assertEquals(2, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id,
                upn.toLowerCase()));
    }

    @Test
    void aSharedMailboxFromBeforeIdentitiesIsAdoptedByTheNextProbeAndLearnsItsIdentityFromTheNextSync() {
        Person erin = workspace.person("erin");
        Person fay = workspace.person("fay");
        String support = workspace.address("support");
        Mailbox exchange = workspace.tenant.createSharedMailbox(support, "Support");
        workspace.tenant.grantFullAccess(support, erin.microsoft().upn());
        workspace.tenant.grantFullAccess(support, fay.microsoft().upn());
        UUID erinShared = erin.addSharedOk(erin.connect(), support);
        awaitCurrent(erin, erinShared); // no sync of it is due for a poll interval now: only the probe below can adopt the row
        String inbox = "inbox:" + exchange.inboxId();
        assertEquals(inbox, Sql.single("SELECT exchange_identity FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id, support));

        // As V6 leaves a shared mailbox: no identity until Microsoft is asked again.
        Sql.update("UPDATE mailbox SET exchange_identity = NULL WHERE workspace_id = ? AND address = ?", workspace.id, support);
        fay.addSharedOk(fay.connect(), support);
        assertEquals(1, Sql.count("SELECT count(*) FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id, support),
                "the probe takes the row from before identities for this mailbox");
        assertEquals(inbox, Sql.single("SELECT exchange_identity FROM mailbox WHERE workspace_id = ? AND address = ?", workspace.id, support));

        Sql.update("UPDATE mailbox SET exchange_identity = NULL WHERE workspace_id = ? AND address = ?", workspace.id, support);
        syncNow(erin, erinShared);
        Object learned = MailFlowsIT.await(() -> Sql.single("SELECT exchange_identity FROM mailbox WHERE workspace_id = ? AND address = ?",
                workspace.id, support), identity -> identity != null);
        assertEquals(inbox, learned);
        assertEquals("healthy", awaitCurrent(erin, erinShared).get("health").get("badge").asText());
    }

    private static boolean afterTheRename(JsonNode message) {
        return message.get("subject").asText().startsWith("After the rename");
    }
}

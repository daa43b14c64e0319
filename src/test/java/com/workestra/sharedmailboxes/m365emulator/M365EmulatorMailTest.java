package com.workestra.sharedmailboxes.m365emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.sync.control.DeltaReader;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.messages.item.reply.ReplyPostRequestBody;
import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class M365EmulatorMailTest {

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;
    private static Tenant tenant;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withAutoSignInWithLoginHint(true)
                .withApplicationPermissions(Set.of("Mail.Read")));
        clients = new EmulatorTestClients(emulator);
        tenant = emulator.tenant();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
    }

    private record Scene(DirectoryUser user, Mailbox shared, String token) {
    }

    /** A user with Full Access to a shared mailbox, signed in with the .Shared scopes. */
    private static Scene scene() {
        DirectoryUser user = tenant.createUser(unique("alice"), "Alice");
        Mailbox shared = tenant.createSharedMailbox(unique("support"), "Support");
        tenant.grantFullAccess(shared.address(), user.upn());
        String token = clients.signInToken(user.upn(), "https://graph.microsoft.com/Mail.ReadWrite.Shared",
                "https://graph.microsoft.com/Mail.Send.Shared", "https://graph.microsoft.com/User.Read");
        return new Scene(user, shared, token);
    }

    @Test
    void listsPagesSelectsAndOrdersWithTheSdk() throws Exception {
        Scene scene = scene();
        for (int i = 1; i <= 3; i++) {
            tenant.deliver(scene.shared().address(), "customer@example.com", "Question " + i, "Body " + i);
            Thread.sleep(1100);
        }
        GraphServiceClient graph = clients.graph(scene.token());
        MessageCollectionResponse page = graph.users().byUserId(scene.shared().address()).mailFolders()
                .byMailFolderId("inbox").messages().get(request -> {
                    request.queryParameters.top = 2;
                    request.queryParameters.select = new String[] {"subject", "isRead", "receivedDateTime"};
                    request.queryParameters.orderby = new String[] {"receivedDateTime desc"};
                });
        assertEquals(List.of("Question 3", "Question 2"), page.getValue().stream().map(Message::getSubject).toList());
        assertNull(page.getValue().get(0).getBody(), "$select leaves the body out");
        assertNotNull(page.getOdataNextLink());
        MessageCollectionResponse next = graph.users().byUserId(scene.shared().address()).mailFolders().byMailFolderId("inbox")
                .messages().withUrl(page.getOdataNextLink()).get();
        assertEquals(List.of("Question 1"), next.getValue().stream().map(Message::getSubject).toList());
        assertNull(next.getOdataNextLink());

        HttpResponse<String> raw = clients.graphGet(scene.token(), "/users/" + scene.shared().address().toUpperCase()
                + "/mailFolders('Inbox')/messages?$filter=receivedDateTime%20ge%202000-01-01T00:00:00Z&$top=1");
        assertEquals(200, raw.statusCode(), raw.body());
        JsonNode body = EmulatorTestClients.json(raw);
        assertTrue(body.get("@odata.context").asText().contains("$metadata#users("));
        JsonNode message = body.get("value").get(0);
        for (String field : List.of("id", "@odata.etag", "createdDateTime", "lastModifiedDateTime", "changeKey", "receivedDateTime",
                "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance", "parentFolderId",
                "conversationId", "isRead", "isDraft", "body", "sender", "from", "toRecipients", "ccRecipients")) {
            assertTrue(message.has(field), field);
        }
        assertTrue(message.get("receivedDateTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals("customer@example.com", message.get("from").get("emailAddress").get("address").asText());
    }

    @Test
    void sharedMailboxNeedsFullAccessAndASharedScope() {
        DirectoryUser bob = tenant.createUser(unique("bob"), "Bob");
        Mailbox shared = tenant.createSharedMailbox(unique("sales"), "Sales");
        String sharedScopes = clients.signInToken(bob.upn(), "https://graph.microsoft.com/Mail.Read.Shared");
        // Without Full Access the mailbox's folders are "not found" to bob, its unscoped message collection is denied.
        HttpResponse<String> hiddenFolder = clients.graphGet(sharedScopes, "/users/" + shared.address() + "/mailFolders/inbox/messages");
        assertEquals(404, hiddenFolder.statusCode());
        JsonNode hidden = EmulatorTestClients.json(hiddenFolder).get("error");
        assertEquals("ErrorItemNotFound", hidden.get("code").asText());
        assertEquals("The specified object was not found in the store., The process failed to get the correct properties.",
                hidden.get("message").asText());
        HttpResponse<String> noFullAccess = clients.graphGet(sharedScopes, "/users/" + shared.address() + "/messages");
        assertEquals(403, noFullAccess.statusCode());
        JsonNode error = EmulatorTestClients.json(noFullAccess).get("error");
        assertEquals("ErrorAccessDenied", error.get("code").asText());
        assertEquals("Access is denied. Check credentials and try again.", error.get("message").asText());
        assertNotNull(error.get("innerError").get("date"));
        assertNotNull(error.get("innerError").get("request-id"));
        assertNotNull(error.get("innerError").get("client-request-id"));

        tenant.grantFullAccess(shared.address(), bob.upn());
        assertEquals(200, clients.graphGet(sharedScopes, "/users/" + shared.address() + "/mailFolders/inbox/messages").statusCode());
        String ownScopesOnly = clients.signInToken(bob.upn(), "https://graph.microsoft.com/Mail.Read");
        assertEquals(403, clients.graphGet(ownScopesOnly, "/users/" + shared.address() + "/mailFolders/inbox/messages").statusCode());
        assertEquals(200, clients.graphGet(ownScopesOnly, "/me/mailFolders/inbox/messages").statusCode());

        GraphServiceClient graph = clients.graph(ownScopesOnly);
        ODataError sdkError = assertThrows(ODataError.class, () -> graph.users().byUserId(shared.address()).mailFolders()
                .byMailFolderId("inbox").messages().get());
        assertEquals(403, sdkError.getResponseStatusCode());
        assertEquals("ErrorAccessDenied", sdkError.getError().getCode());
    }

    @Test
    void permissionChangesTakeEffectAfterThePropagationDelay() throws Exception {
        try (M365Emulator slow = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true)
                .withPermissionPropagationDelay(Duration.ofMillis(1500)))) {
            EmulatorTestClients slowClients = new EmulatorTestClients(slow);
            DirectoryUser user = slow.tenant().createUser("carol@contoso.test", "Carol");
            Mailbox shared = slow.tenant().createSharedMailbox("hr@contoso.test", "HR");
            String token = slowClients.signInToken(user.upn(), "https://graph.microsoft.com/Mail.Read.Shared");
            slow.tenant().grantFullAccess(shared.address(), user.upn());
            assertEquals(404, slowClients.graphGet(token, "/users/hr@contoso.test/mailFolders/inbox/messages").statusCode());
            Thread.sleep(1600);
            assertEquals(200, slowClients.graphGet(token, "/users/hr@contoso.test/mailFolders/inbox/messages").statusCode());
            slow.tenant().revokeFullAccess(shared.address(), user.upn());
            assertEquals(200, slowClients.graphGet(token, "/users/hr@contoso.test/mailFolders/inbox/messages").statusCode());
            Thread.sleep(1600);
            assertEquals(404, slowClients.graphGet(token, "/users/hr@contoso.test/mailFolders/inbox/messages").statusCode());
        }
    }

    @Test
    void thePropagationDelayCanBeChangedWhileTheTenantRuns() {
        Scene scene = scene();
        DirectoryUser late = tenant.createUser(unique("late"), "Late");
        String token = clients.signInToken(late.upn(), "https://graph.microsoft.com/Mail.Read.Shared");
        String inbox = "/users/" + scene.shared().address() + "/mailFolders/inbox/messages";
        Duration delay = Duration.ofSeconds(3);
        tenant.setPermissionPropagationDelay(delay);
        try {
            long granted = System.nanoTime();
            tenant.grantFullAccess(scene.shared().address(), late.upn());
            assertEquals(404, clients.graphGet(token, inbox).statusCode(), "a grant is not effective at once (the folder stays hidden)");
            assertEquals(200, awaitStatus(token, inbox, 200), "the grant becomes effective");
            assertTrue(System.nanoTime() - granted >= delay.toNanos(), "not before the delay");

            long revoked = System.nanoTime();
            tenant.revokeFullAccess(scene.shared().address(), late.upn());
            assertEquals(200, clients.graphGet(token, inbox).statusCode(), "a revocation takes as long");
            assertEquals(404, awaitStatus(token, inbox, 404));
            assertTrue(System.nanoTime() - revoked >= delay.toNanos());
        } finally {
            tenant.setPermissionPropagationDelay(Duration.ZERO);
        }
        tenant.grantFullAccess(scene.shared().address(), late.upn());
        assertEquals(200, clients.graphGet(token, inbox).statusCode(), "without a delay a change is effective at once");
        assertThrows(IllegalArgumentException.class, () -> tenant.setPermissionPropagationDelay(Duration.ofSeconds(-1)));
    }

    /** Polls a Graph GET until it answers {@code expected} (at most ten seconds); the last status otherwise. */
    private static int awaitStatus(String token, String path, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = clients.graphGet(token, path).statusCode();
        while (status != expected && System.nanoTime() < deadline) {
            pause();
            status = clients.graphGet(token, path).statusCode();
        }
        return status;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void unknownAddressesDistributionListsAndOldUpnsAreNotFound() {
        Scene scene = scene();
        String unknown = unique("nobody");
        HttpResponse<String> missing = clients.graphGet(scene.token(), "/users/" + unknown + "/mailFolders/inbox/messages");
        assertEquals(404, missing.statusCode());
        JsonNode error = EmulatorTestClients.json(missing).get("error");
        assertEquals("ErrorInvalidUser", error.get("code").asText());
        assertEquals("The requested user '" + unknown + "' is invalid.", error.get("message").asText());

        String list = unique("everyone");
        tenant.createDistributionList(list, "Everyone");
        HttpResponse<String> dl = clients.graphGet(scene.token(), "/users/" + list + "/mailFolders/inbox/messages");
        assertEquals(404, dl.statusCode());
        assertEquals("ResourceNotFound", EmulatorTestClients.json(dl).get("error").get("code").asText());

        String oldUpn = scene.user().upn();
        String newUpn = unique("alice.renamed");
        tenant.renameUser(scene.user().oid(), newUpn);
        assertEquals(404, clients.graphGet(scene.token(), "/users/" + oldUpn + "/mailFolders/inbox/messages").statusCode());
        assertEquals(200, clients.graphGet(scene.token(), "/users/" + scene.user().oid() + "/mailFolders/inbox/messages").statusCode());
        JsonNode me = EmulatorTestClients.json(clients.graphGet(scene.token(), "/me"));
        assertEquals(newUpn, me.get("userPrincipalName").asText());
        assertEquals(scene.user().oid(), me.get("id").asText());

        HttpResponse<String> unknownMessage = clients.graphGet(scene.token(), "/me/messages/"
                + MessageIds.message(999_999, 1, true));
        assertEquals(404, unknownMessage.statusCode());
        assertEquals("ErrorItemNotFound", EmulatorTestClients.json(unknownMessage).get("error").get("code").asText());
    }

    @Test
    void deltaPagesThenReportsUpdatesRemovalsAndNewMail() {
        Scene scene = scene();
        tenant.seedMessages(scene.shared().address(), "inbox", 25);
        GraphServiceClient graph = clients.graph(scene.token());
        var messages = graph.users().byUserId(scene.shared().address()).mailFolders().byMailFolderId("inbox").messages();
        DeltaGetResponse page = messages.delta().get(request -> {
            request.headers.add("Prefer", "odata.maxpagesize=10");
            request.headers.add("Prefer", "IdType=\"ImmutableId\"");
            request.queryParameters.select = new String[] {"subject", "isRead"};
        });
        Set<String> ids = new HashSet<>();
        int pages = 1;
        ids.addAll(page.getValue().stream().map(Message::getId).toList());
        assertEquals(10, page.getValue().size());
        assertNull(page.getValue().get(0).getBody(), "the first request's $select travels in the links");
        while (page.getOdataNextLink() != null) {
            assertTrue(page.getOdataNextLink().startsWith(emulator.graphBaseUrl() + "/users/"));
            page = messages.delta().withUrl(page.getOdataNextLink()).get(request -> {
                request.headers.add("Prefer", "odata.maxpagesize=10");
                request.headers.add("Prefer", "IdType=\"ImmutableId\"");
            });
            ids.addAll(page.getValue().stream().map(Message::getId).toList());
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(25, ids.size());
        String deltaLink = page.getOdataDeltaLink();
        assertNotNull(deltaLink);
        assertTrue(ids.stream().allMatch(id -> id.startsWith("AAkALgAA")), "immutable ids were asked for");

        List<String> idList = new ArrayList<>(ids);
        tenant.markRead(scene.shared().address(), idList.get(0), true);
        tenant.markRead(scene.shared().address(), idList.get(1), false);
        tenant.deleteMessage(scene.shared().address(), idList.get(2));
        String fresh = tenant.deliver(scene.shared().address(), "new@example.com", "Fresh", "Hello");

        DeltaGetResponse changes = messages.delta().withUrl(deltaLink).get(request ->
                request.headers.add("Prefer", "IdType=\"ImmutableId\""));
        Map<String, Message> byId = new HashMap<>();
        changes.getValue().forEach(message -> byId.put(message.getId(), message));
        assertNotNull(changes.getOdataDeltaLink());
        assertTrue(byId.containsKey(fresh));
        assertEquals("Fresh", byId.get(fresh).getSubject());
        Message removed = byId.get(idList.get(2));
        assertNotNull(removed.getAdditionalData().get("@removed"), "deleted items come as @removed");
        boolean firstWasUnread = byId.containsKey(idList.get(0));
        assertTrue(firstWasUnread || byId.size() >= 2);
        assertEquals(Boolean.TRUE, byId.get(idList.get(0)).getIsRead());

        DeltaGetResponse nothing = messages.delta().withUrl(changes.getOdataDeltaLink()).get();
        assertTrue(nothing.getValue().isEmpty());

        tenant.expireDeltaTokens(scene.shared().address());
        ODataError gone = assertThrows(ODataError.class, () -> messages.delta().withUrl(changes.getOdataDeltaLink()).get());
        assertEquals(410, gone.getResponseStatusCode());
        assertEquals("syncStateNotFound", gone.getError().getCode());
        assertEquals(25, messages.delta().get(request -> request.headers.add("Prefer", "odata.maxpagesize=1000"))
                .getValue().size(), "a fresh initial sync works after expiry");
    }

    @Test
    void theFolderDeltaListsEveryFolderOfTheMailboxInPagesThenOnlyTheFoldersCreatedSince() {
        Scene scene = scene();
        String address = scene.shared().address();
        GraphServiceClient graph = clients.graph(scene.token());
        var folders = graph.users().byUserId(address).mailFolders();
        String customers = tenant.createFolder(address, "inbox", "Customers");
        String vip = tenant.createFolder(address, customers, "VIP");

        List<String> first = new ArrayList<>();
        var page = folders.delta().get(request -> request.headers.add("Prefer", "odata.maxpagesize=3"));
        int pages = 1;
        while (page.getOdataNextLink() != null) {
            assertEquals(3, page.getValue().size());
            assertNull(page.getOdataDeltaLink());
            page.getValue().forEach(folder -> first.add(folder.getDisplayName()));
            String next = page.getOdataNextLink();
            page = folders.delta().withUrl(next).get();
            pages++;
        }
        page.getValue().forEach(folder -> first.add(folder.getDisplayName()));
        assertTrue(first.containsAll(List.of("Inbox", "Sent Items", "Customers", "VIP")),
                "every folder of the mailbox, at every level: " + first);
        assertTrue(pages >= 2, "pages of at most odata.maxpagesize");
        String deltaLink = page.getOdataDeltaLink();
        assertNotNull(deltaLink);

        var unchanged = folders.delta().withUrl(deltaLink).get();
        assertTrue(unchanged.getValue().isEmpty(), "nothing changed since the last round");
        String projects = tenant.createFolder(address, vip, "Projects");
        var changed = folders.delta().withUrl(unchanged.getOdataDeltaLink()).get();
        assertEquals(List.of(projects), changed.getValue().stream().map(MailFolder::getId).toList());
        assertEquals(vip, changed.getValue().get(0).getParentFolderId());

        tenant.expireDeltaTokens(address);
        ODataError gone = assertThrows(ODataError.class, () -> folders.delta().withUrl(changed.getOdataDeltaLink()).get());
        assertEquals(410, gone.getResponseStatusCode());
        assertEquals("syncStateNotFound", gone.getError().getCode());
    }

    @Test
    void theFolderTreeListsOneLevelAtATimeInPagesAndAMoveShowsInBothFoldersDeltas() {
        Scene scene = scene();
        String address = scene.shared().address();
        GraphServiceClient graph = clients.graph(scene.token());
        var folders = graph.users().byUserId(address).mailFolders();
        MailFolder created = folders.byMailFolderId("inbox").childFolders().post(folderNamed("Customers"));
        assertEquals(folders.byMailFolderId("inbox").get().getId(), created.getParentFolderId());
        ODataError twice = assertThrows(ODataError.class, () -> folders.byMailFolderId("inbox").childFolders().post(folderNamed("customers")));
        assertEquals(409, twice.getResponseStatusCode());
        String vip = tenant.createFolder(address, created.getId(), "VIP");

        // The root's children only, 10 a page by default; Customers is under Inbox, VIP under Customers.
        var top = folders.get();
        List<String> names = new ArrayList<>(top.getValue().stream().map(MailFolder::getDisplayName).toList());
        for (String next = top.getOdataNextLink(); next != null; ) {
            var page = folders.withUrl(next).get();
            names.addAll(page.getValue().stream().map(MailFolder::getDisplayName).toList());
            next = page.getOdataNextLink();
        }
        assertTrue(names.containsAll(List.of("Inbox", "Sent Items", "Deleted Items", "Junk Email", "Drafts")), names.toString());
        assertFalse(names.contains("Customers"), "mailFolders lists only the folders under the root");
        var underInbox = folders.byMailFolderId("inbox").childFolders().get();
        assertEquals(List.of("Customers"), underInbox.getValue().stream().map(MailFolder::getDisplayName).toList());
        assertEquals(1, underInbox.getValue().get(0).getChildFolderCount());
        assertEquals(List.of(vip), folders.byMailFolderId(created.getId()).childFolders().get().getValue().stream()
                .map(MailFolder::getId).toList());
        var paged = folders.get(request -> request.queryParameters.top = 2);
        assertEquals(2, paged.getValue().size());
        assertNotNull(paged.getOdataNextLink());

        // A move: the source folder's delta reports it removed, the target's as new, with the same immutable id.
        String id = tenant.deliver(address, "customer@example.com", "File me", "x");
        var inboxDelta = folders.byMailFolderId("inbox").messages().delta();
        var vipDelta = folders.byMailFolderId(vip).messages().delta();
        String inboxLink = drain(inboxDelta, inboxDelta.get(request -> request.headers.add("Prefer", "IdType=\"ImmutableId\"")));
        String vipLink = drain(vipDelta, vipDelta.get(request -> request.headers.add("Prefer", "IdType=\"ImmutableId\"")));
        tenant.moveMessage(address, id, vip);
        DeltaGetResponse left = inboxDelta.withUrl(inboxLink).get(request -> request.headers.add("Prefer", "IdType=\"ImmutableId\""));
        assertEquals(List.of(id), left.getValue().stream().map(Message::getId).toList());
        assertNotNull(left.getValue().get(0).getAdditionalData().get("@removed"));
        DeltaGetResponse arrived = vipDelta.withUrl(vipLink).get(request -> request.headers.add("Prefer", "IdType=\"ImmutableId\""));
        assertEquals(List.of(id), arrived.getValue().stream().map(Message::getId).toList());
        assertEquals("File me", arrived.getValue().get(0).getSubject());
        assertEquals(vip, arrived.getValue().get(0).getParentFolderId());
    }

    @Test
    void theServiceAsksMicrosoftForTheHistoryDepthOnlyWithTheFilterDeltaTakes() {
        Scene scene = scene();
        tenant.seedMessages(scene.shared().address(), "inbox", 40); // received one second apart, the newest a second ago
        GraphServiceClient graph = clients.graph(scene.token());
        Instant notBefore = Instant.now().minusSeconds(20);
        DeltaReader reader = new DeltaReader();
        DeltaPage page = reader.read(graph, scene.shared().address(), Folder.INBOX, null, 7, notBefore);
        List<MessageChange> listed = new ArrayList<>(page.changes());
        while (!page.isLast()) {
            page = reader.read(graph, scene.shared().address(), Folder.INBOX, page.nextLink(), 7);
            listed.addAll(page.changes());
        }
        assertFalse(listed.isEmpty());
        assertTrue(listed.size() <= 21, "older mail is never downloaded: " + listed.size());
        assertTrue(listed.stream().allMatch(change -> !change.receivedAt().isBefore(notBefore.truncatedTo(ChronoUnit.SECONDS))));
        for (int i = 1; i < listed.size(); i++) {
            assertFalse(listed.get(i).receivedAt().isAfter(listed.get(i - 1).receivedAt()), "newest first");
        }
        assertNotNull(page.deltaLink());
        String fresh = tenant.deliver(scene.shared().address(), "customer@example.com", "After the round", "x");
        DeltaPage next = reader.read(graph, scene.shared().address(), Folder.INBOX, page.deltaLink(), 7);
        assertTrue(next.changes().stream().anyMatch(change -> change.subject() != null && change.subject().equals("After the round")),
                "the filter travels in the delta link and new mail still comes: " + fresh);
    }

    private static MailFolder folderNamed(String name) {
        MailFolder folder = new MailFolder();
        folder.setDisplayName(name);
        return folder;
    }

    private static String drain(com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaRequestBuilder delta,
                                DeltaGetResponse page) {
        while (page.getOdataNextLink() != null) {
            page = delta.withUrl(page.getOdataNextLink()).get();
        }
        return page.getOdataDeltaLink();
    }

    @Test
    void deltaAnswersThePageSizePreferenceAndTheParenthesisedPath() {
        Scene scene = scene();
        tenant.seedMessages(scene.shared().address(), "inbox", 3);
        HttpResponse<String> response = clients.graphGet(scene.token(), "/users/" + scene.shared().address()
                + "/mailFolders('inbox')/messages/delta()?$select=subject", "Prefer", "odata.maxpagesize=2");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("odata.maxpagesize=2", response.headers().firstValue("Preference-Applied").orElse(null));
        JsonNode body = EmulatorTestClients.json(response);
        assertEquals(emulator.graphBaseUrl() + "/$metadata#Collection(message)", body.get("@odata.context").asText());
        assertTrue(body.get("@odata.nextLink").asText().contains("/messages/delta?$skiptoken="));
        JsonNode item = body.get("value").get(0);
        assertEquals("#microsoft.graph.message", item.get("@odata.type").asText());
        assertTrue(item.get("@odata.etag").asText().startsWith("W/\""));
        assertTrue(item.get("id").asText().startsWith("AAMkAD"), "regular ids without the preference");
        assertFalse(item.has("body"));
    }

    @Test
    void immutableAndRegularIdsDifferButBothWork() {
        Scene scene = scene();
        String immutable = tenant.deliver(scene.shared().address(), "x@example.com", "Ids", "Body");
        assertTrue(immutable.startsWith("AAkALgAA"));
        JsonNode regular = EmulatorTestClients.json(clients.graphGet(scene.token(), "/users/" + scene.shared().address()
                + "/mailFolders/inbox/messages"));
        String regularId = regular.get("value").get(0).get("id").asText();
        assertTrue(regularId.startsWith("AAMkAD"));
        assertFalse(regularId.equals(immutable));
        JsonNode viaImmutable = EmulatorTestClients.json(clients.graphGet(scene.token(), "/users/" + scene.shared().address()
                + "/messages/" + regularId, "Prefer", "IdType=\"ImmutableId\""));
        assertEquals(immutable, viaImmutable.get("id").asText());
    }

    @Test
    void patchMarksReadAndNeedsAWriteScope() {
        Scene scene = scene();
        String id = tenant.deliver(scene.shared().address(), "x@example.com", "Patch me", "Body");
        GraphServiceClient graph = clients.graph(scene.token());
        Message change = new Message();
        change.setIsRead(true);
        Message updated = graph.users().byUserId(scene.shared().address()).messages().byMessageId(id).patch(change);
        assertEquals(Boolean.TRUE, updated.getIsRead());
        assertEquals(Boolean.TRUE, graph.users().byUserId(scene.shared().address()).messages().byMessageId(id).get().getIsRead());

        String readOnly = clients.signInToken(scene.user().upn(), "https://graph.microsoft.com/Mail.Read.Shared");
        HttpResponse<String> denied = clients.graphSend("PATCH", readOnly, "/users/" + scene.shared().address() + "/messages/" + id,
                "{\"isRead\":false}");
        assertEquals(403, denied.statusCode());
    }

    @Test
    void sendAsOnBehalfAndDeniedFollowExchangeRules() {
        Scene scene = scene();
        DirectoryUser colleague = tenant.createUser(unique("dave"), "Dave");
        GraphServiceClient graph = clients.graph(scene.token());

        ODataError denied = assertThrows(ODataError.class, () -> graph.users().byUserId(scene.shared().address()).sendMail()
                .post(sendMailBody("No rights", colleague.upn(), null)));
        assertEquals(403, denied.getResponseStatusCode());
        assertEquals("ErrorSendAsDenied", denied.getError().getCode());
        assertEquals("The user account which was used to submit this request does not have the right to send mail on behalf"
                + " of the specified sending account. Cannot submit message.", denied.getError().getMessage());

        tenant.grantSendOnBehalf(scene.shared().address(), scene.user().upn());
        graph.users().byUserId(scene.shared().address()).sendMail().post(sendMailBody("On behalf", colleague.upn(), null));
        SentMail onBehalf = lastSent("On behalf");
        assertEquals(scene.shared().address(), onBehalf.from());
        assertEquals(scene.user().upn(), onBehalf.sender());
        assertEquals(scene.shared().address(), onBehalf.savedToSentItemsOf());
        assertEquals(1, tenant.messageCount(scene.shared().address(), "sentitems"));
        assertTrue(tenant.subjects(colleague.upn(), "inbox").contains("On behalf"), "internal recipients get the mail");

        tenant.grantSendAs(scene.shared().address(), scene.user().upn());
        graph.me().sendMail().post(sendMailBody("Send as via me", colleague.upn(), scene.shared().address()));
        SentMail sendAs = lastSent("Send as via me");
        assertEquals(scene.shared().address(), sendAs.from());
        assertEquals(scene.shared().address(), sendAs.sender());
        assertEquals(scene.user().upn(), sendAs.savedToSentItemsOf(), "/me keeps the copy in the user's own Sent Items");
        assertEquals(1, tenant.messageCount(scene.user().upn(), "sentitems"));
        assertEquals(1, tenant.messageCount(scene.shared().address(), "sentitems"));

        JsonNode sent = EmulatorTestClients.json(clients.graphGet(scene.token(), "/users/" + scene.shared().address()
                + "/mailFolders/sentitems/messages"));
        JsonNode copy = sent.get("value").get(0);
        assertEquals(scene.user().upn(), copy.get("sender").get("emailAddress").get("address").asText());
        assertEquals(scene.shared().address(), copy.get("from").get("emailAddress").get("address").asText());
    }

    @Test
    void ccAndBccRecipientsGetTheMailButNoCopyNamesTheBcc() {
        Scene scene = scene();
        tenant.grantSendAs(scene.shared().address(), scene.user().upn());
        DirectoryUser copied = tenant.createUser(unique("cc"), "Copied");
        DirectoryUser blind = tenant.createUser(unique("bcc"), "Blind");
        SendMailPostRequestBody request = sendMailBody("With copies", "customer@example.com", scene.shared().address());
        request.getMessage().setCcRecipients(List.of(recipient(copied.upn())));
        request.getMessage().setBccRecipients(List.of(recipient(blind.upn())));
        clients.graph(scene.token()).users().byUserId(scene.shared().address()).sendMail().post(request);

        SentMail sent = lastSent("With copies");
        assertEquals(List.of("customer@example.com"), sent.to());
        assertEquals(List.of(copied.upn()), sent.cc());
        assertEquals(List.of(blind.upn()), sent.bcc());
        ReceivedMail atCopied = tenant.inbox(copied.upn()).get(0);
        assertEquals("With copies", atCopied.subject());
        assertEquals(List.of("customer@example.com"), atCopied.to());
        assertEquals(List.of(copied.upn()), atCopied.cc());
        ReceivedMail atBlind = tenant.inbox(blind.upn()).get(0);
        assertEquals("With copies", atBlind.subject(), "the Bcc recipient gets the mail");
        assertEquals(atCopied.to(), atBlind.to());
        assertEquals(atCopied.cc(), atBlind.cc(), "and no copy names the Bcc recipient");
        assertEquals(atCopied.internetMessageId(), atBlind.internetMessageId());
    }

    @Test
    void replyAllAnswersTheSenderAndEveryRecipientButTheMailboxItself() {
        Scene scene = scene();
        String shared = scene.shared().address();
        tenant.grantSendAs(shared, scene.user().upn());
        String original = tenant.deliver(shared, "customer@example.com", List.of(shared, "colleague@example.com"),
                List.of("boss@example.com", shared), "Order question", "Where is it?");
        clients.graph(scene.token()).users().byUserId(shared).messages().byMessageId(original).replyAll()
                .post(new com.microsoft.graph.users.item.messages.item.replyall.ReplyAllPostRequestBody());
        SentMail sent = lastSent("RE: Order question");
        assertEquals(List.of("customer@example.com", "colleague@example.com"), sent.to());
        assertEquals(List.of("boss@example.com"), sent.cc());
        assertEquals(shared, sent.from());
    }

    @Test
    void forwardQuotesTheOriginalBelowTheCommentAndRefusesWhatGraphRefuses() {
        Scene scene = scene();
        String shared = scene.shared().address();
        tenant.grantSendAs(shared, scene.user().upn());
        DirectoryUser colleague = tenant.createUser(unique("fwd"), "Colleague");
        DirectoryUser blind = tenant.createUser(unique("fwdbcc"), "Blind");
        String original = tenant.deliver(shared, "customer@example.com", "Invoice 77", "Please check the amount");
        var item = clients.graph(scene.token()).users().byUserId(shared).messages().byMessageId(original);

        var forward = new com.microsoft.graph.users.item.messages.item.forward.ForwardPostRequestBody();
        forward.setComment("Billing, yours.");
        forward.setToRecipients(List.of(recipient(colleague.upn())));
        Message changes = new Message();
        changes.setBccRecipients(List.of(recipient(blind.upn())));
        forward.setMessage(changes);
        item.forward().post(forward);
        SentMail sent = lastSent("FW: Invoice 77");
        assertEquals(List.of(colleague.upn()), sent.to());
        assertEquals(List.of(blind.upn()), sent.bcc());
        assertTrue(sent.body().indexOf("Billing, yours.") < sent.body().indexOf("Please check the amount")
                && sent.body().contains("Billing, yours."), sent.body());
        assertEquals(null, sent.inReplyTo(), "a forward answers nothing");
        assertEquals(List.of(colleague.upn()), tenant.inbox(blind.upn()).get(0).to(), "the Bcc gets it, unnamed");

        var nobody = new com.microsoft.graph.users.item.messages.item.forward.ForwardPostRequestBody();
        nobody.setComment("To whom?");
        var refused = org.junit.jupiter.api.Assertions.assertThrows(com.microsoft.kiota.ApiException.class,
                () -> item.forward().post(nobody));
        assertEquals(400, refused.getResponseStatusCode(), "no recipient");

        var both = new com.microsoft.graph.users.item.messages.item.reply.ReplyPostRequestBody();
        both.setComment("Text");
        Message withBody = new Message();
        com.microsoft.graph.models.ItemBody body = new com.microsoft.graph.models.ItemBody();
        body.setContent("Other text");
        withBody.setBody(body);
        both.setMessage(withBody);
        var twice = org.junit.jupiter.api.Assertions.assertThrows(com.microsoft.kiota.ApiException.class,
                () -> item.reply().post(both));
        assertEquals(400, twice.getResponseStatusCode(), "comment and message.body together: Graph's 400");
    }

    @Test
    void replyKeepsTheConversationAndLandsInSentItems() {
        Scene scene = scene();
        DirectoryUser customer = tenant.createUser(unique("erin"), "Erin");
        tenant.grantSendAs(scene.shared().address(), scene.user().upn());
        String original = tenant.deliver(scene.shared().address(), customer.upn(), "Broken printer", "It is broken");
        GraphServiceClient graph = clients.graph(scene.token());
        Message received = graph.users().byUserId(scene.shared().address()).messages().byMessageId(original).get();
        ReplyPostRequestBody reply = new ReplyPostRequestBody();
        reply.setComment("We are on it.");
        graph.users().byUserId(scene.shared().address()).messages().byMessageId(original).reply().post(reply);

        SentMail sent = lastSent("RE: Broken printer");
        assertEquals(received.getConversationId(), sent.conversationId());
        assertEquals(received.getInternetMessageId(), sent.inReplyTo());
        assertEquals(List.of(customer.upn()), sent.to());
        assertEquals(scene.shared().address(), sent.from());
        assertEquals(scene.shared().address(), sent.savedToSentItemsOf());
        assertTrue(sent.body().contains("We are on it."));
        String toAll = tenant.deliver(scene.shared().address(), customer.upn(), "Team question", "Who knows?");
        graph.users().byUserId(scene.shared().address()).messages().byMessageId(toAll).replyAll()
                .post(new com.microsoft.graph.users.item.messages.item.replyall.ReplyAllPostRequestBody());
        assertEquals(List.of(customer.upn()), lastSent("RE: Team question").to(), "reply all leaves the mailbox itself out");
        Message replyInInbox = clients.graph(clients.signInToken(customer.upn(), "https://graph.microsoft.com/Mail.Read"))
                .me().mailFolders().byMailFolderId("inbox").messages().get(request ->
                        request.queryParameters.filter = "isRead eq false").getValue().stream()
                .filter(message -> message.getSubject().equals("RE: Broken printer")).findFirst().orElseThrow();
        assertEquals(received.getConversationId(), replyInInbox.getConversationId());
    }

    @Test
    void threadingHeadersComeOnlyWhenSelectedAndNotOnSentItemsCopies() {
        Scene scene = scene();
        String shared = scene.shared().address();
        tenant.grantSendAs(shared, scene.user().upn());
        String question = tenant.deliverFromOutside("jo@customer.example", List.of(shared), List.of(), "Parcel", "Broken", null, null);
        GraphServiceClient graph = clients.graph(scene.token());
        Message received = graph.users().byUserId(shared).mailFolders().byMailFolderId("inbox").messages().get()
                .getValue().get(0);
        assertEquals(question, received.getInternetMessageId());
        assertNull(received.getInternetMessageHeaders(), "returned only on applying a $select query option");
        graph.users().byUserId(shared).messages().byMessageId(received.getId()).reply().post(new ReplyPostRequestBody());
        SentMail reply = lastSent("RE: Parcel");
        tenant.deliverFromOutside("jo@customer.example", List.of(shared), List.of(), "RE: Parcel", "Thanks",
                reply.internetMessageId(), question + " " + reply.internetMessageId());

        var inbox = graph.users().byUserId(shared).mailFolders().byMailFolderId("inbox").messages().delta().get(request ->
                request.queryParameters.select = new String[]{"subject", "conversationId", "internetMessageHeaders"}).getValue();
        Message answer = inbox.stream().filter(message -> "RE: Parcel".equals(message.getSubject())).findFirst().orElseThrow();
        assertEquals(received.getConversationId(), answer.getConversationId(), "the answer joins the mailbox's conversation");
        Map<String, String> headers = new java.util.HashMap<>();
        answer.getInternetMessageHeaders().forEach(header -> headers.put(header.getName(), header.getValue()));
        assertEquals(reply.internetMessageId(), headers.get("In-Reply-To"));
        assertEquals(question + " " + reply.internetMessageId(), headers.get("References"));
        var sent = graph.users().byUserId(shared).mailFolders().byMailFolderId("sentitems").messages().delta().get(request ->
                request.queryParameters.select = new String[]{"subject", "conversationId", "internetMessageHeaders"}).getValue();
        assertEquals(1, sent.size());
        assertEquals(received.getConversationId(), sent.get(0).getConversationId(), "our reply is in the conversation");
        assertNull(sent.get(0).getInternetMessageHeaders(), "a Sent Items copy has no transport headers");
    }

    @Test
    void appOnlyTokensReadAnyMailboxButNotMe() {
        Scene scene = scene();
        tenant.deliver(scene.shared().address(), "x@example.com", "For the daemon", "Body");
        String appToken = clients.appOnlyToken();
        GraphServiceClient graph = clients.graph(appToken);
        assertEquals("For the daemon", graph.users().byUserId(scene.shared().address()).mailFolders().byMailFolderId("inbox")
                .messages().get().getValue().get(0).getSubject());
        HttpResponse<String> me = clients.graphGet(appToken, "/me/messages");
        assertEquals(400, me.statusCode());
        assertEquals("/me request is only valid with delegated authentication flow.",
                EmulatorTestClients.json(me).get("error").get("message").asText());
        assertEquals(403, clients.graphSend("PATCH", appToken, "/users/" + scene.shared().address() + "/messages/"
                + tenant.deliver(scene.shared().address(), "x@example.com", "s", "b"), "{\"isRead\":true}").statusCode());
    }

    /**
     * Exchange RBAC for Applications: with a management scope, the app reads only the mailboxes in it; elsewhere 403
     * ErrorAccessDenied "Access to OData is disabled.", and an app-only subscription there is refused too. Changes apply
     * after the configured propagation delay (Microsoft: 30 minutes to 2 hours).
     */
    @Test
    void anAppOnlyScopeLimitsTheAppToItsMailboxesAfterThePropagationDelay() {
        Scene scene = scene();
        Mailbox outside = tenant.createSharedMailbox(unique("sales"), "Sales");
        String appToken = clients.appOnlyToken();
        try {
            tenant.limitAppOnlyScope(java.util.List.of(scene.shared().address()));
            assertEquals(200, clients.graphGet(appToken, "/users/" + scene.shared().address() + "/mailFolders/inbox").statusCode());
            HttpResponse<String> refused = clients.graphGet(appToken, "/users/" + outside.address() + "/mailFolders/inbox/messages");
            assertEquals(403, refused.statusCode());
            JsonNode error = EmulatorTestClients.json(refused).get("error");
            assertEquals("ErrorAccessDenied", error.get("code").asText());
            assertEquals("Access to OData is disabled.", error.get("message").asText());
            HttpResponse<String> subscription = clients.graphSend("POST", appToken, "/subscriptions", "{\"changeType\":\"created\","
                    + "\"notificationUrl\":\"https://127.0.0.1:1/n\",\"resource\":\"users/" + outside.address()
                    + "/mailFolders('inbox')/messages\",\"expirationDateTime\":\"" + tenant.now().plusSeconds(3600) + "\"}");
            assertEquals(403, subscription.statusCode(), subscription.body());
            assertTrue(EmulatorTestClients.json(subscription).get("error").get("message").asText().contains("Access to OData is disabled."));
            assertEquals(200, clients.graphGet(scene.token(), "/users/" + scene.shared().address() + "/mailFolders/inbox").statusCode(),
                    "delegated access is not the app's scope");

            tenant.setAppScopePropagationDelay(Duration.ofHours(1));
            tenant.unscopeAppOnly();
            assertEquals(403, clients.graphGet(appToken, "/users/" + outside.address() + "/mailFolders/inbox").statusCode(),
                    "Exchange still applies the old scope until the change propagates");
        } finally {
            tenant.setAppScopePropagationDelay(Duration.ZERO);
            tenant.unscopeAppOnly();
        }
        assertEquals(200, clients.graphGet(appToken, "/users/" + outside.address() + "/mailFolders/inbox").statusCode(), "unscoped: every mailbox");
    }

    @Test
    void expiredAndMissingTokensAre401WithAChallenge() throws Exception {
        try (M365Emulator quick = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true)
                .withAccessTokenLifetime(Duration.ofSeconds(1)))) {
            EmulatorTestClients quickClients = new EmulatorTestClients(quick);
            quick.tenant().createUser("frank@contoso.test", "Frank");
            String token = quickClients.signInToken("frank@contoso.test", "https://graph.microsoft.com/Mail.Read");
            Thread.sleep(1100);
            HttpResponse<String> expired = quickClients.graphGet(token, "/me/mailFolders/inbox/messages");
            assertEquals(401, expired.statusCode());
            JsonNode error = EmulatorTestClients.json(expired).get("error");
            assertEquals("InvalidAuthenticationToken", error.get("code").asText());
            assertEquals("Access token has expired or is not yet valid.", error.get("message").asText());
            assertTrue(expired.headers().firstValue("WWW-Authenticate").orElseThrow()
                    .contains("client_id=\"00000003-0000-0000-c000-000000000000\""));
            HttpResponse<String> empty = quickClients.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(quick.graphBaseUrl() + "/me/messages")).build());
            assertEquals(401, empty.statusCode());
            assertEquals("Access token is empty.", EmulatorTestClients.json(empty).get("error").get("message").asText());
            HttpResponse<String> forged = quickClients.graphGet(token.substring(0, token.lastIndexOf('.')) + ".AAAA",
                    "/me/messages");
            assertEquals(401, forged.statusCode());
        }
    }

    @Test
    void throttlingAnswers429WithRetryAfter() throws Exception {
        try (M365Emulator limited = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true)
                .withThrottleLimits(2, 6, Duration.ofMinutes(10)))) {
            EmulatorTestClients limitedClients = new EmulatorTestClients(limited);
            limited.tenant().createUser("gina@contoso.test", "Gina");
            String token = limitedClients.signInToken("gina@contoso.test", "https://graph.microsoft.com/Mail.Read");
            limited.tenant().addLatency(Duration.ofMillis(1500));
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> parallel = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                parallel.add(limitedClients.http().sendAsync(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(limited.graphBaseUrl() + "/me/mailFolders/inbox/messages"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = parallel.stream().map(java.util.concurrent.CompletableFuture::join).toList();
            HttpResponse<String> throttled = answers.stream().filter(answer -> answer.statusCode() == 429).findFirst().orElseThrow();
            assertEquals(2, answers.stream().filter(answer -> answer.statusCode() == 200).count());
            assertEquals("ApplicationThrottled", EmulatorTestClients.json(throttled).get("error").get("code").asText());
            assertEquals("Application is over its MailboxConcurrency limit.",
                    EmulatorTestClients.json(throttled).get("error").get("message").asText());
            assertTrue(throttled.headers().firstValue("Retry-After").isPresent());
            limited.tenant().addLatency(Duration.ZERO);

            HttpResponse<String> answer;
            int ok = 0;
            do {
                answer = limitedClients.graphGet(token, "/me/mailFolders/inbox/messages");
                ok++;
            } while (answer.statusCode() == 200 && ok < 20);
            assertEquals(429, answer.statusCode(), "the request budget of the window runs out");
            long retryAfter = Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 500 && retryAfter <= 600, "retry when the 10-minute window ends: " + retryAfter);
        }
    }

    @Test
    void injectedFaultsHitTheNextRequestsOnly() {
        Scene scene = scene();
        tenant.throttleNext(scene.shared().address(), 1, Duration.ofSeconds(1));
        HttpResponse<String> throttled = clients.graphGet(scene.token(), "/users/" + scene.shared().address() + "/mailFolders/inbox/messages");
        assertEquals(429, throttled.statusCode());
        assertEquals("1", throttled.headers().firstValue("Retry-After").orElseThrow());
        tenant.failNext(scene.shared().address(), 1, 503);
        assertEquals(503, clients.graphGet(scene.token(), "/users/" + scene.shared().address() + "/mailFolders/inbox/messages").statusCode());
        assertEquals(200, clients.graphGet(scene.token(), "/users/" + scene.shared().address() + "/mailFolders/inbox/messages").statusCode());

        tenant.throttleNext(scene.shared().address(), 1, Duration.ofSeconds(1));
        long started = System.nanoTime();
        MessageCollectionResponse afterRetry = clients.graph(scene.token()).users().byUserId(scene.shared().address())
                .mailFolders().byMailFolderId("inbox").messages().get();
        assertNotNull(afterRetry.getValue());
        assertTrue(System.nanoTime() - started >= 900_000_000L, "the SDK waited out Retry-After");
    }

    private static SentMail lastSent(String subject) {
        List<SentMail> sent = tenant.sentMail();
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).subject().equals(subject)) {
                return sent.get(i);
            }
        }
        throw new AssertionError("nothing sent with subject " + subject);
    }

    private static SendMailPostRequestBody sendMailBody(String subject, String to, String from) {
        Message message = new Message();
        message.setSubject(subject);
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Text);
        body.setContent("Hello from the emulator test");
        message.setBody(body);
        message.setToRecipients(List.of(recipient(to)));
        if (from != null) {
            message.setFrom(recipient(from));
        }
        SendMailPostRequestBody request = new SendMailPostRequestBody();
        request.setMessage(message);
        request.setSaveToSentItems(true);
        return request;
    }

    private static Recipient recipient(String address) {
        EmailAddress email = new EmailAddress();
        email.setAddress(address);
        Recipient recipient = new Recipient();
        recipient.setEmailAddress(email);
        return recipient;
    }
}

package com.workestra.sharedmailboxes.m365emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What tells one mailbox from another as Microsoft 365 shows it to a delegate: the Inbox folder's id (readable with the
 * .Shared scopes), which an address change keeps and a new mailbox at a reused address does not have.
 */
class M365EmulatorMailboxIdentityTest {

    private static final String READ_SHARED = "https://graph.microsoft.com/Mail.Read.Shared";

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;
    private static Tenant tenant;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true));
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

    private static String inboxId(String token, String address) {
        GraphServiceClient graph = clients.graph(token);
        MailFolder inbox = graph.users().byUserId(address).mailFolders().byMailFolderId("inbox")
                .get(request -> request.queryParameters.select = new String[]{"id"});
        return inbox.getId();
    }

    private static String errorCode(HttpResponse<String> response) {
        return EmulatorTestClients.json(response).get("error").get("code").asText();
    }

    @Test
    void aDelegateWithFullAccessReadsTheInboxIdWithTheSharedScopesButNotTheDirectoryObject() {
        DirectoryUser bob = tenant.createUser(unique("bob"), "Bob");
        Mailbox support = tenant.createSharedMailbox(unique("support"), "Support");
        String token = clients.signInToken(bob.upn(), READ_SHARED);

        ODataError hidden = assertThrows(ODataError.class, () -> inboxId(token, support.address()));
        assertEquals(404, hidden.getResponseStatusCode());
        assertEquals("ErrorItemNotFound", hidden.getError().getCode(), "a folder the person may not open is not found");

        tenant.grantFullAccess(support.address(), bob.upn());
        assertEquals(support.inboxId(), inboxId(token, support.address()));
        HttpResponse<String> user = clients.graphGet(token, "/users/" + support.address());
        assertEquals(403, user.statusCode(), "the directory object needs User.ReadBasic.All");
        assertEquals("Authorization_RequestDenied", EmulatorTestClients.json(user).get("error").get("code").asText());

        String basic = clients.signInToken(bob.upn(), READ_SHARED, "https://graph.microsoft.com/User.ReadBasic.All");
        HttpResponse<String> named = clients.graphGet(basic, "/users/" + support.address() + "?$select=displayName");
        assertEquals(200, named.statusCode(), named.body());
        assertEquals("Support", EmulatorTestClients.json(named).get("displayName").asText());
        assertFalse(EmulatorTestClients.json(named).has("mail"), "$select answers only what it names: " + named.body());
    }

    @Test
    void aRenamedSharedMailboxKeepsItsInboxIdAndMailWhileItsOldAddressIsAnInvalidUser() {
        DirectoryUser bob = tenant.createUser(unique("bob"), "Bob");
        String oldAddress = unique("support");
        Mailbox support = tenant.createSharedMailbox(oldAddress, "Support");
        tenant.grantFullAccess(oldAddress, bob.upn());
        String token = clients.signInToken(bob.upn(), READ_SHARED);
        tenant.deliver(oldAddress, "customer@example.com", "Before the rename", "Hello");
        String before = inboxId(token, oldAddress);
        JsonNode round = EmulatorTestClients.json(clients.graphGet(token, "/users/" + oldAddress + "/mailFolders/inbox/messages/delta"));
        String deltaLink = round.get("@odata.deltaLink").asText();

        String newAddress = unique("help");
        tenant.renameSharedMailbox(oldAddress, newAddress);

        HttpResponse<String> old = clients.graphGet(token, "/users/" + oldAddress + "/mailFolders/inbox?$select=id");
        assertEquals(404, old.statusCode());
        assertEquals("ErrorInvalidUser", errorCode(old));
        HttpResponse<String> oldLink = clients.get(deltaLink, Map.of("Authorization", "Bearer " + token));
        assertEquals(404, oldLink.statusCode(), "a delta link names the address it was made for");
        assertEquals("ErrorInvalidUser", errorCode(oldLink));
        assertEquals(before, inboxId(token, newAddress), "same mailbox, same folder id; Full Access kept");
        assertEquals(List.of("Before the rename"), tenant.subjects(newAddress, "inbox"));
        tenant.deliver(newAddress, "customer@example.com", "After the rename", "Hello again");
        assertEquals(2, tenant.messageCount(newAddress, "inbox"));
    }

    @Test
    void aSharedMailboxCreatedAgainAtItsAddressIsANewMailboxWithNewFolderIdsAndNoRights() {
        DirectoryUser bob = tenant.createUser(unique("bob"), "Bob");
        String address = unique("support");
        Mailbox first = tenant.createSharedMailbox(address, "Support");
        tenant.grantFullAccess(address, bob.upn());
        tenant.deliver(address, "customer@example.com", "For the old mailbox", "Hello");
        String token = clients.signInToken(bob.upn(), READ_SHARED);
        String firstInbox = inboxId(token, address);

        tenant.deleteMailbox(address);
        HttpResponse<String> gone = clients.graphGet(token, "/users/" + address + "/mailFolders/inbox?$select=id");
        assertEquals(404, gone.statusCode());
        assertEquals("ErrorInvalidUser", errorCode(gone));

        Mailbox second = tenant.createSharedMailbox(address, "Support");
        assertNotEquals(first.oid(), second.oid());
        ODataError noRights = assertThrows(ODataError.class, () -> inboxId(token, address));
        assertEquals(404, noRights.getResponseStatusCode(), "rights on the old mailbox are not rights on the new one");
        tenant.grantFullAccess(address, bob.upn());
        String secondInbox = inboxId(token, address);
        assertNotEquals(firstInbox, secondInbox);
        assertEquals(second.inboxId(), secondInbox);
        assertEquals(0, tenant.messageCount(address, "inbox"), "the new mailbox starts empty");
    }

    @Test
    void aNewUserWithAFormerColleaguesUpnIsANewObjectWithAnEmptyMailbox() {
        String upn = unique("alex");
        DirectoryUser former = tenant.createUser(upn, "Alex Former");
        String formerToken = clients.signInToken(upn, "https://graph.microsoft.com/Mail.Read");
        tenant.deliver(upn, "customer@example.com", "For the former Alex", "Hello");

        tenant.deleteMailbox(upn);
        assertEquals(401, clients.graphGet(formerToken, "/me/mailFolders/inbox/messages").statusCode());
        DirectoryUser hire = tenant.createUser(upn, "Alex New");
        assertNotEquals(former.oid(), hire.oid());

        String token = clients.signInToken(upn, "https://graph.microsoft.com/Mail.Read", "https://graph.microsoft.com/User.Read");
        assertEquals(hire.oid(), EmulatorTestClients.json(clients.graphGet(token, "/me")).get("id").asText());
        JsonNode inbox = EmulatorTestClients.json(clients.graphGet(token, "/me/mailFolders/inbox/messages"));
        assertEquals(0, inbox.get("value").size());
        assertEquals(List.of(hire.oid()), tenant.users().stream().filter(user -> user.upn().equals(upn)).map(DirectoryUser::oid).toList(),
                "the former colleague is gone from the directory");
    }
}

package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.m365emulator.DirectoryUser;
import com.workestra.sharedmailboxes.m365emulator.M365Emulator;
import com.workestra.sharedmailboxes.m365emulator.Tenant;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** A fresh Workestra workspace and Microsoft names of its own, so tests never see each other's data. */
public final class TestWorkspace {

    public final String id;
    public final String suffix;
    public final Tenant tenant;
    private final URL base;

    public TestWorkspace(URL base) {
        this.base = base;
        this.suffix = UUID.randomUUID().toString().substring(0, 8);
        this.id = "w-" + suffix;
        this.tenant = IntegrationEnvironment.emulator().tenant();
    }

    public String address(String localPart) {
        return localPart + "-" + suffix + "@contoso.test";
    }

    public String sharedMailbox(String localPart) {
        String address = address(localPart);
        tenant.createSharedMailbox(address, localPart);
        return address;
    }

    public Person person(String name) {
        DirectoryUser microsoft = tenant.createUser(address(name), "User " + name);
        String userId = "u-" + name + "-" + suffix;
        ApiClient api = ApiClient.at(base).as(IntegrationEnvironment.tokens().member(userId, name + "@workestra.test", id));
        return new Person(userId, microsoft, api);
    }

    /**
     * A person with a Workestra account at Workestra's identity provider (for the console: its ID tokens carry this
     * workspace and the groups) and a Microsoft account of their own. Their API token names the same user (the
     * provider's sub), so the console and the API show them the same connections.
     */
    public ConsolePerson consolePerson(String name, boolean admin) {
        return consolePerson(name, admin, "User " + name);
    }

    /** The same, with the display name their Microsoft account has in Entra ID (what Microsoft's sign-in reports). */
    public ConsolePerson consolePerson(String name, boolean admin, String microsoftDisplayName) {
        M365Emulator idp = IntegrationEnvironment.identityProvider();
        String login = name + "-" + suffix + "@workestra.test";
        idp.tenant().createUser(login, "Person " + name);
        idp.tenant().setDirectoryAttribute(login, "wid", id);
        idp.tenant().setGroups(login, admin ? List.of("member", "admin") : List.of("member"));
        String userId = idp.idTokenSubject(login);
        DirectoryUser microsoft = tenant.createUser(address(name), microsoftDisplayName);
        var tokens = IntegrationEnvironment.tokens();
        ApiClient api = ApiClient.at(base).as(admin ? tokens.admin(userId, login, id) : tokens.member(userId, login, id));
        return new ConsolePerson(login, userId, microsoft, api);
    }

    public record ConsolePerson(String login, String userId, DirectoryUser microsoft, ApiClient api) {
        public Person asApiPerson() {
            return new Person(userId, microsoft, api);
        }
    }

    public record Person(String userId, DirectoryUser microsoft, ApiClient api) {

        public UUID connect() {
            return OutlookSignInFlow.connect(api, microsoft.upn()).connection();
        }

        public UUID reconnect(UUID connection) {
            return OutlookSignInFlow.connect(api, microsoft.upn(), connection).connection();
        }

        public ApiClient.Reply addShared(UUID parent, String address) {
            return api.post("/api/v1/outlook/connections/" + parent + "/shared-mailboxes",
                    "{\"address\":\"" + address.replace("\"", "\\\"") + "\"}");
        }

        public UUID addSharedOk(UUID parent, String address) {
            ApiClient.Reply reply = addShared(parent, address);
            if (reply.status() != 201) {
                throw new AssertionError("adding " + address + " answered " + reply);
            }
            return UUID.fromString(reply.json().get("id").asText());
        }

        public JsonNode connection(UUID id) {
            return api.get("/api/v1/outlook/connections/" + id).json();
        }

        public String badge(UUID id) {
            return connection(id).get("health").get("badge").asText();
        }

        /** Waits (bounded) until the connection satisfies the condition; the last view otherwise. */
        public JsonNode awaitConnection(UUID id, Predicate<JsonNode> condition, Duration timeout) {
            return awaitConnection(id, condition, timeout, Duration.ofMillis(200));
        }

        /** The same, asking every {@code poll}: a benchmark asks seldom, so that its asking does not weigh on the server. */
        public JsonNode awaitConnection(UUID id, Predicate<JsonNode> condition, Duration timeout, Duration poll) {
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonNode view = connection(id);
            while (!condition.test(view) && System.nanoTime() < deadline) {
                sleep(poll.toMillis());
                view = connection(id);
            }
            return view;
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

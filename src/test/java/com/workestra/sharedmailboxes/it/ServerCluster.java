package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.m365emulator.ReceivedMail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link SeveralServersIT} and {@link SeveralServersBenchmark} share about several {@link ServerProcess}es on one
 * database: the settings each server runs with (the {@code push} container's, each server reachable by Graph at its own
 * address), the same person calling another server, each server's own count of the messages it stored, and the
 * comparison of a mailbox's stored messages with Exchange's by id.
 */
final class ServerCluster {

    private ServerCluster() {
    }

    /**
     * The push container's settings for a server whose HTTPS port is {@code httpsPort}: app-only push through the
     * emulator, renewal every 3 s, and the server's own address as the one Graph notifies.
     */
    static List<String> pushSettings(int httpsPort) {
        String emulatorPort = System.getProperty("it.emulator.port");
        String tenant = System.getProperty("it.tenant");
        return new ArrayList<>(List.of(
                "-Doutlook.app-only.authority=https://127.0.0.1:" + emulatorPort + "/" + tenant + "/v2.0",
                "-Dnotifications.renewal-interval=PT3S", "-Dnotifications.renew-before=PT10M",
                "-Dnotifications.subscription-lifetime=PT60M",
                "-Dservice.public-base-url=https://127.0.0.1:" + httpsPort));
    }

    /** The same person, calling another server. */
    static Person on(ServerProcess server, Person person, TestWorkspace workspace) {
        String email = person.microsoft().upn().substring(0, person.microsoft().upn().indexOf('-')) + "@workestra.test";
        return new Person(person.userId(), person.microsoft(),
                ApiClient.at(server.base).as(IntegrationEnvironment.tokens().member(person.userId(), email, workspace.id)));
    }

    /** Each server's own count of the messages it stored so far ({@code messages_synced_total} at its /metrics). */
    static Map<ServerProcess, Double> storedByEachServer(List<ServerProcess> servers) {
        Map<ServerProcess, Double> stored = new HashMap<>();
        servers.forEach(server -> stored.put(server, Metrics.of(ApiClient.at(server.base)).value("messages_synced_total")));
        return stored;
    }

    /** A mailbox's Inbox as stored beside Exchange's, by internetMessageId. */
    record Stored(Set<String> atMicrosoft, long rows, Set<String> ids) {

        boolean exactlyOnce() {
            return rows == atMicrosoft.size() && ids.equals(atMicrosoft);
        }

        /** Rows stored more than once (rows beyond the distinct ids). */
        long duplicates() {
            return rows - ids.size();
        }

        /** Exchange's messages not stored. */
        long missing() {
            return atMicrosoft.stream().filter(id -> !ids.contains(id)).count();
        }

        /** Stored messages Exchange does not hold. */
        long extra() {
            return ids.stream().filter(id -> !atMicrosoft.contains(id)).count();
        }
    }

    /** The mailbox's Inbox: what Exchange holds (the emulator) and what the service stored, compared by id. */
    static Stored stored(TestWorkspace workspace, String mailbox) {
        Set<String> atMicrosoft = workspace.tenant.inbox(mailbox).stream().map(ReceivedMail::internetMessageId)
                .collect(Collectors.toSet());
        String rows = "FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ? AND m.folder = 'INBOX'";
        long count = Sql.count("SELECT count(*) " + rows, mailbox);
        Set<String> ids = Sql.column("SELECT m.internet_message_id " + rows, mailbox).stream().map(String::valueOf)
                .collect(Collectors.toCollection(HashSet::new));
        return new Stored(atMicrosoft, count, ids);
    }
}

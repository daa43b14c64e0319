package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Measures how fast the emulator serves message delta pages of 1,000 over HTTPS: seeds 100,000 messages
 * into a shared mailbox and runs full initial delta rounds with a delegated .Shared token.
 * Run: mvn -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.classpathScope=test
 *      -Dexec.mainClass=com.workestra.sharedmailboxes.m365emulator.M365EmulatorDeltaBenchmark [-Dexec.args="100000 5"]
 */
public final class M365EmulatorDeltaBenchmark {

    private M365EmulatorDeltaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (M365Emulator emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withAutoSignInWithLoginHint(true)
                .withThrottleLimits(4, Integer.MAX_VALUE, java.time.Duration.ofMinutes(10)))) {
            Tenant tenant = emulator.tenant();
            tenant.createUser("bench@contoso.test", "Bench");
            tenant.createSharedMailbox("load@contoso.test", "Load");
            tenant.grantFullAccess("load@contoso.test", "bench@contoso.test");
            long seedStarted = System.nanoTime();
            tenant.seedMessages("load@contoso.test", "inbox", messages);
            System.out.printf("seeded %,d messages in %d ms%n", messages, (System.nanoTime() - seedStarted) / 1_000_000);
            EmulatorTestClients clients = new EmulatorTestClients(emulator);
            String token = clients.signInToken("bench@contoso.test", "https://graph.microsoft.com/Mail.Read.Shared");
            HttpClient http = HttpClient.newBuilder().sslContext(emulator.clientSslContext())
                    .version(HttpClient.Version.HTTP_1_1).build();
            for (int round = 1; round <= rounds; round++) {
                long started = System.nanoTime();
                String url = emulator.graphBaseUrl() + "/users/load@contoso.test/mailFolders('inbox')/messages/delta()";
                long received = 0;
                long bytes = 0;
                int pages = 0;
                while (url != null) {
                    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token)
                            .header("Prefer", "odata.maxpagesize=1000")
                            .header("Prefer", "IdType=\"ImmutableId\"")
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("delta answered " + response.statusCode());
                    }
                    bytes += response.body().length;
                    pages++;
                    JsonNode page = Json.MAPPER.readTree(response.body());
                    received += page.get("value").size();
                    url = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("round %d: %,d messages in %d pages, %.1f MB, %.2f s, %,.0f messages/s%n", round, received,
                        pages, bytes / 1e6, seconds, received / seconds);
            }
        }
    }
}

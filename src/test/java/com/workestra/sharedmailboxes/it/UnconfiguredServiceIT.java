package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service deployed as an operator whose token-vault key list came out empty would deploy it (the "unconfigured"
 * container: {@code token-vault.keys=","}, every other setting as in the other containers): it does not become ready, says which setting is missing and never a value,
 * and refuses to start an Outlook sign-in rather than fail after Microsoft redeemed the code.
 */
@DeployedTo("unconfigured")
class UnconfiguredServiceIT extends ServiceIT {

    @Test
    void withoutItsTokenVaultKeyTheServiceIsAliveButNotReadyAndNamesTheMissingSetting() {
        ApiClient anonymous = ApiClient.at(base);
        assertEquals(200, anonymous.get("/health/live").status(), "alive: a restart would not help");

        ApiClient.Reply ready = anonymous.get("/health/ready");
        assertEquals(503, ready.status(), ready.toString());
        assertEquals("DOWN", ready.json().get("status").asText());
        JsonNode settings = null;
        for (JsonNode check : ready.json().get("checks")) {
            if ("settings".equals(check.get("name").asText())) {
                settings = check;
            }
        }
        assertNotNull(settings, "a settings check: " + ready);
        assertEquals("DOWN", settings.get("status").asText());
        String missing = settings.get("data").get("missing").asText();
        assertEquals("token-vault.keys holds no key", missing, "only the vault key is missing: " + ready);
        for (String secret : new String[]{System.getProperty("it.client.secret"), System.getProperty("it.console.client.secret")}) {
            assertFalse(ready.body().contains(secret), "a secret's value in /health/ready");
        }

        // Connecting Outlook is refused before anyone is sent to Microsoft.
        TestWorkspace workspace = new TestWorkspace(base);
        ApiClient.Reply connect = workspace.person("olga").api().post("/api/v1/outlook/authorizations", "{}");
        assertEquals(503, connect.status(), connect.toString());
        assertEquals("OUTLOOK_NOT_CONFIGURED", connect.json().get("code").asText());
        assertTrue(connect.json().get("detail").asText().length() > 0);
    }
}

package com.workestra.sharedmailboxes.connections.entity;

import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OAuthAuthorizationTest {

    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

    private static OAuthAuthorization startedWith(String browserSecret) {
        return new OAuthAuthorization("state", "acme", "u-alice", "alice@acme.example", "verifier", "/", null, NOW,
                NOW.plus(Duration.ofMinutes(10)), OAuthSecrets.fingerprint(browserSecret));
    }

    @Test
    void onlyTheBrowserHoldingTheStartingBrowsersSecretCompletesTheSignIn() {
        String secret = OAuthSecrets.random(32);
        OAuthAuthorization authorization = startedWith(secret);
        assertTrue(authorization.isBoundTo(secret));
        assertFalse(authorization.isBoundTo(null));
        assertFalse(authorization.isBoundTo(""));
        assertFalse(authorization.isBoundTo(OAuthSecrets.random(32)));
        assertFalse(authorization.isBoundTo(OAuthSecrets.fingerprint(secret)), "the stored hash is not the secret");
    }

    @Test
    void aSignInExpiresAtTheEndOfItsLifetime() {
        OAuthAuthorization authorization = startedWith("secret");
        assertFalse(authorization.isExpiredAt(NOW.plus(Duration.ofMinutes(9))));
        assertTrue(authorization.isExpiredAt(NOW.plus(Duration.ofMinutes(10))));
    }
}

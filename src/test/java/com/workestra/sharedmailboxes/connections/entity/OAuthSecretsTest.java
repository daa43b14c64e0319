package com.workestra.sharedmailboxes.connections.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OAuthSecretsTest {

    @Test
    void theChallengeIsTheUnpaddedBase64urlOfTheVerifiersSha256() {
        // computed independently: base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b'=')
        assertEquals("VYFANLqdx_HDV6BqEhluZJ63rtrIPROSSFdB3P6G83I", OAuthSecrets.s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWjOEjXk"));
    }

    @Test
    void secretsAreUrlSafeAndNeverRepeat() {
        String a = OAuthSecrets.random(48);
        assertEquals(64, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]+"), a);
        assertNotEquals(a, OAuthSecrets.random(48));
    }
}

package com.workestra.sharedmailboxes.connections.control;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenVaultTest {

    static final String K1 = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final String K2 = "k2:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void sealedTokensReadBackAndShowNoPlaintext() {
        TokenVault vault = vault(K1, null);
        var sealed = vault.seal("{\"refresh_token\":\"secret-rt\"}", "connection-1");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("secret-rt"));
        assertEquals("{\"refresh_token\":\"secret-rt\"}", vault.open(sealed.ciphertext(), sealed.keyId(), "connection-1"));
    }

    @Test
    void sameTokensSealTwiceDifferently() {
        TokenVault vault = vault(K1, null);
        assertNotEquals(Base64.getEncoder().encodeToString(vault.seal("x", "c").ciphertext()),
                Base64.getEncoder().encodeToString(vault.seal("x", "c").ciphertext()));
    }

    @Test
    void aCiphertextMovedToAnotherConnectionDoesNotOpen() {
        TokenVault vault = vault(K1, null);
        var sealed = vault.seal("tokens", "connection-1");
        assertThrows(IllegalStateException.class, () -> vault.open(sealed.ciphertext(), sealed.keyId(), "connection-2"));
    }

    @Test
    void rotatedKeysKeepOldTokensReadableAndSealNewOnesWithTheActiveKey() {
        var old = vault(K1, null).seal("tokens", "c");
        TokenVault rotated = vault(K1 + "," + K2, "k2");
        assertEquals("tokens", rotated.open(old.ciphertext(), "k1", "c"));
        assertEquals("k2", rotated.seal("tokens", "c").keyId());
    }

    @Test
    void refusesKeysThatAreNot256Bits() {
        assertThrows(IllegalStateException.class, () -> vault("short:" + Base64.getEncoder().encodeToString(new byte[16]), null));
    }

    private static TokenVault vault(String keys, String active) {
        TokenVault vault = new TokenVault();
        vault.configure(keys, active);
        return vault;
    }
}

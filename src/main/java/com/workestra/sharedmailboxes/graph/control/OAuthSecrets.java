package com.workestra.sharedmailboxes.graph.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** The unguessable values of OAuth and webhooks (state, nonce, PKCE verifier, clientState, browser binding) and PKCE's S256 challenge. */
public final class OAuthSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private OAuthSecrets() {
    }

    /** {@code bytes} random bytes, base64url without padding. */
    public static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /** RFC 7636's S256 code challenge of a verifier. */
    public static String s256Challenge(String verifier) {
        return sha256(verifier.getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA-256 of a value, base64url without padding: what is kept of a secret that only a browser may hold. */
    public static String fingerprint(String value) {
        return sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

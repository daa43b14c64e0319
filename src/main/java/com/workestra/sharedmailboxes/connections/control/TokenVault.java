package com.workestra.sharedmailboxes.connections.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Encrypts each connection's MSAL token cache with AES-256-GCM. Keys come from {@code token-vault.keys}
 * ({@code id:base64key,...}); new writes use {@code token-vault.active-key-id} (default: the first key), and old
 * ciphertexts stay readable under their key id until rewritten, so keys can be rotated. The connection id is bound in as
 * associated data: a ciphertext copied to another row does not decrypt.
 */
@ApplicationScoped
public class TokenVault {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    @Inject
    @ConfigProperty(name = "token-vault.keys")
    Optional<String> keysConfig;

    @Inject
    @ConfigProperty(name = "token-vault.active-key-id")
    Optional<String> activeKeyConfig;

    private final SecureRandom random = new SecureRandom();
    private Map<String, SecretKeySpec> keys = Map.of();
    private String activeKeyId;

    @PostConstruct
    void loadKeys() {
        configure(keysConfig.orElse(""), activeKeyConfig.orElse(null));
    }

    void configure(String keyList, String active) {
        Map<String, SecretKeySpec> parsed = new LinkedHashMap<>();
        for (String entry : keyList.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("token-vault.keys entries look like id:base64key");
            }
            byte[] key = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            if (key.length != 32) {
                throw new IllegalStateException("token-vault key " + entry.substring(0, colon).trim() + " is not 256 bits");
            }
            parsed.put(entry.substring(0, colon).trim(), new SecretKeySpec(key, "AES"));
        }
        keys = Map.copyOf(parsed);
        activeKeyId = active != null && !active.isBlank() ? active.trim() : parsed.keySet().stream().findFirst().orElse(null);
        if (activeKeyId != null && !keys.containsKey(activeKeyId)) {
            throw new IllegalStateException("token-vault.active-key-id names no key in token-vault.keys");
        }
    }

    public boolean isConfigured() {
        return activeKeyId != null;
    }

    /** What is wrong with these settings (missing or malformed keys), or null when tokens can be sealed with them. */
    public static String problemWith(String keyList, String active) {
        if (keyList == null || keyList.isBlank()) {
            return "token-vault.keys is not configured";
        }
        try {
            new TokenVault().configure(keyList, active);
            return null;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return e.getMessage() == null || e.getMessage().contains("base64") ? "token-vault.keys is not valid base64" : e.getMessage();
        }
    }

    public Sealed seal(String plaintext, String boundTo) {
        if (activeKeyId == null) {
            throw new IllegalStateException("token-vault.keys is not configured: tokens cannot be stored");
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] encrypted = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(ByteBuffer.allocate(IV_BYTES + encrypted.length).put(iv).put(encrypted).array(), activeKeyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("token encryption failed", e);
        }
    }

    public String open(byte[] sealed, String keyId, String boundTo) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new Unreadable("token-vault key " + keyId + " is no longer configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new Unreadable("stored tokens could not be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    public record Sealed(byte[] ciphertext, String keyId) {
    }

    /** Stored tokens this server cannot open: their key is gone from the configuration, or they were tampered with. */
    public static class Unreadable extends IllegalStateException {
        public Unreadable(String reason) {
            super(reason);
        }
    }
}

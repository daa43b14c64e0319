package com.workestra.sharedmailboxes.callers.control;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks an OpenID Connect ID token the way the OpenID Connect Core spec (3.1.3.7) asks: an RS256 signature by a key
 * of the provider's JWKS, the configured issuer, this client in the audience (and as {@code azp} when there are
 * several), not expired, not used before its time, and the nonce this sign-in sent. Only RS256 is accepted, so neither
 * {@code none} nor an HMAC made with a public key can pass.
 */
public final class IdTokenVerifier {

    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private final String issuer;
    private final String clientId;
    private final Map<String, PublicKey> keys;

    /** @param jwks the provider's JSON Web Key Set; its RSA signing keys are used, by {@code kid} */
    public IdTokenVerifier(String issuer, String clientId, JsonObject jwks) {
        this.issuer = Objects.requireNonNull(issuer);
        this.clientId = Objects.requireNonNull(clientId);
        this.keys = rsaKeys(jwks);
    }

    public static final class InvalidIdToken extends Exception {
        public InvalidIdToken(String message) {
            super(message, null, false, false);
        }
    }

    /** True when the token names a key this verifier does not have: the provider may have rotated its keys. */
    public boolean needsOtherKeys(String token) {
        try {
            JsonObject header = json(part(token, 0));
            String kid = header.getString("kid", null);
            return kid != null && !keys.containsKey(kid);
        } catch (InvalidIdToken e) {
            return false;
        }
    }

    /** @return the verified claims */
    public JsonObject verify(String token, String expectedNonce, Instant now) throws InvalidIdToken {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidIdToken("not a signed JWT");
        }
        JsonObject header = json(parts[0]);
        if (!"RS256".equals(header.getString("alg", null))) {
            throw new InvalidIdToken("unsupported alg " + header.getString("alg", null));
        }
        PublicKey key = key(header.getString("kid", null));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                throw new InvalidIdToken("bad signature");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidIdToken("bad signature");
        }
        JsonObject claims = json(parts[1]);
        if (!issuer.equals(claims.getString("iss", null))) {
            throw new InvalidIdToken("issuer " + claims.getString("iss", null) + " is not " + issuer);
        }
        List<String> audience = strings(claims.get("aud"));
        if (!audience.contains(clientId)) {
            throw new InvalidIdToken("not issued for this client");
        }
        if (audience.size() > 1 && !clientId.equals(claims.getString("azp", null))) {
            throw new InvalidIdToken("authorized party is not this client");
        }
        Instant expires = time(claims, "exp");
        if (expires == null || !now.minus(CLOCK_SKEW).isBefore(expires)) {
            throw new InvalidIdToken("expired");
        }
        Instant notBefore = time(claims, "nbf");
        if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore)) {
            throw new InvalidIdToken("not valid yet");
        }
        if (time(claims, "iat") == null) {
            throw new InvalidIdToken("no iat");
        }
        if (expectedNonce != null && !expectedNonce.equals(claims.getString("nonce", null))) {
            throw new InvalidIdToken("nonce does not match this sign-in");
        }
        return claims;
    }

    /** A claim that is a string or an array of strings, as a list (an absent claim is empty). */
    public static List<String> strings(JsonValue value) {
        List<String> values = new ArrayList<>();
        if (value instanceof JsonString text) {
            values.add(text.getString());
        } else if (value instanceof JsonArray array) {
            for (JsonValue element : array) {
                if (element instanceof JsonString text) {
                    values.add(text.getString());
                }
            }
        }
        return values;
    }

    private PublicKey key(String kid) throws InvalidIdToken {
        if (kid != null) {
            PublicKey key = keys.get(kid);
            if (key == null) {
                throw new InvalidIdToken("unknown signing key " + kid);
            }
            return key;
        }
        if (keys.size() == 1) {
            return keys.values().iterator().next();
        }
        throw new InvalidIdToken("no kid and several keys");
    }

    private static Instant time(JsonObject claims, String name) {
        JsonValue value = claims.get(name);
        return value instanceof JsonNumber number ? Instant.ofEpochSecond(number.longValue()) : null;
    }

    private static String part(String token, int index) throws InvalidIdToken {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidIdToken("not a signed JWT");
        }
        return parts[index];
    }

    private static JsonObject json(String base64Url) throws InvalidIdToken {
        try (var reader = Json.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (IllegalArgumentException | JsonException | ClassCastException e) {
            throw new InvalidIdToken("unreadable JWT part");
        }
    }

    private static Map<String, PublicKey> rsaKeys(JsonObject jwks) {
        Map<String, PublicKey> found = new HashMap<>();
        JsonValue list = jwks == null ? null : jwks.get("keys");
        if (!(list instanceof JsonArray array)) {
            return found;
        }
        int anonymous = 0;
        for (JsonValue value : array) {
            if (!(value instanceof JsonObject key) || !"RSA".equals(key.getString("kty", null))
                    || (key.containsKey("use") && !"sig".equals(key.getString("use", null)))) {
                continue;
            }
            try {
                BigInteger modulus = new BigInteger(1, Base64.getUrlDecoder().decode(key.getString("n")));
                BigInteger exponent = new BigInteger(1, Base64.getUrlDecoder().decode(key.getString("e")));
                PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
                found.put(key.getString("kid", "#" + anonymous++), publicKey);
            } catch (GeneralSecurityException | RuntimeException ignored) {
                // a key this verifier cannot use is skipped; tokens signed with it fail as "unknown key"
            }
        }
        return found;
    }
}

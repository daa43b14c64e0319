package com.workestra.sharedmailboxes.callers.control;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console accepts an ID token only when OpenID Connect Core says it may. */
class IdTokenVerifierTest {

    static final String ISSUER = "https://id.workestra.test/tenant/v2.0";
    static final String CLIENT = "console-client";
    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

    static RSAKey key;
    static RSAKey stranger;
    static IdTokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        JsonObject jwks = Json.createReader(new StringReader(new JWKSet(key.toPublicJWK()).toString())).readObject();
        verifier = new IdTokenVerifier(ISSUER, CLIENT, jwks);
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("u-1")
                .claim("wid", "w-acme").claim("groups", List.of("member", "admin")).claim("nonce", "n-1")
                .issueTime(Date.from(NOW.minusSeconds(10))).expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    static String signed(JWTClaimsSet claims, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @Test
    void aTokenFromTheProviderForThisClientAndSignInIsAccepted() throws Exception {
        JsonObject verified = verifier.verify(signed(claims().build(), key), "n-1", NOW);
        assertEquals("u-1", verified.getString("sub"));
        assertEquals(List.of("member", "admin"), IdTokenVerifier.strings(verified.get("groups")));
    }

    @Test
    void everyOtherTokenIsRefused() throws Exception {
        assertRefused(signed(claims().build(), stranger), "n-1");
        assertRefused(signed(claims().issuer("https://evil.example/v2.0").build(), key), "n-1");
        assertRefused(signed(claims().audience("another-client").build(), key), "n-1");
        assertRefused(signed(claims().audience(List.of(CLIENT, "another-client")).build(), key), "n-1");
        assertRefused(signed(claims().expirationTime(Date.from(NOW.minusSeconds(600))).build(), key), "n-1");
        assertRefused(signed(claims().notBeforeTime(Date.from(NOW.plusSeconds(3600))).build(), key), "n-1");
        assertRefused(signed(claims().build(), key), "another-sign-in");
        assertRefused("not.a.token", "n-1");
        assertRefused(null, "n-1");
    }

    @Test
    void unsignedAndHmacTokensAreRefused() throws Exception {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(claims().build().toString().getBytes(StandardCharsets.UTF_8));
        assertRefused(header + "." + body + ".", "n-1");
        JWSObject hmac = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(claims().build().toJSONObject()));
        hmac.sign(new MACSigner(new byte[32]));
        assertRefused(hmac.serialize(), "n-1");
    }

    @Test
    void aTokenSignedWithAnUnknownKeyAsksForFreshKeys() throws Exception {
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        String token = signed(claims().build(), rotated);
        assertTrue(verifier.needsOtherKeys(token));
        assertFalse(verifier.needsOtherKeys(signed(claims().build(), key)));
        assertRefused(token, "n-1");
    }

    private static void assertRefused(String token, String nonce) {
        assertThrows(IdTokenVerifier.InvalidIdToken.class, () -> verifier.verify(token, nonce, NOW));
    }
}

package com.workestra.sharedmailboxes.localrun;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Issues Workestra user tokens (the claims of API.md) for the local run and the tests: a signing key pair kept in a
 * directory, its public half written as PEM where {@code mp.jwt.verify.publickey.location} points.
 */
public final class WorkestraTokens {

    public static final String PUBLIC_KEY_FILE = "workestra-jwt-public.pem";
    /** The audience Workestra's tokens for this service carry ({@code mp.jwt.verify.audiences} in the tests and the demo). */
    public static final String AUDIENCE = "workestra-shared-mailboxes";
    private static final String KEY_FILE = "workestra-jwt-key.json";

    private final RSAKey key;
    private final String issuer;

    private WorkestraTokens(RSAKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    /** Loads the key pair from {@code directory}, or generates and keeps one there on first use. */
    public static WorkestraTokens inDirectory(Path directory, String issuer) {
        try {
            Files.createDirectories(directory);
            Path keyFile = directory.resolve(KEY_FILE);
            RSAKey key;
            if (Files.exists(keyFile)) {
                key = RSAKey.parse(Files.readString(keyFile));
            } else {
                key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
                Files.writeString(keyFile, key.toJSONString());
            }
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.toPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(directory.resolve(PUBLIC_KEY_FILE), pem);
            return new WorkestraTokens(key, issuer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("unusable key in " + directory, e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String member(String userId, String upn, String workspaceId) {
        return token(userId, upn, workspaceId, List.of("member"), Duration.ofHours(12));
    }

    public String admin(String userId, String upn, String workspaceId) {
        return token(userId, upn, workspaceId, List.of("member", "admin"), Duration.ofHours(12));
    }

    public String token(String userId, String upn, String workspaceId, List<String> groups, Duration lifetime) {
        Instant now = Instant.now();
        return sign(new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(userId)
                .claim("upn", upn)
                .claim("wid", workspaceId)
                .claim("groups", groups)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build(), key);
    }

    /** A token with all the right claims but signed by a key nobody trusts. */
    public String forged(String userId, String upn, String workspaceId) {
        try {
            RSAKey stranger = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
            Instant now = Instant.now();
            return sign(new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject(userId).claim("upn", upn).claim("wid", workspaceId)
                    .claim("groups", List.of("member")).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                    .build(), stranger);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String withIssuer(String otherIssuer, String userId, String upn, String workspaceId) {
        Instant now = Instant.now();
        return sign(new JWTClaimsSet.Builder().issuer(otherIssuer).audience(AUDIENCE).subject(userId).claim("upn", upn).claim("wid", workspaceId)
                .claim("groups", List.of("member")).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .build(), key);
    }

    /** A token for another service of Workestra's: right issuer and key, another audience. */
    public String forAudience(String audience, String userId, String upn, String workspaceId) {
        Instant now = Instant.now();
        return sign(new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(userId).claim("upn", upn).claim("wid", workspaceId)
                .claim("groups", List.of("member")).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .build(), key);
    }

    public String expired(String userId, String upn, String workspaceId) {
        Instant then = Instant.now().minus(Duration.ofHours(2));
        return sign(new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject(userId).claim("upn", upn).claim("wid", workspaceId)
                .claim("groups", List.of("member")).issueTime(Date.from(then)).expirationTime(Date.from(then.plusSeconds(600)))
                .build(), key);
    }

    private static String sign(JWTClaimsSet claims, RSAKey signingKey) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .keyID(signingKey.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}

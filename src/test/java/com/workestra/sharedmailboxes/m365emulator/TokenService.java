package com.workestra.sharedmailboxes.m365emulator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issues and checks the emulator's tokens: authorization codes, refresh tokens (opaque, kept here),
 * ID tokens (v2.0) and Graph access tokens (v1.0-shaped JWTs, as Graph's own tokens are), all RS256
 * with the key published in the JWKS.
 */
final class TokenService {

    record CodeGrant(String clientId, String redirectUri, String userOid, Set<String> graphScopes, Set<String> oidcScopes,
            String codeChallenge, String challengeMethod, String nonce, long issuedAtMillis, AtomicBoolean redeemed) {
    }

    record RefreshGrant(String clientId, String userOid, Set<String> graphScopes, Set<String> oidcScopes,
            long issuedAtMillis) {
    }

    /** What Graph learns from a valid access token. */
    record Caller(String appId, String oid, String upn, boolean appOnly, Set<String> scopes, Set<String> roles,
            long issuedAtMillis, long expiresAtMillis) {

        boolean hasScope(String scope) {
            return scopes.contains(scope.toLowerCase(Locale.ROOT));
        }

        boolean hasRole(String role) {
            return roles.contains(role.toLowerCase(Locale.ROOT));
        }
    }

    static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message, null, false, false);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmulatorSettings settings;
    private final EmulatorKeys keys;
    private final String servicePrincipalOid = UUID.randomUUID().toString();
    private final Map<String, CodeGrant> codes = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Caller> verified = new ConcurrentHashMap<>();
    private final RSASSASigner signer;
    private final RSASSAVerifier verifier;
    private final String issuerV1;

    TokenService(EmulatorSettings settings, EmulatorKeys keys) {
        this.settings = settings;
        this.keys = keys;
        this.signer = new RSASSASigner(keys.signingPrivateKey());
        this.verifier = new RSASSAVerifier(keys.signingPublicKey());
        this.issuerV1 = "https://sts.windows.net/" + settings.tenantId() + "/";
    }

    String servicePrincipalOid() {
        return servicePrincipalOid;
    }

    String jwks(String tenantIssuer) {
        try {
            RSAKey key = new RSAKey.Builder(keys.signingPublicKey())
                    .keyUse(KeyUse.SIGNATURE)
                    .keyID(keys.signingKeyId)
                    .x509CertThumbprint(new Base64URL(keys.signingKeyId))
                    .x509CertChain(List.of(Base64.encode(keys.signingCertificate.getEncoded())))
                    .build();
            Map<String, Object> json = key.toJSONObject();
            json.put("issuer", tenantIssuer);
            return Json.MAPPER.writeValueAsString(Map.of("keys", List.of(json)));
        } catch (CertificateEncodingException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JWKSet jwkSet() {
        return new JWKSet(new RSAKey.Builder(keys.signingPublicKey()).keyID(keys.signingKeyId).build());
    }

    // ---- authorization codes

    String issueCode(CodeGrant grant) {
        String code = "1.A" + random(96);
        codes.put(code, grant);
        return code;
    }

    CodeGrant code(String code) {
        return codes.get(code);
    }

    // ---- refresh tokens

    String issueRefreshToken(RefreshGrant grant) {
        String token = "1.AQ" + random(160);
        refreshTokens.put(token, grant);
        return token;
    }

    RefreshGrant refreshToken(String token) {
        return token == null ? null : refreshTokens.get(token);
    }

    // ---- JWTs

    String accessToken(Recipient user, Set<String> graphScopes, Set<String> oidcScopes, long nowMillis) {
        long expires = nowMillis + lifetime(user).toMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(Scopes.GRAPH_RESOURCE)
                .issuer(issuerV1)
                .issueTime(new Date(nowMillis))
                .notBeforeTime(new Date(nowMillis))
                .expirationTime(new Date(expires))
                .claim("acct", 0)
                .claim("acr", "1")
                .claim("amr", List.of("pwd"))
                .claim("app_displayname", settings.applicationDisplayName())
                .claim("appid", settings.clientId())
                .claim("appidacr", "1")
                .claim("idtyp", "user")
                .claim("ipaddr", "127.0.0.1")
                .claim("name", user.displayName)
                .claim("oid", user.oid)
                .claim("scp", Scopes.scpClaim(graphScopes, oidcScopes))
                .subject(pairwiseSubject(user.oid, Scopes.GRAPH_APP_ID))
                .claim("tid", settings.tenantId())
                .claim("unique_name", user.address)
                .claim("upn", user.address)
                .claim("uti", random(16))
                .claim("ver", "1.0")
                .build();
        return sign(claims);
    }

    java.time.Duration lifetime(Recipient user) {
        java.time.Duration own = user.accessTokenLifetime;
        return own != null ? own : settings.accessTokenLifetime();
    }

    String appOnlyAccessToken(long nowMillis) {
        long expires = nowMillis + settings.accessTokenLifetime().toMillis();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .audience(Scopes.GRAPH_RESOURCE)
                .issuer(issuerV1)
                .issueTime(new Date(nowMillis))
                .notBeforeTime(new Date(nowMillis))
                .expirationTime(new Date(expires))
                .claim("app_displayname", settings.applicationDisplayName())
                .claim("appid", settings.clientId())
                .claim("appidacr", "1")
                .claim("idp", issuerV1)
                .claim("idtyp", "app")
                .claim("oid", servicePrincipalOid)
                .subject(servicePrincipalOid)
                .claim("tid", settings.tenantId())
                .claim("uti", random(16))
                .claim("ver", "1.0");
        if (!settings.applicationPermissions().isEmpty()) {
            claims.claim("roles", new ArrayList<>(settings.applicationPermissions()));
        }
        return sign(claims.build());
    }

    String idToken(Recipient user, String issuerV2, String nonce, long nowMillis) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .audience(settings.clientId())
                .issuer(issuerV2)
                .issueTime(new Date(nowMillis))
                .notBeforeTime(new Date(nowMillis))
                .expirationTime(new Date(nowMillis + 3_600_000L))
                .claim("name", user.displayName)
                .claim("oid", user.oid)
                .claim("preferred_username", user.address)
                .subject(pairwiseSubject(user.oid, settings.clientId()))
                .claim("tid", settings.tenantId())
                .claim("ver", "2.0");
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        for (String optional : settings.idTokenOptionalClaims()) {
            switch (optional) {
                case "upn" -> claims.claim("upn", user.address);
                case "groups" -> {
                    if (!user.groups.isEmpty()) {
                        claims.claim("groups", new ArrayList<>(user.groups));
                    }
                }
                default -> {
                    String value = user.directoryAttributes.get(optional);
                    if (value != null) {
                        claims.claim(optional, value);
                    }
                }
            }
        }
        return sign(claims.build());
    }

    /** The {@code sub} of this emulator's ID tokens for a user: pairwise, per user and application, as Entra's. */
    String idTokenSubject(Recipient user) {
        return pairwiseSubject(user.oid, settings.clientId());
    }

    String clientInfo(Recipient user) {
        String json = "{\"uid\":\"" + user.oid + "\",\"utid\":\"" + settings.tenantId() + "\"}";
        return EmulatorKeys.base64Url(json.getBytes(StandardCharsets.UTF_8));
    }

    private String sign(JWTClaimsSet claims) {
        try {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .type(JOSEObjectType.JWT)
                    .keyID(keys.signingKeyId)
                    .x509CertThumbprint(new Base64URL(keys.signingKeyId))
                    .build();
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks signature, audience, issuer and lifetime the way Graph does; revocation is the caller's job. */
    Caller verify(String token, long nowMillis) throws InvalidToken {
        Caller caller = verified.get(token);
        if (caller == null) {
            caller = parseAndVerify(token);
            if (verified.size() > 10_000) {
                verified.clear();
            }
            verified.put(token, caller);
        }
        if (nowMillis >= caller.expiresAtMillis()) {
            throw new InvalidToken("Access token has expired or is not yet valid.");
        }
        return caller;
    }

    private Caller parseAndVerify(String token) throws InvalidToken {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidToken("IDX14100: JWT is not well formed, there are no dots (.).");
        }
        try {
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new InvalidToken("Access token validation failure.");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            List<String> audience = claims.getAudience();
            if (audience == null || !(audience.contains(Scopes.GRAPH_RESOURCE) || audience.contains(Scopes.GRAPH_RESOURCE + "/")
                    || audience.contains(Scopes.GRAPH_APP_ID))) {
                throw new InvalidToken("Access token validation failure. Invalid audience.");
            }
            if (!issuerV1.equals(claims.getIssuer()) || !settings.tenantId().equals(claims.getStringClaim("tid"))) {
                throw new InvalidToken("Access token validation failure. Invalid issuer.");
            }
            Date expiration = claims.getExpirationTime();
            Date issued = claims.getIssueTime();
            if (expiration == null || issued == null) {
                throw new InvalidToken("Access token validation failure.");
            }
            boolean appOnly = "app".equals(claims.getStringClaim("idtyp"));
            Set<String> scopes = new HashSet<>();
            String scp = claims.getStringClaim("scp");
            if (scp != null) {
                for (String scope : scp.split(" ")) {
                    scopes.add(scope.toLowerCase(Locale.ROOT));
                }
            }
            Set<String> roles = new HashSet<>();
            List<String> roleList = claims.getStringListClaim("roles");
            if (roleList != null) {
                for (String role : roleList) {
                    roles.add(role.toLowerCase(Locale.ROOT));
                }
            }
            return new Caller(claims.getStringClaim("appid"), claims.getStringClaim("oid"), claims.getStringClaim("upn"),
                    appOnly, scopes, roles, issued.getTime(), expiration.getTime());
        } catch (JOSEException | ParseException e) {
            throw new InvalidToken("Access token validation failure.");
        }
    }

    private static String pairwiseSubject(String oid, String audience) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((oid + "|" + audience).getBytes(StandardCharsets.UTF_8));
            return EmulatorKeys.base64Url(java.util.Arrays.copyOf(digest, 32));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return EmulatorKeys.base64Url(value);
    }
}

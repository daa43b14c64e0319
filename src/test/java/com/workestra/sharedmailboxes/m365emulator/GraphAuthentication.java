package com.workestra.sharedmailboxes.m365emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who calls Graph: the bearer token verified, and Graph's 401 {@code InvalidAuthenticationToken} with its
 * {@code WWW-Authenticate} challenge otherwise, including continuous access evaluation's claims challenge for a token
 * issued before the user's sessions were revoked.
 */
final class GraphAuthentication {

    private final Tenant tenant;
    private final TokenService tokens;
    private final String baseUrl;

    GraphAuthentication(Tenant tenant, TokenService tokens, String baseUrl) {
        this.tenant = tenant;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    TokenService.Caller authenticate(HttpCall call) {
        String authorization = call.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw unauthorized("Access token is empty.", null);
        }
        TokenService.Caller caller;
        try {
            caller = tokens.verify(authorization.substring(7).trim(), tenant.nowMillis());
        } catch (TokenService.InvalidToken invalid) {
            throw unauthorized(invalid.getMessage(), null);
        }
        if (!caller.appOnly()) {
            Recipient user = tenant.find(caller.oid());
            if (user == null) {
                throw unauthorized("Access token validation failure.", null);
            }
            if (caller.issuedAtMillis() <= user.tokensRevokedAtMillis) {
                String claims = "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\""
                        + (user.tokensRevokedAtMillis / 1000 + 1) + "\"}}}";
                throw unauthorized("Continuous access evaluation resulted in challenge with result: InteractionRequired"
                        + " and code: TokenIssuedBeforeRevocationTimestamp", Base64.getEncoder()
                        .encodeToString(claims.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return caller;
    }

    private GraphException unauthorized(String message, String claims) {
        String challenge = "Bearer realm=\"\", authorization_uri=\"" + baseUrl + "/common/oauth2/authorize\", client_id=\""
                + Scopes.GRAPH_APP_ID + "\"";
        if (claims != null) {
            challenge += ", error_description=\"" + message + "\", error=\"insufficient_claims\", claims=\"" + claims + "\"";
        }
        return new GraphException(401, "InvalidAuthenticationToken", message).withHeader("WWW-Authenticate", challenge);
    }
}

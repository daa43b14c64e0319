package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** Entra ID's v2.0 endpoints: discovery, JWKS, authorize and token. */
final class IdentityEndpoints {

    private static final DateTimeFormatter ERROR_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private static final class TokenError extends RuntimeException {
        final int status;
        final String error;
        final int code;
        final String suberror;

        TokenError(int status, String error, int code, String message, String suberror) {
            super(message, null, false, false);
            this.status = status;
            this.error = error;
            this.code = code;
            this.suberror = suberror;
        }
    }

    private final EmulatorSettings settings;
    private final Tenant tenant;
    private final TokenService tokens;
    private final String baseUrl;

    IdentityEndpoints(EmulatorSettings settings, Tenant tenant, TokenService tokens, String baseUrl) {
        this.settings = settings;
        this.tenant = tenant;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    String issuer() {
        return baseUrl + "/" + settings.tenantId() + "/v2.0";
    }

    /** Handles /{tenant}/...; returns false when the path is not an identity path. */
    boolean handle(HttpCall call) {
        String[] segments = call.path.substring(1).split("/");
        if (segments.length < 2) {
            return false;
        }
        String tenantSegment = segments[0];
        String rest = call.path.substring(tenantSegment.length() + 1);
        boolean known = switch (rest) {
            case "/v2.0/.well-known/openid-configuration", "/discovery/v2.0/keys", "/oauth2/v2.0/authorize",
                    "/oauth2/v2.0/token", "/oauth2/v2.0/logout" -> true;
            default -> false;
        };
        if (!known) {
            return false;
        }
        if (!isKnownTenant(tenantSegment)) {
            if (rest.equals("/oauth2/v2.0/authorize")) {
                call.respondHtml(400, errorPage(90002, "Tenant '" + tenantSegment + "' not found. Check to make sure you have"
                        + " the correct tenant ID and are signing into the correct cloud."));
            } else {
                respondTokenError(call, new TokenError(400, "invalid_tenant", 90002, "Tenant '" + tenantSegment
                        + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", null));
            }
            return true;
        }
        switch (rest) {
            case "/v2.0/.well-known/openid-configuration" -> discovery(call, tenantSegment);
            case "/discovery/v2.0/keys" -> call.respond(200, "application/json; charset=utf-8",
                    tokens.jwks(issuer()).getBytes(StandardCharsets.UTF_8));
            case "/oauth2/v2.0/authorize" -> authorize(call, tenantSegment);
            case "/oauth2/v2.0/logout" -> logout(call);
            default -> token(call, tenantSegment);
        }
        return true;
    }

    private boolean isKnownTenant(String segment) {
        return segment.equalsIgnoreCase(settings.tenantId()) || segment.equals("common") || segment.equals("organizations");
    }

    private void discovery(HttpCall call, String tenantSegment) {
        if (!call.method.equals("GET")) {
            call.respondEmpty(405);
            return;
        }
        String base = baseUrl + "/" + tenantSegment;
        boolean specific = tenantSegment.equalsIgnoreCase(settings.tenantId());
        ObjectNode document = Json.object();
        document.put("token_endpoint", base + "/oauth2/v2.0/token");
        document.putArray("token_endpoint_auth_methods_supported")
                .add("client_secret_post").add("private_key_jwt").add("client_secret_basic");
        document.put("jwks_uri", base + "/discovery/v2.0/keys");
        document.putArray("response_modes_supported").add("query").add("fragment").add("form_post");
        document.putArray("subject_types_supported").add("pairwise");
        document.putArray("id_token_signing_alg_values_supported").add("RS256");
        document.putArray("response_types_supported").add("code").add("id_token").add("code id_token").add("id_token token");
        document.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access");
        // Multi-tenant documents carry the "{tenantid}" placeholder, as Microsoft's do.
        document.put("issuer", specific ? issuer() : baseUrl + "/{tenantid}/v2.0");
        document.put("request_uri_parameter_supported", false);
        document.put("userinfo_endpoint", "https://graph.microsoft.com/oidc/userinfo");
        document.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        document.put("http_logout_supported", true);
        document.put("frontchannel_logout_supported", true);
        document.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
        document.putArray("claims_supported").add("sub").add("iss").add("aud").add("exp").add("iat").add("nonce")
                .add("name").add("preferred_username").add("oid").add("tid").add("ver");
        if (specific) {
            document.put("tenant_region_scope", "EU");
        }
        document.put("cloud_instance_name", "microsoftonline.com");
        document.put("msgraph_host", "graph.microsoft.com");
        call.respondJson(200, document);
    }

    /**
     * RP-initiated sign-out (the discovery document's end_session_endpoint). The emulator keeps no sign-in session, so
     * there is nothing to end: like Entra, it sends the browser to post_logout_redirect_uri when that is an address the
     * application may be sent to, and otherwise shows its signed-out page.
     */
    private void logout(HttpCall call) {
        Map<String, String> params = call.method.equals("POST") ? call.form() : call.query;
        String back = params.get("post_logout_redirect_uri");
        if (back != null && redirectAllowed(back)) {
            call.redirect(back);
            return;
        }
        call.respondHtml(200, Html.page("Sign out", "<h1>You signed out of your account</h1>"
                + "<p>It's a good idea to close all browser windows.</p>"));
    }

    // ---- authorize

    private void authorize(HttpCall call, String tenantSegment) {
        Map<String, String> params = call.method.equals("POST") ? call.form() : call.query;
        String clientId = params.get("client_id");
        if (clientId == null || !clientId.equals(settings.clientId())) {
            call.respondHtml(400, errorPage(700016, "Application with identifier '" + clientId + "' was not found in the"
                    + " directory '" + tenantSegment + "'. This can happen if the application has not been installed by the"
                    + " administrator of the tenant or consented to by any user in the tenant. You may have sent your"
                    + " authentication request to the wrong tenant."));
            return;
        }
        String redirectUri = params.get("redirect_uri");
        if (redirectUri == null || !redirectAllowed(redirectUri)) {
            call.respondHtml(400, errorPage(50011, "The redirect URI '" + redirectUri + "' specified in the request does"
                    + " not match the redirect URIs configured for the application '" + clientId + "'. Make sure the"
                    + " redirect URI sent in the request matches one added to your application in the Azure portal."));
            return;
        }
        String state = params.get("state");
        String responseMode = params.getOrDefault("response_mode", "query");
        if (!Set.of("query", "fragment", "form_post").contains(responseMode)) {
            call.respondHtml(400, errorPage(70007, "The application returned an unsupported value of 'response_mode'."));
            return;
        }
        String responseType = params.get("response_type");
        if (responseType == null || !List.of(responseType.split(" ")).contains("code")) {
            redirectError(call, redirectUri, responseMode, state, "unsupported_response_type",
                    "AADSTS70005: response_type '" + responseType + "' is not enabled for the application.");
            return;
        }
        Scopes.Requested scopes = Scopes.parse(params.get("scope"));
        if (!scopes.invalid().isEmpty()) {
            redirectError(call, redirectUri, responseMode, state, "invalid_scope", "AADSTS70011: The provided value for"
                    + " the input parameter 'scope' is not valid. The scope '" + String.join(" ", scopes.invalid())
                    + "' does not exist.");
            return;
        }
        if (scopes.graph().isEmpty() && scopes.oidc().isEmpty()) {
            redirectError(call, redirectUri, responseMode, state, "invalid_request",
                    "AADSTS900144: The request body must contain the following parameter: 'scope'.");
            return;
        }
        String challenge = params.get("code_challenge");
        String method = params.get("code_challenge_method");
        if (method != null && challenge == null) {
            redirectError(call, redirectUri, responseMode, state, "invalid_request",
                    "AADSTS50147: The size of the code challenge parameter isn't valid.");
            return;
        }
        if (challenge != null && method == null) {
            method = "plain";
        }
        if (method != null && !method.equals("S256") && !method.equals("plain")) {
            redirectError(call, redirectUri, responseMode, state, "invalid_request",
                    "AADSTS501491: Invalid size of Code_Challenge parameter.");
            return;
        }

        String action = call.method.equals("POST") ? params.get("emulator_action") : null;
        Recipient user = null;
        String signInError = null;
        if (action != null) {
            if (action.equals("cancel")) {
                redirectError(call, redirectUri, responseMode, state, "access_denied",
                        "AADSTS65004: User declined to consent to access the app.");
                return;
            }
            user = tenant.find(params.get("emulator_user"));
            signInError = signInProblem(user, params.get("emulator_user"));
            if (signInError != null) {
                user = null;
            }
        } else if (settings.autoSignInWithLoginHint() && params.get("login_hint") != null) {
            user = tenant.find(params.get("login_hint"));
            signInError = signInProblem(user, params.get("login_hint"));
            if (signInError != null) {
                user = null;
            }
        }
        if (user == null) {
            if ("none".equals(params.get("prompt"))) {
                redirectError(call, redirectUri, responseMode, state, "login_required",
                        "AADSTS50058: A silent sign-in request was sent but no user is signed in.");
                return;
            }
            call.respondHtml(200, signInPage(call, params, scopes, signInError));
            return;
        }
        if (user.refusesConsent) {
            redirectError(call, redirectUri, responseMode, state, "access_denied",
                    "AADSTS65004: User declined to consent to access the app.");
            return;
        }
        Set<String> granted = new LinkedHashSet<>(scopes.graph());
        if (action != null && params.containsKey(SCOPES_OFFERED)) {
            // The person unticked some permissions on the page: consent to the ticked ones only (a legacy connection
            // is one consented without the .Shared scopes). Clients that post the form without the page keep them all.
            granted.removeIf(scope -> !params.containsKey(GRANT + scope));
        }
        Set<String> grantable = user.grantableScopes;
        if (grantable != null) {
            granted.removeIf(scope -> grantable.stream().noneMatch(allowed -> allowed.equalsIgnoreCase(scope)));
        }
        String code = tokens.issueCode(new TokenService.CodeGrant(clientId, redirectUri, user.oid, granted, scopes.oidc(),
                challenge, method, params.get("nonce"), tenant.nowMillis(), new AtomicBoolean()));
        Map<String, String> response = new LinkedHashMap<>();
        response.put("code", code);
        if (state != null) {
            response.put("state", state);
        }
        respondToRedirectUri(call, redirectUri, responseMode, response);
    }

    private static String signInProblem(Recipient user, String attempted) {
        if (user == null) {
            return attempted == null || attempted.isBlank() ? null : "AADSTS50034: The user account " + attempted
                    + " does not exist in the directory. To sign into this application, the account must be added to the directory.";
        }
        return switch (user.kind) {
            case USER -> null;
            case SHARED_MAILBOX -> "AADSTS50057: The user account is disabled.";
            case DISTRIBUTION_LIST -> "AADSTS50034: The user account " + attempted
                    + " does not exist in the directory. To sign into this application, the account must be added to the directory.";
        };
    }

    private boolean redirectAllowed(String redirectUri) {
        if (!settings.allowedRedirectUris().isEmpty()) {
            return settings.allowedRedirectUris().contains(redirectUri);
        }
        try {
            URI uri = URI.create(redirectUri);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return uri.getFragment() == null;
            }
            return "http".equalsIgnoreCase(uri.getScheme())
                    && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void redirectError(HttpCall call, String redirectUri, String responseMode, String state, String error,
            String description) {
        Map<String, String> response = new LinkedHashMap<>();
        response.put("error", error);
        response.put("error_description", description + "\r\nTrace ID: " + UUID.randomUUID() + "\r\nCorrelation ID: "
                + UUID.randomUUID() + "\r\nTimestamp: " + ERROR_TIMESTAMP.format(Instant.now()));
        if (state != null) {
            response.put("state", state);
        }
        respondToRedirectUri(call, redirectUri, responseMode, response);
    }

    private static void respondToRedirectUri(HttpCall call, String redirectUri, String responseMode,
            Map<String, String> values) {
        if (responseMode.equals("form_post")) {
            StringBuilder page = new StringBuilder("<html><head><title>Working...</title></head><body>")
                    .append("<form method=\"POST\" name=\"hiddenform\" action=\"").append(Html.escape(redirectUri)).append("\">");
            for (Map.Entry<String, String> value : values.entrySet()) {
                page.append("<input type=\"hidden\" name=\"").append(Html.escape(value.getKey()))
                        .append("\" value=\"").append(Html.escape(value.getValue())).append("\" />");
            }
            page.append("<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" />")
                    .append("</noscript></form><script language=\"javascript\">document.forms[0].submit();</script></body></html>");
            call.respondHtml(200, page.toString());
            return;
        }
        StringBuilder encoded = new StringBuilder();
        for (Map.Entry<String, String> value : values.entrySet()) {
            if (!encoded.isEmpty()) {
                encoded.append('&');
            }
            encoded.append(URLEncoder.encode(value.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value.getValue(), StandardCharsets.UTF_8));
        }
        String separator = responseMode.equals("fragment") ? "#" : redirectUri.contains("?") ? "&" : "?";
        call.redirect(redirectUri + separator + encoded);
    }

    /** The form field that says the page offered its permissions as tick boxes, and the prefix of each ticked one. */
    static final String SCOPES_OFFERED = "emulator_scopes_offered";
    static final String GRANT = "emulator_grant_";

    /**
     * The sign-in page. An instance whose ID tokens carry Workestra's {@code wid} claim plays Workestra's own identity
     * provider (the console's sign-in), so its page says so in its title and colour: a newcomer can tell it from
     * Microsoft's sign-in page, which comes next when they connect Outlook.
     */
    private String signInPage(HttpCall call, Map<String, String> params, Scopes.Requested scopes, String error) {
        boolean workestra = settings.idTokenOptionalClaims() != null && settings.idTokenOptionalClaims().contains("wid");
        String title = workestra ? "Workestra sign-in (demo identity provider)" : "Sign in to your account · Microsoft 365 emulator";
        String accent = workestra ? "#2e7d5b" : "#0f6cbd";
        StringBuilder body = new StringBuilder("<style>body{border-top:.6em solid ").append(accent)
                .append(";padding-top:1em}h1{color:").append(accent).append("}</style>")
                .append("<p class=\"brand\"><strong>").append(workestra ? "Workestra · identity provider (demo)"
                        : "Microsoft 365 emulator · Entra ID sign-in").append("</strong></p>")
                .append("<h1>").append(workestra ? "Sign in to Workestra" : "Sign in with your Microsoft account").append("</h1><p>")
                .append(Html.escape(settings.applicationDisplayName()))
                .append(workestra ? " wants to sign you in with your Workestra account." : " wants to sign you in to the Microsoft 365 emulator.")
                .append("</p>");
        if (error != null) {
            body.append("<p class=\"error\">").append(Html.escape(error)).append("</p>");
        }
        body.append("<form method=\"POST\" action=\"").append(Html.escape(call.path)).append("\">");
        for (Map.Entry<String, String> param : params.entrySet()) {
            if (!param.getKey().startsWith("emulator_")) {
                body.append("<input type=\"hidden\" name=\"").append(Html.escape(param.getKey())).append("\" value=\"")
                        .append(Html.escape(param.getValue())).append("\">");
            }
        }
        String hint = params.get("login_hint");
        body.append("<p><label for=\"emulator_user\">Account</label> <select id=\"emulator_user\" name=\"emulator_user\">");
        for (DirectoryUser user : tenant.users()) {
            boolean selected = hint != null && hint.equalsIgnoreCase(user.upn());
            body.append("<option value=\"").append(Html.escape(user.upn())).append('"')
                    .append(selected ? " selected" : "").append('>').append(Html.escape(user.displayName()))
                    .append(" (").append(Html.escape(user.upn())).append(")</option>");
        }
        body.append("</select></p>");
        if (!scopes.graph().isEmpty()) {
            body.append("<fieldset><legend>Permissions requested (untick one to consent without it)</legend>")
                    .append("<input name=\"").append(SCOPES_OFFERED).append("\" type=\"hidden\" value=\"yes\">");
            int index = 0;
            for (String scope : scopes.graph()) {
                String id = "emulator_scope_" + index++;
                body.append("<p><input type=\"checkbox\" id=\"").append(id).append("\" name=\"").append(Html.escape(GRANT + scope))
                        .append("\" value=\"yes\" checked> <label for=\"").append(id).append("\">").append(Html.escape(scope))
                        .append("</label></p>");
            }
            body.append("</fieldset>");
        }
        if (!scopes.oidc().isEmpty()) {
            body.append("<p>Always granted: ").append(Html.escape(String.join(", ", scopes.oidc()))).append("</p>");
        }
        body.append("<p><button type=\"submit\" name=\"emulator_action\" value=\"accept\">Accept</button>")
                .append("<button type=\"submit\" name=\"emulator_action\" value=\"cancel\">Cancel</button></p></form>");
        return Html.page(title, body.toString());
    }

    private static String errorPage(int code, String message) {
        return Html.page("Sign in to your account", "<h1>Sorry, but we're having trouble signing you in.</h1><p class=\"error\">AADSTS"
                + code + ": " + Html.escape(message) + "</p>");
    }

    // ---- token

    private void token(HttpCall call, String tenantSegment) {
        if (!call.method.equals("POST")) {
            respondTokenError(call, new TokenError(400, "invalid_request", 900561,
                    "The endpoint only accepts POST requests. Received a " + call.method + " request.", null));
            return;
        }
        try {
            Map<String, String> form = call.form();
            authenticateClient(call, form);
            String grantType = form.get("grant_type");
            if (grantType == null) {
                throw new TokenError(400, "invalid_request", 900144,
                        "The request body must contain the following parameter: 'grant_type'.", null);
            }
            ObjectNode response = switch (grantType) {
                case "authorization_code" -> redeemCode(form);
                case "refresh_token" -> redeemRefreshToken(form);
                case "client_credentials" -> clientCredentials(form, tenantSegment);
                default -> throw new TokenError(400, "unsupported_grant_type", 70003,
                        "The app requested an unsupported grant type '" + grantType + "'.", null);
            };
            call.setHeader("Cache-Control", "no-store, no-cache");
            call.setHeader("Pragma", "no-cache");
            call.respondJson(200, response);
        } catch (TokenError error) {
            respondTokenError(call, error);
        }
    }

    private void authenticateClient(HttpCall call, Map<String, String> form) {
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = call.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = HttpCall.decode(decoded.substring(0, colon));
                secret = HttpCall.decode(decoded.substring(colon + 1));
            }
        }
        if (clientId == null) {
            throw new TokenError(400, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'client_id'.", null);
        }
        if (!clientId.equals(settings.clientId())) {
            throw new TokenError(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + settings.tenantId() + "'. This can happen if the application has"
                    + " not been installed by the administrator of the tenant or consented to by any user in the tenant."
                    + " You may have sent your authentication request to the wrong tenant.", null);
        }
        if (secret == null && form.get("client_assertion") == null) {
            throw new TokenError(401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", null);
        }
        if (secret == null || !secret.equals(settings.clientSecret())) {
            throw new TokenError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being"
                    + " sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'.", null);
        }
    }

    private ObjectNode redeemCode(Map<String, String> form) {
        String code = form.get("code");
        if (code == null) {
            throw new TokenError(400, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'code'.", null);
        }
        TokenService.CodeGrant grant = tokens.code(code);
        if (grant == null || !grant.clientId().equals(form.get("client_id") == null ? settings.clientId() : form.get("client_id"))) {
            throw new TokenError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", null);
        }
        if (grant.redeemed().get()) {
            throw new TokenError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please"
                    + " retry with a new valid code or use an existing refresh token.", null);
        }
        long now = tenant.nowMillis();
        if (now - grant.issuedAtMillis() > settings.authorizationCodeLifetime().toMillis()) {
            throw new TokenError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has"
                    + " expired due to inactivity. Send a new interactive authorization request for this user and resource.", null);
        }
        String redirectUri = form.get("redirect_uri");
        if (redirectUri == null || !redirectUri.equals(grant.redirectUri())) {
            throw new TokenError(400, "invalid_client", 500112, "The reply address '" + redirectUri
                    + "' does not match the reply address '" + grant.redirectUri()
                    + "' provided when requesting Authorization code.", null);
        }
        if (grant.codeChallenge() != null && !pkceMatches(grant, form.get("code_verifier"))) {
            throw new TokenError(400, "invalid_grant", 501481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.", null);
        }
        if (!grant.redeemed().compareAndSet(false, true)) {
            throw new TokenError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please"
                    + " retry with a new valid code or use an existing refresh token.", null);
        }
        Recipient user = tenant.find(grant.userOid());
        if (user == null || user.kind != RecipientKind.USER) {
            throw new TokenError(400, "invalid_grant", 50034, "The user account does not exist in the directory.", null);
        }
        return userTokenResponse(user, grant.graphScopes(), grant.oidcScopes(), grant.nonce(), form);
    }

    private static boolean pkceMatches(TokenService.CodeGrant grant, String verifier) {
        if (verifier == null) {
            return false;
        }
        if ("plain".equals(grant.challengeMethod())) {
            return verifier.equals(grant.codeChallenge());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return EmulatorKeys.base64Url(digest).equals(grant.codeChallenge());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode redeemRefreshToken(Map<String, String> form) {
        String token = form.get("refresh_token");
        if (token == null) {
            throw new TokenError(400, "invalid_request", 900144,
                    "The request body must contain the following parameter: 'refresh_token'.", null);
        }
        TokenService.RefreshGrant grant = tokens.refreshToken(token);
        if (grant == null || !grant.clientId().equals(settings.clientId())) {
            throw new TokenError(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.", null);
        }
        Recipient user = tenant.find(grant.userOid());
        if (user == null || user.kind != RecipientKind.USER) {
            throw new TokenError(400, "invalid_grant", 50034, "The user account does not exist in the directory.", null);
        }
        if (grant.issuedAtMillis() <= user.tokensRevokedAtMillis) {
            throw new TokenError(400, "invalid_grant", 50173, "The provided grant has expired due to it being revoked,"
                    + " a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '"
                    + Instant.ofEpochMilli(grant.issuedAtMillis()) + "' and the TokensValidFrom date (before which tokens are not"
                    + " valid) for this user is '" + Instant.ofEpochMilli(user.tokensRevokedAtMillis) + "'.", null);
        }
        Scopes.Requested requested = Scopes.parse(form.get("scope"));
        Set<String> graph = requested.graph().isEmpty() || requested.graphDefault() ? grant.graphScopes() : requested.graph();
        List<String> missing = new ArrayList<>();
        for (String scope : graph) {
            if (!grant.graphScopes().contains(scope)) {
                missing.add(scope);
            }
        }
        if (!missing.isEmpty()) {
            throw new TokenError(400, "invalid_grant", 65001, "The user or administrator has not consented to use the"
                    + " application with ID '" + settings.clientId() + "' named '" + settings.applicationDisplayName()
                    + "'. Send an interactive authorization request for this user and resource.", "consent_required");
        }
        user.refreshes.incrementAndGet();
        return userTokenResponse(user, graph, grant.oidcScopes(), null, form);
    }

    private ObjectNode userTokenResponse(Recipient user, Set<String> graph, Set<String> oidc, String nonce,
            Map<String, String> form) {
        waitPastRevocationSecond(user);
        long now = tenant.nowMillis();
        long lifetime = tokens.lifetime(user).toSeconds();
        ObjectNode response = Json.object();
        response.put("token_type", "Bearer");
        response.put("scope", Scopes.responseScope(graph, oidc));
        response.put("expires_in", lifetime);
        response.put("ext_expires_in", lifetime);
        response.put("access_token", tokens.accessToken(user, graph, oidc, now));
        if (oidc.contains("offline_access")) {
            response.put("refresh_token", tokens.issueRefreshToken(
                    new TokenService.RefreshGrant(settings.clientId(), user.oid, graph, oidc, now)));
        }
        if (oidc.contains("openid")) {
            response.put("id_token", tokens.idToken(user, issuer(), nonce, now));
        }
        if ("1".equals(form.get("client_info"))) {
            response.put("client_info", tokens.clientInfo(user));
        }
        return response;
    }

    /** Access tokens carry whole-second iat; one issued in the second of a revocation must not look revoked. */
    private void waitPastRevocationSecond(Recipient user) {
        long revokedSecond = user.tokensRevokedAtMillis / 1000;
        long now = tenant.nowMillis();
        if (revokedSecond > 0 && now / 1000 <= revokedSecond) {
            try {
                Thread.sleep((revokedSecond + 1) * 1000 - now + 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ObjectNode clientCredentials(Map<String, String> form, String tenantSegment) {
        if (tenantSegment.equals("common")) {
            throw new TokenError(400, "invalid_request", 9001023, "The grant type isn't supported over the /common or"
                    + " /consumers endpoints. Please use the /organizations or tenant-specific endpoint.", null);
        }
        String scope = form.get("scope") == null ? "" : form.get("scope").trim();
        List<String> resourceScopes = new ArrayList<>();
        for (String value : scope.split("\\s+")) {
            // MSAL adds the OIDC scopes to every request; Entra ignores them for client credentials.
            if (!value.isEmpty() && !Scopes.OIDC.contains(value.toLowerCase(java.util.Locale.ROOT))) {
                resourceScopes.add(value);
            }
        }
        boolean graphDefault = resourceScopes.size() == 1
                && (resourceScopes.get(0).equalsIgnoreCase(Scopes.GRAPH_RESOURCE + "/.default")
                || resourceScopes.get(0).equalsIgnoreCase(Scopes.GRAPH_APP_ID + "/.default"));
        if (!graphDefault) {
            throw new TokenError(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not"
                    + " valid. Client credential flows must have a scope value with /.default suffixed to the resource"
                    + " identifier (application ID URI).", null);
        }
        long lifetime = settings.accessTokenLifetime().toSeconds();
        ObjectNode response = Json.object();
        response.put("token_type", "Bearer");
        response.put("expires_in", lifetime);
        response.put("ext_expires_in", lifetime);
        response.put("access_token", tokens.appOnlyAccessToken(tenant.nowMillis()));
        return response;
    }

    private static void respondTokenError(HttpCall call, TokenError error) {
        Instant now = Instant.now();
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = ERROR_TIMESTAMP.format(now);
        ObjectNode body = Json.object();
        body.put("error", error.error);
        body.put("error_description", "AADSTS" + error.code + ": " + error.getMessage() + "\r\nTrace ID: " + traceId
                + "\r\nCorrelation ID: " + correlationId + "\r\nTimestamp: " + timestamp);
        ArrayNode codes = body.putArray("error_codes");
        codes.add(error.code);
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + error.code);
        if (error.suberror != null) {
            body.put("suberror", error.suberror);
        }
        call.setHeader("Cache-Control", "no-store, no-cache");
        call.respondJson(error.status, body);
    }
}

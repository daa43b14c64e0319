package com.workestra.sharedmailboxes.callers.control;

import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import com.workestra.sharedmailboxes.graph.control.MicrosoftEndpoints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The console's OpenID Connect client (authorization code flow with PKCE and a nonce, confidential client) against the
 * identity provider that issues Workestra's user tokens. The ID token's {@code sub}, {@code upn}, {@code wid} and
 * {@code groups} claims make the console's caller, exactly as the API's bearer tokens do.
 */
@ApplicationScoped
public class ConsoleSignIn {

    public static final String CALLBACK_PATH = "/admin/signin";
    public static final String SIGNED_OUT_PATH = "/admin/signed-out.xhtml";

    private static final Logger LOG = Logger.getLogger(ConsoleSignIn.class.getName());
    private static final Duration KEY_REFRESH_PAUSE = Duration.ofMinutes(1);

    @Inject
    @ConfigProperty(name = "console.oidc.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "console.oidc.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "console.oidc.client-secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "console.oidc.scopes")
    String scopes;

    @Inject
    @ConfigProperty(name = "console.oidc.trusted-certificate")
    Optional<String> trustedCertificate;

    @Inject
    @ConfigProperty(name = "console.oidc.timeout-seconds")
    int timeoutSeconds;

    @Inject
    @ConfigProperty(name = "console.sign-in-lifetime")
    Duration signInLifetime;

    @Inject
    @ConfigProperty(name = "service.public-base-url")
    String publicBaseUrl;

    @Inject
    Clock clock;

    private volatile Provider provider;
    private volatile HttpClient http;

    /** Why a sign-in could not be completed; the message is for the log, never for the page. */
    public static final class SignInFailed extends Exception {
        private final String code;

        public SignInFailed(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private record Provider(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri,
                            String endSessionEndpoint, IdTokenVerifier verifier, Instant keysFetchedAt) {
        Provider withVerifier(IdTokenVerifier fresh, Instant at) {
            return new Provider(issuer, authorizationEndpoint, tokenEndpoint, jwksUri, endSessionEndpoint, fresh, at);
        }
    }

    public boolean isConfigured() {
        return present(issuer) && present(clientId) && present(clientSecret);
    }

    public String redirectUri() {
        return base() + CALLBACK_PATH;
    }

    public String signedOutUri() {
        return base() + SIGNED_OUT_PATH;
    }

    /** A new sign-in: what to remember in the session, and where to send the browser. */
    public Started start(String returnTo) throws SignInFailed {
        Provider current = provider();
        String verifier = OAuthSecrets.random(48);
        PendingSignIn pending = new PendingSignIn(OAuthSecrets.random(32), OAuthSecrets.random(32), verifier, returnTo, clock.instant());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId.orElseThrow());
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri());
        query.put("response_mode", "query");
        query.put("scope", scopes);
        query.put("state", pending.state());
        query.put("nonce", pending.nonce());
        query.put("code_challenge", OAuthSecrets.s256Challenge(verifier));
        query.put("code_challenge_method", "S256");
        return new Started(pending, withQuery(current.authorizationEndpoint(), query));
    }

    public record Started(PendingSignIn pending, String authorizationUrl) {
    }

    public boolean isExpired(PendingSignIn pending) {
        return pending.startedAt().plus(signInLifetime).isBefore(clock.instant());
    }

    /** Redeems the code and checks the ID token; the person it names is the console's caller from now on. */
    public ConsolePrincipal finish(PendingSignIn pending, String code) throws SignInFailed {
        Provider current = provider();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri());
        form.put("client_id", clientId.orElseThrow());
        form.put("client_secret", clientSecret.orElseThrow());
        form.put("code_verifier", pending.codeVerifier());
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(current.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
        JsonObject answer = parse(response.body());
        if (response.statusCode() != 200 || answer == null || !answer.containsKey("id_token")) {
            throw new SignInFailed("TOKEN_REQUEST_FAILED", "token endpoint answered " + response.statusCode() + " "
                    + (answer == null ? "" : answer.getString("error", "")));
        }
        String idToken = answer.getString("id_token");
        JsonObject claims = verified(current, idToken, pending.nonce());
        String subject = claims.getString("sub", null);
        String workspace = claims.getString("wid", null);
        if (subject == null || subject.isBlank()) {
            throw new SignInFailed("NO_SUBJECT", "the ID token has no sub");
        }
        if (workspace == null || workspace.isBlank()) {
            throw new SignInFailed("NO_WORKSPACE", "the ID token has no wid: the account belongs to no Workestra workspace");
        }
        List<String> groups = IdTokenVerifier.strings(claims.get("groups"));
        String upn = claims.getString("upn", claims.getString("preferred_username", null));
        return new ConsolePrincipal(subject, upn, workspace, groups, claims.getString("name", null));
    }

    /** Where the browser goes to sign out at the provider too (RP-initiated logout), or straight to the signed-out page. */
    public String signOutUrl() {
        if (!isConfigured()) {
            return signedOutUri();
        }
        try {
            String endSession = provider().endSessionEndpoint();
            if (endSession == null) {
                return signedOutUri();
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("client_id", clientId.orElseThrow());
            query.put("post_logout_redirect_uri", signedOutUri());
            return withQuery(endSession, query);
        } catch (SignInFailed e) {
            return signedOutUri();
        }
    }

    private JsonObject verified(Provider current, String idToken, String nonce) throws SignInFailed {
        Provider checking = current;
        if (checking.verifier().needsOtherKeys(idToken)
                && checking.keysFetchedAt().plus(KEY_REFRESH_PAUSE).isBefore(clock.instant())) {
            checking = checking.withVerifier(verifier(checking.issuer(), checking.jwksUri()), clock.instant());
            provider = checking;
        }
        try {
            return checking.verifier().verify(idToken, nonce, clock.instant());
        } catch (IdTokenVerifier.InvalidIdToken e) {
            throw new SignInFailed("ID_TOKEN_INVALID", e.getMessage());
        }
    }

    private Provider provider() throws SignInFailed {
        Provider current = provider;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (provider == null) {
                String expectedIssuer = issuer.orElseThrow().replaceAll("/+$", "");
                HttpResponse<String> response = send(HttpRequest.newBuilder(
                        URI.create(expectedIssuer + "/.well-known/openid-configuration")).GET());
                JsonObject discovery = parse(response.body());
                if (response.statusCode() != 200 || discovery == null) {
                    throw new SignInFailed("DISCOVERY_FAILED", "discovery answered " + response.statusCode());
                }
                String announced = discovery.getString("issuer", "");
                if (!announced.equals(expectedIssuer) && !announced.equals(expectedIssuer + "/")) {
                    throw new SignInFailed("DISCOVERY_FAILED", "the provider says its issuer is " + announced + ", not " + expectedIssuer);
                }
                String jwksUri = discovery.getString("jwks_uri", null);
                String authorize = discovery.getString("authorization_endpoint", null);
                String token = discovery.getString("token_endpoint", null);
                if (jwksUri == null || authorize == null || token == null) {
                    throw new SignInFailed("DISCOVERY_FAILED", "the discovery document lacks an endpoint");
                }
                provider = new Provider(announced, authorize, token, jwksUri, discovery.getString("end_session_endpoint", null),
                        verifier(announced, jwksUri), clock.instant());
            }
            return provider;
        }
    }

    private IdTokenVerifier verifier(String providerIssuer, String jwksUri) throws SignInFailed {
        HttpResponse<String> keys = send(HttpRequest.newBuilder(URI.create(jwksUri)).GET());
        JsonObject jwks = parse(keys.body());
        if (keys.statusCode() != 200 || jwks == null) {
            throw new SignInFailed("DISCOVERY_FAILED", "the JWKS answered " + keys.statusCode());
        }
        return new IdTokenVerifier(providerIssuer, clientId.orElseThrow(), jwks);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws SignInFailed {
        try {
            return http().send(request.timeout(Duration.ofSeconds(timeoutSeconds)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.warning(() -> "the console's identity provider is unreachable: " + e);
            throw new SignInFailed("PROVIDER_UNREACHABLE", String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInFailed("PROVIDER_UNREACHABLE", "interrupted");
        }
    }

    private HttpClient http() {
        HttpClient current = http;
        if (current == null) {
            synchronized (this) {
                if (http == null) {
                    Path extra = trustedCertificate.filter(path -> !path.isBlank()).map(Path::of).orElse(null);
                    http = HttpClient.newBuilder()
                            .sslContext(MicrosoftEndpoints.sslContextTrusting(extra))
                            .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                }
                current = http;
            }
        }
        return current;
    }

    private String base() {
        return publicBaseUrl.replaceAll("/+$", "");
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }

    private static boolean present(Optional<String> value) {
        return value.filter(v -> !v.isBlank()).isPresent();
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String withQuery(String endpoint, Map<String, String> query) {
        return endpoint + (endpoint.contains("?") ? "&" : "?") + form(query);
    }
}

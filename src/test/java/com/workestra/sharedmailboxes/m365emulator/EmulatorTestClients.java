package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * Clients wired to an emulator the way the service wires them to Microsoft: MSAL4J with oidcAuthority,
 * the Graph SDK v6 with a base URL, and a plain HTTP client for checking raw shapes. Test support.
 */
public final class EmulatorTestClients {

    public static final String REDIRECT_URI = "https://127.0.0.1:8443/connections/callback";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final M365Emulator emulator;
    private final HttpClient http;

    public EmulatorTestClients(M365Emulator emulator) {
        this.emulator = emulator;
        this.http = HttpClient.newBuilder()
                .sslContext(emulator.clientSslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpClient http() {
        return http;
    }

    public ConfidentialClientApplication msal() {
        try {
            return ConfidentialClientApplication.builder(emulator.clientId(),
                            ClientCredentialFactory.createFromSecret(emulator.clientSecret()))
                    .oidcAuthority(emulator.authority())
                    .instanceDiscovery(false)
                    .sslSocketFactory(emulator.clientSslContext().getSocketFactory())
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCE pair: verifier and its S256 challenge. */
    public record Pkce(String verifier, String challenge) {
        public static Pkce create() {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String verifier = EmulatorKeys.base64Url(bytes);
            try {
                return new Pkce(verifier, EmulatorKeys.base64Url(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Follows MSAL's authorization URL as a browser would and reads the form_post answer. */
    public FormPostResponse authorize(ConfidentialClientApplication app, String loginHint, Set<String> scopes, Pkce pkce,
            String state) {
        AuthorizationRequestUrlParameters parameters = AuthorizationRequestUrlParameters.builder(REDIRECT_URI, scopes)
                .codeChallenge(pkce.challenge())
                .codeChallengeMethod("S256")
                .state(state)
                .nonce("nonce-" + state)
                .loginHint(loginHint)
                .build();
        HttpResponse<String> page = get(app.getAuthorizationRequestUrl(parameters).toString(), Map.of());
        if (page.statusCode() != 200) {
            throw new IllegalStateException("authorize answered " + page.statusCode() + ": " + page.body());
        }
        return FormPostResponse.parse(page.body());
    }

    /** Signs the user in with authorization code + PKCE and redeems the code with MSAL4J. */
    public IAuthenticationResult signIn(ConfidentialClientApplication app, String loginHint, Set<String> scopes) {
        Pkce pkce = Pkce.create();
        FormPostResponse response = authorize(app, loginHint, scopes, pkce, "state-" + RANDOM.nextInt(1_000_000));
        if (response.code() == null) {
            throw new IllegalStateException("no code: " + response.fields());
        }
        return redeem(app, response.code(), scopes, pkce.verifier());
    }

    public IAuthenticationResult redeem(ConfidentialClientApplication app, String code, Set<String> scopes, String verifier) {
        try {
            return app.acquireToken(AuthorizationCodeParameters.builder(code, URI.create(REDIRECT_URI))
                    .scopes(scopes)
                    .codeVerifier(verifier)
                    .build()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public String signInToken(String upn, String... scopes) {
        return signIn(msal(), upn, Set.of(scopes)).accessToken();
    }

    public String appOnlyToken() {
        try {
            return msal().acquireToken(ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default"))
                    .build()).get().accessToken();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The Graph SDK v6 against the emulator; the supplier is asked for a token on every request. */
    public GraphServiceClient graph(Supplier<String> accessToken) {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator("127.0.0.1");

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> additionalContext) {
                return accessToken.get();
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        OkHttpClient okHttp = GraphClientFactory.create()
                .sslSocketFactory(emulator.clientSslContext().getSocketFactory(), emulator.clientTrustManager())
                .build();
        GraphServiceClient client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens), okHttp);
        client.getRequestAdapter().setBaseUrl(emulator.graphBaseUrl());
        return client;
    }

    public GraphServiceClient graph(String accessToken) {
        return graph(() -> accessToken);
    }

    // ---- raw HTTP

    public HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> graphGet(String token, String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.graphBaseUrl() + pathAndQuery)).GET()
                .header("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    public HttpResponse<String> graphSend(String method, String token, String pathAndQuery, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.graphBaseUrl() + pathAndQuery))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .build();
        return send(request);
    }

    public HttpResponse<String> postForm(String url, Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> body.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }
}

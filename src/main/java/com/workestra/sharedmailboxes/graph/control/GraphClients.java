package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one Graph client factory: Graph SDK clients at the configured base URL that send the given tokens, answer
 * Graph's claims challenge and retry a 401 once with a refreshed token, ask for immutable ids on every request, and are
 * kept per token holder (building one per call cost CPU under webhook storms).
 */
@ApplicationScoped
public class GraphClients {

    @Inject
    MicrosoftEndpoints endpoints;

    @Inject
    @ConfigProperty(name = "graph.timeout-seconds")
    int timeoutSeconds;

    @Inject
    ServiceMetrics metrics;

    @Inject
    TransactionWatch transactions;

    private volatile OkHttpClient http;
    private volatile ContentWithoutCallTimeout content;

    private static final int MAX_CLIENTS = 2_000;
    private static final String IMMUTABLE_IDS = "IdType=\"ImmutableId\"";

    private final Map<String, GraphServiceClient> clients = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, GraphServiceClient> eldest) {
            return size() > MAX_CLIENTS;
        }
    });

    /**
     * The client kept for {@code holder} (a key that changes when the holder's grant does, so a reconnect gets a new
     * one and the old one ages out); it asks {@code tokens} on every request, so it never holds a stale token.
     */
    public GraphServiceClient kept(String holder, Supplier<AccessTokens> tokens) {
        return clients.computeIfAbsent(holder, ignored -> withTokens(tokens.get()));
    }

    /**
     * A client that answers Graph's claims challenge: after a 401 carrying {@code WWW-Authenticate ... claims="…"}
     * (continuous access evaluation, e.g. after the person's sessions were revoked) the SDK asks once more for a token
     * with those claims, and gets a freshly refreshed one rather than the same cached token.
     */
    GraphServiceClient withTokens(AccessTokens tokens) {
        var validator = new AllowedHostsValidator(endpoints.graphHost());
        var authentication = new BaseBearerTokenAuthenticationProvider(new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                Object claims = context == null ? null : context.get("claims");
                return claims instanceof String challenge && !challenge.isBlank()
                        ? tokens.refreshed(ClaimsChallenge.decode(challenge))
                        : tokens.current();
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return validator;
            }
        });
        // Content downloads leave the chain last, after a 401 could still be answered with a refreshed token.
        OkHttpClient perTokens = http().newBuilder().addInterceptor(new RefreshOnUnauthorized(tokens)).addInterceptor(content).build();
        GraphServiceClient client = new GraphServiceClient(authentication, perTokens);
        client.getRequestAdapter().setBaseUrl(endpoints.graphBaseUrl());
        return client;
    }

    /** Every call asks for immutable ids: a message keeps its id when it moves between folders, in answers and notifications. */
    private static Response immutableIds(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        boolean asked = request.headers("Prefer").stream().anyMatch(value -> value.contains("IdType="));
        return chain.proceed(asked ? request : request.newBuilder().addHeader("Prefer", IMMUTABLE_IDS).build());
    }

    /** Runs on the thread that sends the request (the SDK calls synchronously): it must hold no database transaction. */
    private Response watched(Interceptor.Chain chain) throws IOException {
        transactions.calling("Graph " + chain.request().method() + " " + chain.request().url().encodedPath());
        return chain.proceed(chain.request());
    }

    private OkHttpClient http() {
        OkHttpClient current = http;
        if (current == null) {
            synchronized (this) {
                if (http == null) {
                    Duration timeout = Duration.ofSeconds(timeoutSeconds);
                    OkHttpClient bounded = GraphClientFactory.create()
                            .sslSocketFactory(endpoints.sslContext().getSocketFactory(), endpoints.trustManager())
                            .connectTimeout(timeout)
                            .readTimeout(timeout)
                            .callTimeout(timeout.multipliedBy(2))
                            .addInterceptor(this::watched)
                            .addInterceptor(new GraphMetrics(metrics))
                            .addInterceptor(GraphClients::immutableIds)
                            .build();
                    content = new ContentWithoutCallTimeout(bounded);
                    http = bounded;
                }
                current = http;
            }
        }
        return current;
    }
}

package com.workestra.sharedmailboxes.graph.control;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import okhttp3.OkHttpClient;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** The one Graph client factory: a Graph SDK client at the configured base URL that sends the given token. */
@ApplicationScoped
public class GraphClients {

    @Inject
    MicrosoftEndpoints endpoints;

    @Inject
    @ConfigProperty(name = "graph.timeout-seconds")
    int timeoutSeconds;

    @Inject
    MetricRegistry metrics;

    private volatile OkHttpClient http;

    public GraphServiceClient withToken(Supplier<String> accessToken) {
        return withTokens(AccessTokens.fixed(accessToken));
    }

    /**
     * A client that answers Graph's claims challenge: after a 401 carrying {@code WWW-Authenticate ... claims="…"}
     * (continuous access evaluation, e.g. after the person's sessions were revoked) the SDK asks once more for a token
     * with those claims, and gets a freshly refreshed one rather than the same cached token.
     */
    public GraphServiceClient withTokens(AccessTokens tokens) {
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
        OkHttpClient perTokens = http().newBuilder().addInterceptor(new RefreshOnUnauthorized(tokens)).build();
        GraphServiceClient client = new GraphServiceClient(authentication, perTokens);
        client.getRequestAdapter().setBaseUrl(endpoints.graphBaseUrl());
        return client;
    }

    private OkHttpClient http() {
        OkHttpClient current = http;
        if (current == null) {
            synchronized (this) {
                if (http == null) {
                    Duration timeout = Duration.ofSeconds(timeoutSeconds);
                    http = GraphClientFactory.create()
                            .sslSocketFactory(endpoints.sslContext().getSocketFactory(), endpoints.trustManager())
                            .connectTimeout(timeout)
                            .readTimeout(timeout)
                            .callTimeout(timeout.multipliedBy(2))
                            .addInterceptor(new GraphMetrics(metrics))
                            .build();
                }
                current = http;
            }
        }
        return current;
    }
}

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
        var validator = new AllowedHostsValidator(endpoints.graphHost());
        var authentication = new BaseBearerTokenAuthenticationProvider(new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return accessToken.get();
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return validator;
            }
        });
        GraphServiceClient client = new GraphServiceClient(authentication, http());
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

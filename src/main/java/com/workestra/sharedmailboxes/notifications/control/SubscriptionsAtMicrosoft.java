package com.workestra.sharedmailboxes.notifications.control;

import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.graph.control.GraphClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** Graph's /subscriptions: create, renew, reauthorize and delete, with the token of the identity that owns them. */
@ApplicationScoped
public class SubscriptionsAtMicrosoft {

    @Inject
    GraphClients graph;

    @Inject
    @ConfigProperty(name = "service.public-base-url")
    String publicBaseUrl;

    @Inject
    @ConfigProperty(name = "notifications.change-types")
    String changeTypes;

    public String notificationUrl() {
        return publicBaseUrl.replaceAll("/+$", "") + "/api/v1/graph/notifications";
    }

    public String lifecycleUrl() {
        return publicBaseUrl.replaceAll("/+$", "") + "/api/v1/graph/lifecycle";
    }

    public Created create(Supplier<String> token, String resource, String clientState, Instant expiresAt) {
        Subscription subscription = new Subscription();
        subscription.setChangeType(changeTypes);
        subscription.setNotificationUrl(notificationUrl());
        subscription.setLifecycleNotificationUrl(lifecycleUrl());
        subscription.setResource(resource);
        subscription.setClientState(clientState);
        subscription.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription created = client(token).subscriptions().post(subscription,
                request -> request.headers.add("Prefer", "IdType=\"ImmutableId\""));
        OffsetDateTime expiry = created.getExpirationDateTime();
        return new Created(created.getId(), expiry == null ? expiresAt : expiry.toInstant());
    }

    public Instant renew(Supplier<String> token, String subscriptionId, Instant expiresAt) {
        Subscription change = new Subscription();
        change.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription renewed = client(token).subscriptions().bySubscriptionId(subscriptionId).patch(change);
        return renewed == null || renewed.getExpirationDateTime() == null ? expiresAt : renewed.getExpirationDateTime().toInstant();
    }

    public void reauthorize(Supplier<String> token, String subscriptionId) {
        client(token).subscriptions().bySubscriptionId(subscriptionId).reauthorize().post();
    }

    public void delete(Supplier<String> token, String subscriptionId) {
        client(token).subscriptions().bySubscriptionId(subscriptionId).delete();
    }

    private GraphServiceClient client(Supplier<String> token) {
        return graph.withToken(token);
    }

    public record Created(String id, Instant expiresAt) {
    }
}

package com.workestra.sharedmailboxes.notifications.control;

import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Graph's /subscriptions: create, renew, reauthorize and delete, with a client of the identity that owns them. */
@ApplicationScoped
public class SubscriptionsAtMicrosoft {

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

    public Created create(GraphServiceClient client, String resource, String clientState, Instant expiresAt) {
        Subscription subscription = new Subscription();
        subscription.setChangeType(changeTypes);
        subscription.setNotificationUrl(notificationUrl());
        subscription.setLifecycleNotificationUrl(lifecycleUrl());
        subscription.setResource(resource);
        subscription.setClientState(clientState);
        subscription.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription created = client.subscriptions().post(subscription);
        OffsetDateTime expiry = created.getExpirationDateTime();
        return new Created(created.getId(), expiry == null ? expiresAt : expiry.toInstant());
    }

    public Instant renew(GraphServiceClient client, String subscriptionId, Instant expiresAt) {
        Subscription change = new Subscription();
        change.setExpirationDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
        Subscription renewed = client.subscriptions().bySubscriptionId(subscriptionId).patch(change);
        return renewed == null || renewed.getExpirationDateTime() == null ? expiresAt : renewed.getExpirationDateTime().toInstant();
    }

    public void reauthorize(GraphServiceClient client, String subscriptionId) {
        client.subscriptions().bySubscriptionId(subscriptionId).reauthorize().post();
    }

    public void delete(GraphServiceClient client, String subscriptionId) {
        client.subscriptions().bySubscriptionId(subscriptionId).delete();
    }

    public record Created(String id, Instant expiresAt) {
    }
}

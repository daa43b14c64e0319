package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import com.workestra.sharedmailboxes.notifications.control.SubscriptionKeys;
import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What Graph posts to the webhooks. A notification counts only for a subscription this service holds and with that
 * subscription's clientState; it then marks the connection due (requests for one mailbox coalesce). Anything else is
 * ignored and counted, never processed.
 * <p>
 * Plain CDI, not an EJB: a notification is checked against {@link SubscriptionKeys} (in memory, read without a
 * transaction), and the connections a POST makes due are marked by {@code SyncRequests.requestEach} in one statement,
 * committed at once, without a JTA transaction (issue 18 §5). Lifecycle events, rare, read their subscription from the
 * database each time.
 */
@ApplicationScoped
public class GraphWebhooks {

    private static final Logger LOG = Logger.getLogger(GraphWebhooks.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    SubscriptionKeys keys;

    @Inject
    SyncRequests syncRequests;

    @Inject
    SubscriptionLifecycle lifecycle;

    @Inject
    ServiceMetrics metrics;

    public void notifications(JsonObject batch) {
        Set<UUID> due = new LinkedHashSet<>();
        for (JsonValue item : batch.getJsonArray("value")) {
            Optional<UUID> connection = item.getValueType() == JsonValue.ValueType.OBJECT
                    ? keys.connectionNotified(item.asJsonObject().getString("subscriptionId", null),
                    item.asJsonObject().getString("clientState", null))
                    : Optional.empty();
            count(connection.isPresent() ? "accepted" : "ignored");
            connection.ifPresent(due::add);
        }
        if (!due.isEmpty()) {
            syncRequests.requestEach(due, SyncReason.WEBHOOK);
        }
    }

    public void lifecycleEvents(JsonObject batch) {
        for (JsonValue item : batch.getJsonArray("value")) {
            GraphSubscription subscription = verified(item);
            if (subscription == null) {
                continue;
            }
            String event = item.asJsonObject().getString("lifecycleEvent", "");
            LOG.info(() -> "lifecycle event " + event + " for subscription " + subscription.id());
            switch (event) {
                case "reauthorizationRequired" -> lifecycle.reauthorize(subscription.id());
                case "subscriptionRemoved" -> lifecycle.recreate(subscription.id());
                case "missed" -> syncRequests.requestEach(Set.of(subscription.connectionId()), SyncReason.MISSED);
                default -> count("unknown_event");
            }
        }
    }

    private GraphSubscription verified(JsonValue item) {
        if (item.getValueType() != JsonValue.ValueType.OBJECT) {
            count("ignored");
            return null;
        }
        JsonObject notification = item.asJsonObject();
        String subscriptionId = notification.getString("subscriptionId", null);
        GraphSubscription subscription = subscriptionId == null ? null : em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null || !subscription.hasClientState(notification.getString("clientState", null))) {
            count("ignored");
            return null;
        }
        count("accepted");
        return subscription;
    }

    private void count(String outcome) {
        metrics.count("webhook_notifications_total", "outcome", outcome);
    }
}

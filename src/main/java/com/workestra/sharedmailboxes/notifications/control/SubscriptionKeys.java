package com.workestra.sharedmailboxes.notifications.control;

import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a change notification is checked against, kept in memory: a subscription's connection and clientState never
 * change, so at 500 notifications a second the webhook need not read {@code graph_subscription} for each one (issue 18
 * §5). A subscription this server has not seen, or saw more than {@link #FRESH_FOR} ago, is read again, so one made by
 * another server counts at once. One deleted since it was read counts at most that long: its notification can only
 * request a sync of its connection, which is harmless, and Graph stops notifying a deleted subscription anyway.
 */
@ApplicationScoped
public class SubscriptionKeys {

    static final Duration FRESH_FOR = Duration.ofMinutes(10);
    /** Far more than the subscriptions a server holds (one or two per connection); beyond it everything is read again. */
    static final int MAX_KEPT = 200_000;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** The subscription's connection, when this service holds the subscription and {@code clientState} is its own. */
    public Optional<UUID> connectionNotified(String subscriptionId, String clientState) {
        if (subscriptionId == null || clientState == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Kept key = kept.get(subscriptionId);
        if (key == null || key.readAt.plus(FRESH_FOR).isBefore(now)) {
            GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
            if (subscription == null) {
                kept.remove(subscriptionId);
                return Optional.empty();
            }
            if (kept.size() >= MAX_KEPT) {
                kept.clear();
            }
            key = new Kept(subscription, now);
            kept.put(subscriptionId, key);
        }
        return key.subscription.hasClientState(clientState) ? Optional.of(key.subscription.connectionId()) : Optional.empty();
    }

    /** A detached copy: only its id, connection and clientState hash are read here, and those never change. */
    private record Kept(GraphSubscription subscription, Instant readAt) {
    }
}

package com.workestra.sharedmailboxes.notifications.boundary;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionRemoval;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.notifications.control.AppOnlyIdentity;
import com.workestra.sharedmailboxes.notifications.control.SubscriptionsAtMicrosoft;
import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sets up, keeps alive and removes push delivery for connections. A personal connection subscribes with its own
 * delegated token; a shared mailbox only with the app-only identity, never with a delegated token (Graph refuses
 * delegated subscriptions on shared mailboxes); everything else is polled, and the connection says why.
 */
@Stateless
public class PushDelivery {

    private static final Logger LOG = Logger.getLogger(PushDelivery.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    SubscriptionsAtMicrosoft microsoft;

    @Inject
    AppOnlyIdentity appOnly;

    @Inject
    OutlookSignIn signIn;

    @Inject
    SyncRequests syncRequests;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "notifications.subscription-lifetime")
    Duration lifetime;

    @Inject
    @ConfigProperty(name = "notifications.max-failures")
    int maxFailures;

    @Inject
    @ConfigProperty(name = "sync.poll-interval")
    Duration pollInterval;

    /**
     * Push where possible, polling otherwise. Never throws: a failure leaves the connection polled, with a note. In a
     * transaction of its own, since it also runs after the transaction that made the connection has committed.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void setUp(UUID connectionId) {
        OutlookConnection connection = em.find(OutlookConnection.class, connectionId);
        if (connection == null || !currentSubscriptions(connectionId).isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (!connection.isPersonal() && !appOnly.isConfigured()) {
            connection.polled("Polled every " + pollInterval.toSeconds() + " s: Microsoft sends change notifications for shared mailboxes"
                    + " only to an app-only identity, and none is configured.", now);
            return;
        }
        SubscriptionIdentity identity = connection.isPersonal() ? SubscriptionIdentity.DELEGATED : SubscriptionIdentity.APP_ONLY;
        String resource = connection.isPersonal() ? "me/mailFolders('inbox')/messages"
                : "users/" + connection.mailbox().address() + "/mailFolders('inbox')/messages";
        String clientState = OAuthSecrets.random(48);
        try {
            var created = microsoft.create(client(connection, identity), resource, clientState, now.plus(lifetime));
            em.persist(new GraphSubscription(created.id(), connectionId, resource, identity, clientState, created.expiresAt(), now));
            connection.pushed(now);
        } catch (RuntimeException e) {
            String reason = describe(e);
            LOG.log(Level.WARNING, "push for connection {0} could not be set up: {1}", new Object[]{connectionId, reason});
            connection.pushFailed("Polled every " + pollInterval.toSeconds() + " s: change notifications could not be set up ("
                    + reason + "); retrying later.", now);
        }
    }

    /** Renews one subscription ahead of expiry; recreates it when Graph no longer knows it; falls back to polling after repeated failure. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void renew(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return;
        }
        OutlookConnection connection = em.find(OutlookConnection.class, subscription.connectionId());
        Instant now = clock.instant();
        try {
            Instant expiry = microsoft.renew(client(connection, subscription.identity()), subscriptionId, now.plus(lifetime));
            subscription.renewedUntil(expiry, now);
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && failure.isNotFound()) {
                recreate(subscription, connection, SyncReason.RECOVERY);
                return;
            }
            int failures = subscription.failed(describe(e));
            if (failures >= maxFailures || !subscription.expiresAt().isAfter(now)) {
                em.remove(subscription);
                connection.pushFailed("Polled every " + pollInterval.toSeconds() + " s: the change-notification subscription could not be renewed ("
                        + describe(e) + ").", now);
                syncRequests.request(connection.id(), SyncReason.RECOVERY);
            }
        }
    }

    /** Graph asks for a reauthorization: reauthorize, or renew when that is refused. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void reauthorize(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return;
        }
        OutlookConnection connection = em.find(OutlookConnection.class, subscription.connectionId());
        try {
            microsoft.reauthorize(client(connection, subscription.identity()), subscriptionId);
        } catch (RuntimeException e) {
            LOG.info(() -> "reauthorize of " + subscriptionId + " failed (" + describe(e) + "), renewing instead");
            renew(subscriptionId);
        }
    }

    /** Graph removed the subscription: recreate it, then sync what may have been missed meanwhile. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void recreate(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription != null) {
            recreate(subscription, em.find(OutlookConnection.class, subscription.connectionId()), SyncReason.MISSED);
        }
    }

    private void recreate(GraphSubscription old, OutlookConnection connection, SyncReason reason) {
        em.remove(old);
        em.flush();
        setUp(connection.id());
        syncRequests.request(connection.id(), reason);
    }

    /** Connections that wanted push but poll after a failed set-up: try again. */
    public List<UUID> pushRetries() {
        return em.createQuery("SELECT c.id FROM OutlookConnection c WHERE c.delivery = com.workestra.sharedmailboxes.connections.entity.Delivery.POLLING"
                        + " AND c.deliveryFailures > 0 AND c.deliveryFailures < :max", UUID.class)
                .setParameter("max", maxFailures)
                .getResultList();
    }

    public List<String> expiringBefore(Instant before) {
        return em.createNamedQuery(GraphSubscription.EXPIRING, String.class).setParameter("before", before).getResultList();
    }

    /** Claims a subscription for maintenance on this server (two servers never renew the same one at once). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public boolean claim(String subscriptionId, Duration lease) {
        Instant now = clock.instant();
        return em.createNativeQuery("UPDATE graph_subscription SET lease_until = ?1 WHERE id = ?2 AND (lease_until IS NULL OR lease_until < ?3)")
                .setParameter(1, java.time.OffsetDateTime.ofInstant(now.plus(lease), java.time.ZoneOffset.UTC))
                .setParameter(2, subscriptionId)
                .setParameter(3, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
                .executeUpdate() == 1;
    }

    /** Before a connection is deleted: its subscriptions, and those of its shared rows, are deleted at Microsoft (best effort). */
    public void onRemoval(@Observes ConnectionRemoval removal) {
        OutlookConnection connection = removal.connection();
        deleteAtMicrosoft(connection);
        connection.sharedMailboxes().forEach(this::deleteAtMicrosoft);
    }

    private void deleteAtMicrosoft(OutlookConnection connection) {
        for (GraphSubscription subscription : currentSubscriptions(connection.id())) {
            try {
                microsoft.delete(client(connection, subscription.identity()), subscription.id());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "subscription {0} of connection {1} could not be deleted at Microsoft: {2}",
                        new Object[]{subscription.id(), connection.id(), describe(e)});
            }
            em.remove(subscription);
        }
    }

    private List<GraphSubscription> currentSubscriptions(UUID connectionId) {
        return em.createNamedQuery(GraphSubscription.OF_CONNECTION, GraphSubscription.class)
                .setParameter("connectionId", connectionId).getResultList();
    }

    private GraphServiceClient client(OutlookConnection connection, SubscriptionIdentity identity) {
        return identity == SubscriptionIdentity.APP_ONLY ? appOnly.graph() : signIn.graphFor(connection.tokenHolder());
    }

    private static String describe(Throwable e) {
        GraphFailure failure = GraphFailure.of(e);
        if (failure != null) {
            return "Graph answered " + failure;
        }
        if (e instanceof com.workestra.sharedmailboxes.problems.entity.ServiceException service) {
            return service.code().name();
        }
        return e.getClass().getSimpleName();
    }
}

package com.workestra.sharedmailboxes.notifications.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import com.workestra.sharedmailboxes.notifications.entity.PushState;
import com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the service keeps of push delivery: the subscriptions it holds, the claim on a connection's set-up, and why a
 * connection is polled, in the words its health shows. Each method is a short transaction of its own when called with
 * none open, as push delivery calls it between its questions to Microsoft.
 */
@ApplicationScoped
@Transactional
public class PushRecords {

    @PersistenceContext
    EntityManager em;

    @Inject
    AppOnlyIdentity appOnly;

    @Inject
    SyncRequests syncRequests;

    @Inject
    @ConfigProperty(name = "notifications.max-failures")
    int maxFailures;

    @Inject
    @ConfigProperty(name = "sync.poll-interval")
    Duration pollInterval;

    @Inject
    @ConfigProperty(name = "notifications.setup-lease")
    Duration setUpLease;

    /**
     * What a set-up asks Microsoft for, or null when the connection is gone, already has a subscription, or is being set
     * up right now (by another server, or another thread here); a shared mailbox without the app-only identity is marked
     * polled here, and asks for nothing. The set-up is claimed in this short transaction
     * ({@code push_delivery.setup_until}, in the database's time) and released with its outcome, so that of two servers
     * retrying push for one connection at once only one asks Microsoft for a subscription.
     */
    public SubscriptionTarget target(UUID connectionId, Instant now) {
        OutlookConnection connection = em.find(OutlookConnection.class, connectionId);
        if (connection == null || !claimSetUp(connectionId, now)) {
            return null;
        }
        if (!currentSubscriptions(connectionId).isEmpty()) {
            setUpEnded(connectionId);
            return null;
        }
        if (!connection.isPersonal() && !appOnly.isConfigured()) {
            polled(connectionId, polledEvery() + "Microsoft sends change notifications for shared mailboxes"
                    + " only to an app-only identity, and none is configured.", now);
            setUpEnded(connectionId);
            return null;
        }
        return targetOf(connection);
    }

    /**
     * The mailbox's messages in every folder, not the Inbox's alone: mail an Outlook rule files into a subfolder, or a
     * colleague moves there, is notified too. Microsoft lists {@code /me/messages} and {@code /users/{id}/messages}
     * ("all messages in a user's mailbox") beside {@code /users/{id}/mailFolders/{id}/messages} as message resources,
     * for delegated and application permissions alike
     * (https://learn.microsoft.com/graph/outlook-change-notifications-overview, "Request permissions"). A notification
     * names the message ({@code Users/{id}/Messages/{id}}), never its folder
     * (https://learn.microsoft.com/graph/api/resources/resourcedata), so a run it wakes reads the selected folders.
     */
    private SubscriptionTarget targetOf(OutlookConnection connection) {
        SubscriptionIdentity identity = connection.isPersonal() ? SubscriptionIdentity.DELEGATED : SubscriptionIdentity.APP_ONLY;
        String resource = connection.isPersonal() ? "me/messages" : "users/" + connection.mailbox().address() + "/messages";
        return new SubscriptionTarget(connection.id(), identity, resource, TokenHolder.of(connection.tokenHolder()));
    }

    /**
     * What replaces the connection's one-folder subscription {@code replacing} with an every-folder one, claimed as a
     * set-up ({@link #target}); null when the set-up is claimed elsewhere, the connection is gone, it holds other
     * subscriptions than that one, or its shared mailbox has no app-only identity any more (then it is renewed as it is).
     */
    public SubscriptionTarget replacementTarget(String replacing, Instant now) {
        GraphSubscription old = em.find(GraphSubscription.class, replacing);
        OutlookConnection connection = old == null ? null : em.find(OutlookConnection.class, old.connectionId());
        if (connection == null || !claimSetUp(connection.id(), now)) {
            return null;
        }
        List<GraphSubscription> current = currentSubscriptions(connection.id());
        if (current.size() != 1 || !current.get(0).id().equals(replacing) || !connection.isPersonal() && !appOnly.isConfigured()) {
            setUpEnded(connection.id());
            return null;
        }
        return targetOf(connection);
    }

    /** Whether the subscription covers one folder only and is to be replaced by one on every folder. */
    public boolean coversOneFolder(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        return subscription != null && subscription.coversOneFolder();
    }

    /** Subscriptions on one folder's messages (made before issue 16): replaced at the next renewal round. */
    public List<String> oneFolderSubscriptions() {
        return em.createNamedQuery(GraphSubscription.ONE_FOLDER, String.class).getResultList();
    }

    /**
     * Microsoft created the every-folder subscription that replaces {@code replaced}: the new one is kept and the old one
     * forgotten in one transaction. From then on only the new one's notifications count; it covers every folder the old
     * one did, so nothing is missed while Microsoft deletes the old one. False when the connection is gone meanwhile.
     */
    public boolean replaced(SubscriptionTarget target, SubscriptionsAtMicrosoft.Created created, String clientState,
                            String replaced, Instant now) {
        if (em.find(OutlookConnection.class, target.connectionId()) == null) {
            return false;
        }
        forget(replaced);
        em.flush(); // one subscription per connection (graph_subscription_per_connection): the old row goes first
        em.persist(new GraphSubscription(created.id(), target.connectionId(), target.resource(), target.identity(), clientState,
                created.expiresAt(), now));
        setUpEnded(target.connectionId());
        return true;
    }

    public void replacementFailed(UUID connectionId) {
        setUpEnded(connectionId);
    }

    /** Microsoft created the subscription: kept, and the connection pushed. False when the connection is gone meanwhile. */
    public boolean pushed(SubscriptionTarget target, SubscriptionsAtMicrosoft.Created created, String clientState, Instant now) {
        OutlookConnection connection = em.find(OutlookConnection.class, target.connectionId());
        if (connection == null) {
            return false;
        }
        em.persist(new GraphSubscription(created.id(), target.connectionId(), target.resource(), target.identity(), clientState,
                created.expiresAt(), now));
        state(target.connectionId(), now).pushed(now);
        setUpEnded(target.connectionId());
        syncRequests.deliveredBy(target.connectionId(), true);
        return true;
    }

    /** Microsoft refused to create the subscription: polled, and tried again at the next renewal round. */
    public void setUpFailed(UUID connectionId, String reason, Instant now) {
        pushFailed(connectionId, polledEvery() + "change notifications could not be set up (" + reason + "); retrying later.", now);
    }

    /**
     * Microsoft refused the app-only identity on the connection's mailbox (403: it is outside the identity's Exchange
     * management scope): polled, and tried again at every renewal round.
     */
    public void outsideScope(UUID connectionId, String reason, Instant now) {
        if (em.find(OutlookConnection.class, connectionId) != null) {
            state(connectionId, now).outsideScope(polledEvery() + "this mailbox is outside the app-only identity's Exchange"
                    + " management scope (" + reason + "); push starts by itself once an Exchange admin adds it to the scope"
                    + " (see the admin health page).", now);
            setUpEnded(connectionId);
            syncRequests.deliveredBy(connectionId, false);
        }
    }

    /** Microsoft refused to renew an app-only subscription (403: the mailbox left the app's scope): polled, synced at once. */
    public void renewalRefusedByScope(String subscriptionId, String reason, Instant now) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return;
        }
        UUID connectionId = subscription.connectionId();
        em.remove(subscription);
        outsideScope(connectionId, reason, now);
        syncRequests.request(connectionId, SyncReason.RECOVERY);
    }

    public void renewed(String subscriptionId, Instant expiry, Instant now) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription != null) {
            subscription.renewedUntil(expiry, now);
        }
    }

    /** A renewal Microsoft refused: counted; after too many, or once expired, the connection is polled and synced at once. */
    public void renewalFailed(String subscriptionId, String reason, Instant now) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return;
        }
        int failures = subscription.failed(reason);
        if (failures >= maxFailures || !subscription.expiresAt().isAfter(now)) {
            UUID connectionId = subscription.connectionId();
            em.remove(subscription);
            pushFailed(connectionId, polledEvery() + "the change-notification subscription could not be renewed (" + reason + ").", now);
            syncRequests.request(connectionId, SyncReason.RECOVERY);
        }
    }

    private void pushFailed(UUID connectionId, String note, Instant now) {
        if (em.find(OutlookConnection.class, connectionId) != null) {
            state(connectionId, now).pushFailed(note, now);
            setUpEnded(connectionId);
            syncRequests.deliveredBy(connectionId, false);
        }
    }

    private String polledEvery() {
        return "Polled every " + pollInterval.toSeconds() + " s: ";
    }

    /** Claims setting up push for the connection; false while a set-up claimed elsewhere has not ended or run out. */
    private boolean claimSetUp(UUID connectionId, Instant now) {
        return em.createNativeQuery("""
                        INSERT INTO push_delivery (connection_id, failures, updated_at, setup_until)
                        VALUES (?1, 0, ?2, now() + ?3 * interval '1 millisecond')
                        ON CONFLICT (connection_id) DO UPDATE SET setup_until = EXCLUDED.setup_until
                         WHERE push_delivery.setup_until IS NULL OR push_delivery.setup_until < now()
                        """)
                .setParameter(1, connectionId)
                .setParameter(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter(3, setUpLease.toMillis())
                .executeUpdate() == 1;
    }

    private void setUpEnded(UUID connectionId) {
        em.createNativeQuery("UPDATE push_delivery SET setup_until = NULL WHERE connection_id = ?1")
                .setParameter(1, connectionId).executeUpdate();
    }

    /** Why the connection is polled (null while it is pushed, or before push was ever tried). */
    public String note(UUID connectionId) {
        PushState state = em.find(PushState.class, connectionId);
        return state == null ? null : state.note();
    }

    /** {@link #note} of each of these connections that has one, in one query. */
    public Map<UUID, String> notes(Collection<UUID> connectionIds) {
        if (connectionIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, String> notes = new HashMap<>();
        em.createQuery("SELECT p FROM PushState p WHERE p.connectionId IN :ids", PushState.class)
                .setParameter("ids", connectionIds).getResultList()
                .forEach(state -> {
                    if (state.note() != null) {
                        notes.put(state.connectionId(), state.note());
                    }
                });
        return notes;
    }

    private void polled(UUID connectionId, String note, Instant now) {
        state(connectionId, now).polled(note, now);
        syncRequests.deliveredBy(connectionId, false);
    }

    private PushState state(UUID connectionId, Instant now) {
        PushState state = em.find(PushState.class, connectionId);
        if (state == null) {
            state = new PushState(connectionId, now);
            em.persist(state);
        }
        return state;
    }

    /** The subscription and the connection that owns it, as values; null when it is no longer kept. */
    public KnownSubscription known(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return null;
        }
        OutlookConnection connection = em.find(OutlookConnection.class, subscription.connectionId());
        return new KnownSubscription(subscriptionId, subscription.connectionId(), subscription.identity(),
                TokenHolder.of(connection.tokenHolder()));
    }

    /** The connection's subscription as a value, or null. */
    public KnownSubscription knownOf(UUID connectionId) {
        List<GraphSubscription> subscriptions = currentSubscriptions(connectionId);
        return subscriptions.isEmpty() ? null : known(subscriptions.get(0).id());
    }

    public void forget(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription != null) {
            em.remove(subscription);
        }
    }

    /** Forgets the connections' subscriptions, in one transaction; what Microsoft must be told to delete. */
    public List<KnownSubscription> forgetAll(List<UUID> connectionIds) {
        List<KnownSubscription> forgotten = new ArrayList<>();
        for (UUID connectionId : connectionIds) {
            OutlookConnection connection = em.find(OutlookConnection.class, connectionId);
            for (GraphSubscription subscription : currentSubscriptions(connectionId)) {
                forgotten.add(new KnownSubscription(subscription.id(), connectionId, subscription.identity(),
                        connection == null ? null : TokenHolder.of(connection.tokenHolder())));
                em.remove(subscription);
            }
        }
        return forgotten;
    }

    public void requestSync(UUID connectionId, SyncReason reason) {
        syncRequests.request(connectionId, reason);
    }

    /** Connections that wanted push but poll after a failed set-up: try again. */
    public List<UUID> pushRetries() {
        return em.createNamedQuery(PushState.RETRIES, UUID.class)
                .setParameter("max", maxFailures)
                .getResultList();
    }

    public List<String> expiringBefore(Instant before) {
        return em.createNamedQuery(GraphSubscription.EXPIRING, String.class).setParameter("before", before).getResultList();
    }

    /**
     * Claims a subscription for maintenance on this server, for {@code lease} in the database's time (servers' clocks
     * may differ): two servers never renew the same one at once, and a renewal round is done once across servers.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean claim(String subscriptionId, Duration lease) {
        return em.createNativeQuery("UPDATE graph_subscription SET lease_until = now() + ?1 * interval '1 millisecond'"
                        + " WHERE id = ?2 AND (lease_until IS NULL OR lease_until < now())")
                .setParameter(1, lease.toMillis())
                .setParameter(2, subscriptionId)
                .executeUpdate() == 1;
    }

    private List<GraphSubscription> currentSubscriptions(UUID connectionId) {
        return em.createNamedQuery(GraphSubscription.OF_CONNECTION, GraphSubscription.class)
                .setParameter("connectionId", connectionId).getResultList();
    }

    /** A subscription to create: for which connection, as whom, on what. */
    public record SubscriptionTarget(UUID connectionId, SubscriptionIdentity identity, String resource, TokenHolder holder) {
    }

    /** A subscription this service holds, with the token holder that may change it (unused for the app-only identity). */
    public record KnownSubscription(String id, UUID connectionId, SubscriptionIdentity identity, TokenHolder holder) {
    }
}

package com.workestra.sharedmailboxes.notifications.boundary;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionRemoval;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.notifications.control.AppOnlyIdentity;
import com.workestra.sharedmailboxes.notifications.control.SubscriptionsAtMicrosoft;
import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import com.workestra.sharedmailboxes.notifications.entity.PushState;
import com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sets up, keeps alive and removes push delivery for connections. A personal connection subscribes with its own
 * delegated token; a shared mailbox only with the app-only identity, never with a delegated token (Graph refuses
 * delegated subscriptions on shared mailboxes); everything else is polled, and the connection says why. Microsoft is
 * asked with no transaction open; each database step before and after is a short transaction of its own.
 */
@Stateless
public class PushDelivery {

    private static final Logger LOG = Logger.getLogger(PushDelivery.class.getName());

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext session;

    /** This bean as the container calls it (tests set it to the bean itself). */
    PushDelivery self;

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

    @Inject
    @ConfigProperty(name = "notifications.setup-lease")
    Duration setUpLease;

    /**
     * Push where possible, polling otherwise. Never throws: a failure leaves the connection polled, with a note. It runs
     * after the transaction that made the connection has committed; Microsoft is asked with no transaction open, and
     * what it answered is written in a short transaction of its own.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void setUp(UUID connectionId) {
        Instant now = clock.instant();
        SubscriptionTarget target = self().target(connectionId, now);
        if (target == null) {
            return;
        }
        String clientState = OAuthSecrets.random(48);
        SubscriptionsAtMicrosoft.Created created;
        try {
            created = microsoft.create(client(target.identity(), target.holder()), target.resource(), clientState, now.plus(lifetime));
        } catch (RuntimeException e) {
            String reason = describe(e);
            GraphFailure failure = GraphFailure.of(e);
            if (target.identity() == SubscriptionIdentity.APP_ONLY && failure != null && failure.status() == 403) {
                // The app-only identity holds Mail.Read only through an Exchange management scope that leaves this mailbox
                // out (Microsoft: 403, "Access to OData is disabled."): polled, and tried again at every renewal round.
                LOG.log(Level.INFO, "push for connection {0}: the app-only identity is refused on this mailbox ({1})",
                        new Object[]{connectionId, reason});
                self().outsideScope(connectionId, outsideScopeNote(reason), now);
                return;
            }
            LOG.log(Level.WARNING, "push for connection {0} could not be set up: {1}", new Object[]{connectionId, reason});
            self().pushFailed(connectionId, "Polled every " + pollInterval.toSeconds() + " s: change notifications could not be set up ("
                    + reason + "); retrying later.", now);
            return;
        }
        if (!self().pushed(target, created, clientState, now)) {
            // The connection was removed while Microsoft was asked: nothing would ever renew or delete this subscription.
            delete(new KnownSubscription(created.id(), connectionId, target.identity(), target.holder()));
        }
    }

    /**
     * What {@link #setUp} asks Microsoft for, or null when the connection is gone, already has a subscription, or is
     * being set up right now (by another server, or another thread here); a shared mailbox without the app-only identity
     * is marked polled here, and asks for nothing. The set-up is claimed in this short transaction
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
            polled(connectionId, "Polled every " + pollInterval.toSeconds() + " s: Microsoft sends change notifications for shared mailboxes"
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

    /** Microsoft refused to renew an app-only subscription (403: the mailbox left the app's scope): polled, synced at once. */
    public void renewalRefusedByScope(String subscriptionId, String reason, Instant now) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription == null) {
            return;
        }
        UUID connectionId = subscription.connectionId();
        em.remove(subscription);
        outsideScope(connectionId, outsideScopeNote(reason), now);
        syncRequests.request(connectionId, SyncReason.RECOVERY);
    }

    private String outsideScopeNote(String reason) {
        return "Polled every " + pollInterval.toSeconds() + " s: this mailbox is outside the app-only identity's Exchange"
                + " management scope (" + reason + "); push starts by itself once an Exchange admin adds it to the scope"
                + " (see the admin health page).";
    }

    /** Microsoft refused the app-only identity on the connection's mailbox: polled, retried every renewal round. */
    public void outsideScope(UUID connectionId, String note, Instant now) {
        if (em.find(OutlookConnection.class, connectionId) != null) {
            state(connectionId, now).outsideScope(note, now);
            setUpEnded(connectionId);
            syncRequests.deliveredBy(connectionId, false);
        }
    }

    public void pushFailed(UUID connectionId, String note, Instant now) {
        if (em.find(OutlookConnection.class, connectionId) != null) {
            state(connectionId, now).pushFailed(note, now);
            setUpEnded(connectionId);
            syncRequests.deliveredBy(connectionId, false);
        }
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
                .setParameter(2, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
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

    /**
     * Renews one subscription ahead of expiry; recreates it when Graph no longer knows it; falls back to polling after
     * repeated failure. Microsoft is asked with no transaction open.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void renew(String subscriptionId) {
        KnownSubscription subscription = self().known(subscriptionId);
        if (subscription == null) {
            return;
        }
        if (self().coversOneFolder(subscriptionId) && replaced(subscription)) {
            return;
        }
        Instant now = clock.instant();
        try {
            Instant expiry = microsoft.renew(client(subscription.identity(), subscription.holder()), subscriptionId, now.plus(lifetime));
            self().renewed(subscriptionId, expiry, now);
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && failure.isNotFound()) {
                recreate(subscription, SyncReason.RECOVERY);
                return;
            }
            if (failure != null && failure.status() == 403 && subscription.identity() == SubscriptionIdentity.APP_ONLY) {
                // The admin narrowed the app's Exchange scope: this mailbox left it. Polled, and tried every round.
                self().renewalRefusedByScope(subscriptionId, describe(e), now);
                return;
            }
            self().renewalFailed(subscriptionId, describe(e), now);
        }
    }

    /**
     * Replaces a one-folder subscription by an every-folder one without a gap: the new one is created at Microsoft first,
     * then the old one forgotten and deleted there. @return false when nothing was replaced (the set-up is claimed
     * elsewhere, or Microsoft refused): the old one is then renewed as it is, and the next round tries again.
     */
    private boolean replaced(KnownSubscription old) {
        Instant now = clock.instant();
        SubscriptionTarget target = self().replacementTarget(old.id(), now);
        if (target == null) {
            return false;
        }
        String clientState = OAuthSecrets.random(48);
        SubscriptionsAtMicrosoft.Created created;
        try {
            created = microsoft.create(client(target.identity(), target.holder()), target.resource(), clientState, now.plus(lifetime));
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "subscription {0} of connection {1} could not be replaced by one on every folder ({2}); renewed as it is",
                    new Object[]{old.id(), old.connectionId(), describe(e)});
            self().replacementFailed(old.connectionId());
            return false;
        }
        KnownSubscription replacement = new KnownSubscription(created.id(), target.connectionId(), target.identity(), target.holder());
        boolean kept;
        try {
            kept = self().replaced(target, created, clientState, old.id(), now);
        } catch (RuntimeException e) {
            // Not written: nothing would ever renew or delete the new one. The old one stays and is renewed as it is.
            LOG.log(Level.WARNING, "the replacement of subscription " + old.id() + " could not be kept", e);
            delete(replacement);
            self().replacementFailed(old.connectionId());
            return false;
        }
        if (!kept) {
            delete(replacement);
            return true;
        }
        LOG.info(() -> "subscription " + old.id() + " of connection " + old.connectionId() + " (one folder) replaced by "
                + created.id() + " (every folder)");
        delete(old);
        return true;
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
            pushFailed(connectionId, "Polled every " + pollInterval.toSeconds() + " s: the change-notification subscription could not be renewed ("
                    + reason + ").", now);
            syncRequests.request(connectionId, SyncReason.RECOVERY);
        }
    }

    /** Graph asks for a reauthorization: reauthorize, or renew when that is refused. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void reauthorize(String subscriptionId) {
        KnownSubscription subscription = self().known(subscriptionId);
        if (subscription == null) {
            return;
        }
        try {
            microsoft.reauthorize(client(subscription.identity(), subscription.holder()), subscriptionId);
        } catch (RuntimeException e) {
            LOG.info(() -> "reauthorize of " + subscriptionId + " failed (" + describe(e) + "), renewing instead");
            renew(subscriptionId);
        }
    }

    /** Graph removed the subscription: recreate it, then sync what may have been missed meanwhile. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void recreate(String subscriptionId) {
        KnownSubscription subscription = self().known(subscriptionId);
        if (subscription != null) {
            recreate(subscription, SyncReason.MISSED);
        }
    }

    private void recreate(KnownSubscription old, SyncReason reason) {
        self().forget(old.id());
        setUp(old.connectionId());
        self().requestSync(old.connectionId(), reason);
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

    public void forget(String subscriptionId) {
        GraphSubscription subscription = em.find(GraphSubscription.class, subscriptionId);
        if (subscription != null) {
            em.remove(subscription);
        }
    }

    public void requestSync(UUID connectionId, SyncReason reason) {
        syncRequests.request(connectionId, reason);
    }

    /**
     * For a diagnosis: whether the connection's subscription exists at Microsoft and until when, in a sentence. Asks
     * Microsoft ({@code GET /subscriptions/{id}}) with the identity that owns it, with no transaction open; changes nothing.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String checkAtMicrosoft(UUID connectionId) {
        KnownSubscription subscription = self().knownOf(connectionId);
        if (subscription == null) {
            String note = self().note(connectionId);
            return "No change-notification subscription: " + (note == null ? "this connection is polled." : note);
        }
        String who = subscription.identity() == SubscriptionIdentity.APP_ONLY ? "the app-only identity" : "your own sign-in";
        try {
            com.microsoft.graph.models.Subscription atMicrosoft = client(subscription.identity(), subscription.holder())
                    .subscriptions().bySubscriptionId(subscription.id()).get();
            java.time.OffsetDateTime expiry = atMicrosoft == null ? null : atMicrosoft.getExpirationDateTime();
            return "The change-notification subscription (made with " + who + ") exists at Microsoft"
                    + (expiry == null ? "." : " and expires at " + expiry.toInstant() + "; it is renewed ahead of that.");
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && failure.isNotFound()) {
                return "Microsoft no longer knows the change-notification subscription (made with " + who
                        + "): it is recreated at the next renewal round, and the mailbox is synced meanwhile.";
            }
            return "Microsoft could not be asked about the change-notification subscription (" + describe(e) + ").";
        }
    }

    /** The connection's subscription as a value, or null. */
    public KnownSubscription knownOf(UUID connectionId) {
        List<GraphSubscription> subscriptions = currentSubscriptions(connectionId);
        return subscriptions.isEmpty() ? null : known(subscriptions.get(0).id());
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
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public boolean claim(String subscriptionId, Duration lease) {
        return em.createNativeQuery("UPDATE graph_subscription SET lease_until = now() + ?1 * interval '1 millisecond'"
                        + " WHERE id = ?2 AND (lease_until IS NULL OR lease_until < now())")
                .setParameter(1, lease.toMillis())
                .setParameter(2, subscriptionId)
                .executeUpdate() == 1;
    }

    /**
     * Before a connection is deleted: its subscriptions, and those of its shared rows, are forgotten here and deleted at
     * Microsoft (best effort), with no transaction open.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void onRemoval(@Observes ConnectionRemoval removal) {
        self().forgetAll(removal.connectionIds()).forEach(this::delete);
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

    private void delete(KnownSubscription subscription) {
        try {
            microsoft.delete(client(subscription.identity(), subscription.holder()), subscription.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "subscription {0} of connection {1} could not be deleted at Microsoft: {2}",
                    new Object[]{subscription.id(), subscription.connectionId(), describe(e)});
        }
    }

    private List<GraphSubscription> currentSubscriptions(UUID connectionId) {
        return em.createNamedQuery(GraphSubscription.OF_CONNECTION, GraphSubscription.class)
                .setParameter("connectionId", connectionId).getResultList();
    }

    private GraphServiceClient client(SubscriptionIdentity identity, TokenHolder holder) {
        return identity == SubscriptionIdentity.APP_ONLY ? appOnly.graph() : signIn.graphFor(holder);
    }

    /** This bean through the container, so that each database step gets its own short transaction. */
    private PushDelivery self() {
        if (self == null) {
            self = session.getBusinessObject(PushDelivery.class);
        }
        return self;
    }

    /** A subscription to create: for which connection, as whom, on what. */
    public record SubscriptionTarget(UUID connectionId, SubscriptionIdentity identity, String resource, TokenHolder holder) {
    }

    /** A subscription this service holds, with the token holder that may change it (unused for the app-only identity). */
    public record KnownSubscription(String id, UUID connectionId, SubscriptionIdentity identity, TokenHolder holder) {
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

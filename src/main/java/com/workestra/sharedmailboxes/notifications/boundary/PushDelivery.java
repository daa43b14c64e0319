package com.workestra.sharedmailboxes.notifications.boundary;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionRemoval;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import com.workestra.sharedmailboxes.notifications.control.AppOnlyIdentity;
import com.workestra.sharedmailboxes.notifications.control.PushRecords;
import com.workestra.sharedmailboxes.notifications.control.PushRecords.KnownSubscription;
import com.workestra.sharedmailboxes.notifications.control.PushRecords.SubscriptionTarget;
import com.workestra.sharedmailboxes.notifications.control.SubscriptionsAtMicrosoft;
import com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sets up, keeps alive and removes push delivery for connections. A personal connection subscribes with its own
 * delegated token; a shared mailbox only with the app-only identity, never with a delegated token (Graph refuses
 * delegated subscriptions on shared mailboxes); everything else is polled, and the connection says why. Microsoft is
 * asked with no transaction open; each database step before and after is a short transaction of its own
 * ({@link PushRecords}).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PushDelivery {

    private static final Logger LOG = Logger.getLogger(PushDelivery.class.getName());

    @Inject
    PushRecords records;

    @Inject
    SubscriptionsAtMicrosoft microsoft;

    @Inject
    AppOnlyIdentity appOnly;

    @Inject
    OutlookSignIn signIn;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "notifications.subscription-lifetime")
    Duration lifetime;

    /**
     * Push where possible, polling otherwise. Never throws: a failure leaves the connection polled, with a note. It runs
     * after the transaction that made the connection has committed.
     */
    public void setUp(UUID connectionId) {
        Instant now = clock.instant();
        SubscriptionTarget target = records.target(connectionId, now);
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
                records.outsideScope(connectionId, reason, now);
                return;
            }
            LOG.log(Level.WARNING, "push for connection {0} could not be set up: {1}", new Object[]{connectionId, reason});
            records.setUpFailed(connectionId, reason, now);
            return;
        }
        if (!records.pushed(target, created, clientState, now)) {
            // The connection was removed while Microsoft was asked: nothing would ever renew or delete this subscription.
            delete(new KnownSubscription(created.id(), connectionId, target.identity(), target.holder()));
        }
    }

    /**
     * Renews one subscription ahead of expiry; recreates it when Graph no longer knows it; falls back to polling after
     * repeated failure.
     */
    public void renew(String subscriptionId) {
        KnownSubscription subscription = records.known(subscriptionId);
        if (subscription == null) {
            return;
        }
        if (records.coversOneFolder(subscriptionId) && replaced(subscription)) {
            return;
        }
        Instant now = clock.instant();
        try {
            Instant expiry = microsoft.renew(client(subscription.identity(), subscription.holder()), subscriptionId, now.plus(lifetime));
            records.renewed(subscriptionId, expiry, now);
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && failure.isNotFound()) {
                recreate(subscription, SyncReason.RECOVERY);
                return;
            }
            if (failure != null && failure.status() == 403 && subscription.identity() == SubscriptionIdentity.APP_ONLY) {
                // The admin narrowed the app's Exchange scope: this mailbox left it. Polled, and tried every round.
                records.renewalRefusedByScope(subscriptionId, describe(e), now);
                return;
            }
            records.renewalFailed(subscriptionId, describe(e), now);
        }
    }

    /**
     * Replaces a one-folder subscription by an every-folder one without a gap: the new one is created at Microsoft first,
     * then the old one forgotten and deleted there. @return false when nothing was replaced (the set-up is claimed
     * elsewhere, or Microsoft refused): the old one is then renewed as it is, and the next round tries again.
     */
    private boolean replaced(KnownSubscription old) {
        Instant now = clock.instant();
        SubscriptionTarget target = records.replacementTarget(old.id(), now);
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
            records.replacementFailed(old.connectionId());
            return false;
        }
        KnownSubscription replacement = new KnownSubscription(created.id(), target.connectionId(), target.identity(), target.holder());
        boolean kept;
        try {
            kept = records.replaced(target, created, clientState, old.id(), now);
        } catch (RuntimeException e) {
            // Not written: nothing would ever renew or delete the new one. The old one stays and is renewed as it is.
            LOG.log(Level.WARNING, "the replacement of subscription " + old.id() + " could not be kept", e);
            delete(replacement);
            records.replacementFailed(old.connectionId());
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

    /** Graph asks for a reauthorization: reauthorize, or renew when that is refused. */
    public void reauthorize(String subscriptionId) {
        KnownSubscription subscription = records.known(subscriptionId);
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
    public void recreate(String subscriptionId) {
        KnownSubscription subscription = records.known(subscriptionId);
        if (subscription != null) {
            recreate(subscription, SyncReason.MISSED);
        }
    }

    private void recreate(KnownSubscription old, SyncReason reason) {
        records.forget(old.id());
        setUp(old.connectionId());
        records.requestSync(old.connectionId(), reason);
    }

    /**
     * For a diagnosis: whether the connection's subscription exists at Microsoft and until when, in a sentence. Asks
     * Microsoft ({@code GET /subscriptions/{id}}) with the identity that owns it; changes nothing.
     */
    public String checkAtMicrosoft(UUID connectionId) {
        KnownSubscription subscription = records.knownOf(connectionId);
        if (subscription == null) {
            String note = records.note(connectionId);
            return "No change-notification subscription: " + (note == null ? "this connection is polled." : note);
        }
        String who = subscription.identity() == SubscriptionIdentity.APP_ONLY ? "the app-only identity" : "your own sign-in";
        try {
            com.microsoft.graph.models.Subscription atMicrosoft = client(subscription.identity(), subscription.holder())
                    .subscriptions().bySubscriptionId(subscription.id()).get();
            OffsetDateTime expiry = atMicrosoft == null ? null : atMicrosoft.getExpirationDateTime();
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

    /**
     * Before a connection is deleted: its subscriptions, and those of its shared rows, are forgotten here and deleted at
     * Microsoft (best effort), outside the removal's transaction.
     */
    public void onRemoval(@Observes ConnectionRemoval removal) {
        records.forgetAll(removal.connectionIds()).forEach(this::delete);
    }

    private void delete(KnownSubscription subscription) {
        try {
            microsoft.delete(client(subscription.identity(), subscription.holder()), subscription.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "subscription {0} of connection {1} could not be deleted at Microsoft: {2}",
                    new Object[]{subscription.id(), subscription.connectionId(), describe(e)});
        }
    }

    private GraphServiceClient client(SubscriptionIdentity identity, TokenHolder holder) {
        return identity == SubscriptionIdentity.APP_ONLY ? appOnly.graph() : signIn.graphFor(holder);
    }

    private static String describe(Throwable e) {
        GraphFailure failure = GraphFailure.of(e);
        if (failure != null) {
            return "Graph answered " + failure;
        }
        if (e instanceof ServiceException service) {
            return service.code().name();
        }
        return e.getClass().getSimpleName();
    }
}

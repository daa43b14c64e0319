package com.workestra.sharedmailboxes.notifications.boundary;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/** Lifecycle work that calls Graph, done after the webhook has been acknowledged, with no transaction open. */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SubscriptionLifecycle {

    @Inject
    PushDelivery delivery;

    @Asynchronous
    public void reauthorize(String subscriptionId) {
        delivery.reauthorize(subscriptionId);
    }

    @Asynchronous
    public void recreate(String subscriptionId) {
        delivery.recreate(subscriptionId);
    }
}

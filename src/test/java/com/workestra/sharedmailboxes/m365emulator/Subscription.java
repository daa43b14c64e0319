package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;
import java.util.Set;

/** One Graph change notification subscription on Outlook messages. */
final class Subscription {

    final String id;
    final String resource;
    final Mailbox mailbox;
    final int folder;
    final String changeType;
    final Set<String> changeTypes;
    final String lifecycleNotificationUrl;
    final String clientState;
    final String applicationId;
    final String creatorId;
    final boolean appOnly;
    final boolean immutableIds;
    final String latestSupportedTlsVersion;
    volatile String notificationUrl;
    volatile Instant expiration;
    volatile boolean reauthorizationRequired;

    Subscription(String id, String resource, Mailbox mailbox, int folder, String changeType, Set<String> changeTypes,
            String notificationUrl, String lifecycleNotificationUrl, String clientState, Instant expiration,
            String applicationId, String creatorId, boolean appOnly, boolean immutableIds, String latestSupportedTlsVersion) {
        this.id = id;
        this.resource = resource;
        this.mailbox = mailbox;
        this.folder = folder;
        this.changeType = changeType;
        this.changeTypes = changeTypes;
        this.notificationUrl = notificationUrl;
        this.lifecycleNotificationUrl = lifecycleNotificationUrl;
        this.clientState = clientState;
        this.expiration = expiration;
        this.applicationId = applicationId;
        this.creatorId = creatorId;
        this.appOnly = appOnly;
        this.immutableIds = immutableIds;
        this.latestSupportedTlsVersion = latestSupportedTlsVersion;
    }

    boolean expired(Instant now) {
        return !now.isBefore(expiration);
    }

    SubscriptionView view() {
        return new SubscriptionView(id, resource, mailbox.address, changeType, notificationUrl, lifecycleNotificationUrl,
                clientState, expiration, applicationId, creatorId, appOnly, immutableIds);
    }
}

package com.workestra.sharedmailboxes.notifications.entity;

/** Who created a subscription: the user's delegated token (own mailbox only) or the app-only identity (any mailbox). */
public enum SubscriptionIdentity {
    DELEGATED, APP_ONLY
}

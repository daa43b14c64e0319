package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;

/** What a test can see of one Graph subscription. */
public record SubscriptionView(
        String id,
        String resource,
        String mailbox,
        String changeType,
        String notificationUrl,
        String lifecycleNotificationUrl,
        String clientState,
        Instant expirationDateTime,
        String applicationId,
        String creatorId,
        boolean appOnly,
        boolean immutableIds) {
}

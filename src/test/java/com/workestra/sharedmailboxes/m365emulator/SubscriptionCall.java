package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;

/**
 * One call an app made on Graph's /subscriptions, as a test sees it afterwards.
 *
 * @param operation {@code create}, {@code renew} (PATCH), {@code reauthorize} or {@code delete}
 * @param subscriptionId the subscription it named (the new one for a create; null when a create was refused)
 * @param appOnly whether it came with an app-only token
 * @param status what Graph answered (201, 200, 204, or the refusal's status)
 */
public record SubscriptionCall(String operation, String subscriptionId, boolean appOnly, int status, Instant at) {
}

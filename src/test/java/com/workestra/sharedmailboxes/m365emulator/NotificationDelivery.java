package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;

/**
 * One notification Graph delivered to an app (its endpoint answered 2xx), as a test sees it afterwards.
 *
 * @param subscriptionId the subscription it was for
 * @param kind {@code change} or {@code lifecycle}
 * @param event the change type ({@code created}, {@code updated}, {@code deleted}) or the lifecycle event
 * @param resource the changed resource ({@code Users/{id}/Messages/{id}}), null for a lifecycle event
 * @param occurredAt when the change (or lifecycle event) happened in Exchange
 * @param deliveredAt when the endpoint acknowledged it
 * @param status the 2xx status the endpoint acknowledged it with (Graph expects 202 Accepted)
 * @param item the notification exactly as Graph posted it (one element of the body's {@code value}), for a test that
 *             delivers it again: Graph may deliver a notification more than once, and anyone can post a copy of one
 */
public record NotificationDelivery(String subscriptionId, String kind, String event, String resource, Instant occurredAt,
                                   Instant deliveredAt, int status, String item) {
}

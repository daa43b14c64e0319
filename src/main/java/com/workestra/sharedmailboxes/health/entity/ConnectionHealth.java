package com.workestra.sharedmailboxes.health.entity;

import java.time.Instant;

/** A connection's badge, its last successful sync and, for the Error badge, the code and the sentence shown under the address. */
public record ConnectionHealth(Badge badge, Instant lastSyncAt, String errorCode, String errorMessage) {
}

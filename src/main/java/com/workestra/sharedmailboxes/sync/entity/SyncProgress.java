package com.workestra.sharedmailboxes.sync.entity;

import java.time.Instant;

/**
 * How far a connection's sync has come: messages written so far (history backfill included), whether the history of
 * both folders is complete, and the last transient failure (Microsoft throttling or unavailable), which is retried.
 */
public record SyncProgress(long messagesSynced, boolean historyComplete, String lastFailure, Instant lastFailureAt) {

    public static final SyncProgress NONE = new SyncProgress(0, false, null, null);
}

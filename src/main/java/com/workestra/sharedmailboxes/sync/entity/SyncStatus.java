package com.workestra.sharedmailboxes.sync.entity;

import java.time.Instant;

/**
 * How a connection's syncing stands: when a run last completed, since when runs keep failing and the last transient
 * failure (Microsoft throttling or unavailable, retried by itself), whether Graph notifies its changes (pushed) or it
 * is polled, messages written so far (history backfill included) and whether the history of both folders is complete.
 */
public record SyncStatus(Instant lastSuccessAt, Instant failingSince, String lastFailure, Instant lastFailureAt,
                         boolean pushed, long messagesSynced, boolean historyComplete) {

    public static final SyncStatus NONE = new SyncStatus(null, null, null, null, false, 0, false);

}

package com.workestra.sharedmailboxes.sync.entity;

import java.util.UUID;

/** A connection was marked due; observed after the commit to wake this server's scheduler at once. */
public record SyncRequested(UUID connectionId, SyncReason reason) {
}

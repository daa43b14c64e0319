package com.workestra.sharedmailboxes.sync.entity;

import java.time.Instant;

/**
 * A connection's last sync run as its schedule recorded it: when it started (null: none has), when a run last
 * completed, and whether one is running now (a server holds its lease).
 */
public record SyncRound(Instant startedAt, Instant lastSuccessAt, boolean running) {

    public static final SyncRound NONE = new SyncRound(null, null, false);
}

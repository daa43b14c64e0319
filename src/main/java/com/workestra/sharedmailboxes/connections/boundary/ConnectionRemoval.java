package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;

/**
 * Fired, inside the disconnect transaction, just before a connection (and, for a personal one, its shared rows) is
 * deleted, so that what hangs off it elsewhere (Graph subscriptions) can be cleaned up first.
 */
public record ConnectionRemoval(OutlookConnection connection) {
}

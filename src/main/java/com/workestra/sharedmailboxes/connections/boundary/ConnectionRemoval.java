package com.workestra.sharedmailboxes.connections.boundary;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fired just before a connection (and, for a personal one, its shared rows) is deleted, with no transaction open, so
 * that what hangs off it elsewhere (Graph subscriptions) can be cleaned up first, at Microsoft too.
 */
public record ConnectionRemoval(UUID connectionId, List<UUID> sharedConnectionIds) {

    public ConnectionRemoval {
        sharedConnectionIds = List.copyOf(sharedConnectionIds);
    }

    /** The connection and its shared rows. */
    public List<UUID> connectionIds() {
        return Stream.concat(Stream.of(connectionId), sharedConnectionIds.stream()).toList();
    }
}

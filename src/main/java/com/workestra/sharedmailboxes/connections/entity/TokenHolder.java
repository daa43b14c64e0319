package com.workestra.sharedmailboxes.connections.entity;

import java.util.Set;
import java.util.UUID;

/**
 * The personal connection whose delegated token a connection uses, as values: what a Graph client kept for it and a
 * sync on a worker thread need, never the entity.
 */
public record TokenHolder(UUID id, String oid, String tid, Set<String> scopes, boolean inError) {

    public static TokenHolder of(OutlookConnection personal) {
        return new TokenHolder(personal.id(), personal.microsoftOid(), personal.microsoftTid(), Set.copyOf(personal.scopes()),
                personal.isInError());
    }
}

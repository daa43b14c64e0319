package com.workestra.sharedmailboxes.connections.boundary;

import java.util.UUID;

/**
 * What happened to a connection, announced inside the transaction that did it. Components above react: sync requests
 * the run the change calls for (in the same transaction, so the request rolls back with the change), notifications set
 * up push once the change is committed.
 */
public record ConnectionChanged(UUID connectionId, Change change) {

    public enum Change {
        /** A new personal connection: its mailbox has never been read. */
        CONNECTED,
        /** A personal connection signed in again, or a shared row whose parent did: it reads on from where it stopped. */
        RECONNECTED,
        /** A new shared row: its mailbox has never been read through it. */
        SHARED_MAILBOX_ADDED,
        /** A shared row reaches a new mailbox at its address (the earlier one was deleted): read it from the start. */
        REACHES_NEW_MAILBOX,
        /** The shared mailbox this row reads was renamed: the same history, read on at the new address from the start of each folder. */
        MAILBOX_RENAMED;

        /** Whether push should be set up (or checked) once the change is committed. */
        public boolean opensDelivery() {
            return this == CONNECTED || this == RECONNECTED || this == SHARED_MAILBOX_ADDED || this == REACHES_NEW_MAILBOX;
        }
    }
}

package com.workestra.sharedmailboxes.changes.entity;

import java.util.List;

/**
 * Stored changes after a position, read in one statement with the highest position the feed's retention has removed
 * ({@code forgottenThrough}, 0 when none): a reader after position p missed changes when {@code forgottenThrough > p}.
 */
public record ChangeBatch(List<StoredChange> changes, long forgottenThrough) {

    /** Whether changes after {@code position} were removed before they could be read. */
    public boolean forgotAfter(long position) {
        return forgottenThrough > position;
    }
}

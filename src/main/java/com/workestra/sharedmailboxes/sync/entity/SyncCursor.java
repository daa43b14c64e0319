package com.workestra.sharedmailboxes.sync.entity;

import com.workestra.sharedmailboxes.messages.entity.Folder;

import java.time.Instant;
import java.util.UUID;

/**
 * A connection's delta position in one folder: {@code nextLink} while a round is under way, {@code deltaLink} between
 * rounds, neither before the first request (or after Graph lost the sync state).
 */
public record SyncCursor(UUID connectionId, Folder folder, String nextLink, String deltaLink, long messagesSynced,
                         Instant historyCompleteAt) {

    /** Where the next request goes: the round under way, else the next round, else null for a fresh start. */
    public String link() {
        return nextLink != null ? nextLink : deltaLink;
    }
}

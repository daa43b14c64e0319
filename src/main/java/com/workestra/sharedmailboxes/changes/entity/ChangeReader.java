package com.workestra.sharedmailboxes.changes.entity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who reads a workspace's feed, and the access rule applied to each change, the messages' own: a message's (and its
 * conversation's) change when the reader may read the message (a mailbox they hold a working connection to, or one
 * they held, for messages received before their access ended); a connection's health when it is the reader's
 * connection, or to a workspace admin. The feed is per workspace, so nothing of another workspace is ever read.
 *
 * @param readableBefore per readable mailbox, when the reader's access ended (empty: it has not)
 */
public record ChangeReader(String workspaceId, String userId, boolean admin, Map<UUID, Optional<Instant>> readableBefore) {

    public ChangeReader {
        readableBefore = Map.copyOf(readableBefore);
    }

    public boolean sees(StoredChange change) {
        if (change.aboutConnection()) {
            return admin || userId.equals(change.userId());
        }
        if (change.mailboxId() == null) {
            return false;
        }
        Optional<Instant> ended = readableBefore.get(change.mailboxId());
        if (ended == null) {
            return false;
        }
        return ended.isEmpty() || (change.receivedAt() != null && change.receivedAt().isBefore(ended.get()));
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A page of the inbox: the workspace and, in it, the mailboxes and folders to read, optional filters, and the keyset position after which the
 * page starts (null for the first page). {@code limit} rows are asked for; one more is read to know whether more follow.
 */
public record InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                         boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit,
                         Map<UUID, Instant> readableBefore) {

    /** Every message of the mailboxes is readable (a working connection to each). */
    public InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                      boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit) {
        this(workspaceId, mailboxIds, folders, unreadOnly, search, includeRemoved, afterReceivedAt, afterId, limit, Map.of());
    }

    /** The end of the caller's access to a mailbox: only messages received before it are readable; null: all of them. */
    public Instant readableBefore(UUID mailboxId) {
        return readableBefore.get(mailboxId);
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * A page of the inbox: the workspace and, in it, the mailboxes and folders to read, optional filters, and the keyset position after which the
 * page starts (null for the first page). {@code limit} rows are asked for; one more is read to know whether more follow.
 */
public record InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                         boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit) {
}

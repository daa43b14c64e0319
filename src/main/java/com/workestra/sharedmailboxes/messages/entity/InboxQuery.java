package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.Set;

/**
 * A page of the inbox: the mailboxes the caller reads ({@link ListScope}) and, in them, the folders to read, optional
 * filters, and the keyset position after which the page starts (null for the first page). {@code limit} rows are asked
 * for; one more is read to know whether more follow.
 */
public record InboxQuery(ListScope scope, Set<Folder> folders, boolean unreadOnly, String search, boolean includeRemoved,
                         Instant afterReceivedAt, Long afterId, int limit) {
}

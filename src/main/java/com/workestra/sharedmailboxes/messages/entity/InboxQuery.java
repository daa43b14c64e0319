package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A page of the inbox: the workspace and, in it, the mailboxes and folders to read, optional filters, and the keyset position after which the
 * page starts (null for the first page). {@code limit} rows are asked for; one more is read to know whether more follow.
 * <p>
 * The mailboxes are either listed ({@code mailboxIds}, each readable until {@code readableBefore} says), or, with a
 * {@code readerId}, every mailbox of the workspace that user's access rows name, each readable until that access ended:
 * the access rule joined in SQL, for a reader of so many mailboxes that listing them would cost more than the page.
 */
public record InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                         boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit,
                         Map<UUID, Instant> readableBefore, String readerId) {

    public InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                      boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit,
                      Map<UUID, Instant> readableBefore) {
        this(workspaceId, mailboxIds, folders, unreadOnly, search, includeRemoved, afterReceivedAt, afterId, limit, readableBefore, null);
    }

    /** Every message of the mailboxes is readable (a working connection to each). */
    public InboxQuery(String workspaceId, Collection<UUID> mailboxIds, Set<Folder> folders, boolean unreadOnly, String search,
                      boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit) {
        this(workspaceId, mailboxIds, folders, unreadOnly, search, includeRemoved, afterReceivedAt, afterId, limit, Map.of());
    }

    /** Every mailbox of the workspace {@code readerId} may read, as their access rows say (none listed here). */
    public static InboxQuery ofReader(String workspaceId, String readerId, Set<Folder> folders, boolean unreadOnly, String search,
                                      boolean includeRemoved, Instant afterReceivedAt, Long afterId, int limit) {
        return new InboxQuery(workspaceId, Set.of(), folders, unreadOnly, search, includeRemoved, afterReceivedAt, afterId, limit,
                Map.of(), readerId);
    }

    /** Whether the mailboxes are those of {@link #readerId}'s access rows rather than {@link #mailboxIds}. */
    public boolean byReader() {
        return readerId != null;
    }

    /** The end of the caller's access to a mailbox: only messages received before it are readable; null: all of them. */
    public Instant readableBefore(UUID mailboxId) {
        return readableBefore.get(mailboxId);
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * The mailboxes a listing reads for a reader, as their access rows say: every message of a mailbox while they hold a
 * working connection to it, else those received before their access ended ({@code before}); nothing of another
 * workspace. Up to a page merge's worth they are listed ({@code addresses}, in address order); beyond,
 * {@code byReader}: none is listed, and every statement joins the reader's access rows instead.
 */
public record ListScope(String workspaceId, String readerId, Map<UUID, String> addresses, Map<UUID, Instant> before,
                        boolean byReader) {

    /** The listed mailboxes' ids (none when {@link #byReader}). */
    public Collection<UUID> mailboxIds() {
        return addresses.keySet();
    }

    /** The end of the reader's access to a listed mailbox: only messages received before it are readable; null: all of them. */
    public Instant readableBefore(UUID mailboxId) {
        return before.get(mailboxId);
    }
}

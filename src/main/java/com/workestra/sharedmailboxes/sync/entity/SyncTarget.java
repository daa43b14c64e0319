package com.workestra.sharedmailboxes.sync.entity;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;

import java.util.UUID;

/**
 * What a sync run needs to know about its connection, read once at the start: which mailbox (and Exchange's identity
 * of it, null while unknown), the Graph user to read ({@code graphUser} null for /me, the shared address otherwise),
 * the personal connection whose token is used (null when there is none any more).
 */
public record SyncTarget(UUID connectionId, boolean personal, UUID mailboxId, MailboxIdentity identity, String address,
                         String graphUser, TokenHolder tokenHolder, boolean pushed) {

    /** @param pushed whether Graph notifies the connection's changes (else it is polled) */
    public static SyncTarget of(OutlookConnection connection, boolean pushed) {
        OutlookConnection holder = connection.tokenHolder();
        // A personal mailbox is read as /me, a shared one as /users/{address}.
        String graphUser = connection.isPersonal() ? null : connection.mailbox().address();
        return new SyncTarget(connection.id(), connection.isPersonal(), connection.mailbox().id(), connection.mailbox().identity(),
                connection.mailbox().address(), graphUser, holder == null ? null : TokenHolder.of(holder), pushed);
    }
}

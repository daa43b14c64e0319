package com.workestra.sharedmailboxes.mailboxes.entity;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** The key of what a user has for one mailbox: read access, a signature. */
public class MailboxUserKey implements Serializable {

    private UUID mailboxId;
    private String userId;

    public MailboxUserKey() {
    }

    public MailboxUserKey(UUID mailboxId, String userId) {
        this.mailboxId = mailboxId;
        this.userId = userId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MailboxUserKey key && Objects.equals(mailboxId, key.mailboxId) && Objects.equals(userId, key.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mailboxId, userId);
    }
}

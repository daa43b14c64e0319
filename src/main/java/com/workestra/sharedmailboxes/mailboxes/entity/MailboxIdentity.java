package com.workestra.sharedmailboxes.mailboxes.entity;

import java.util.Objects;

/**
 * How Exchange tells one mailbox from another, whatever its address: a personal mailbox by its user's object id
 * ({@code oid}), a shared one by its Inbox folder's id. A shared mailbox's own user object is out of reach of the
 * delegated {@code .Shared} scopes (reading it needs User.ReadBasic.All), its Inbox is not; a folder id stays the same
 * for the mailbox's life (Microsoft: container ids "were already constant") and a new mailbox at a reused address has
 * new ones. Stored as {@code user:<oid>} or {@code inbox:<folder id>}; folder ids are case-sensitive.
 */
public record MailboxIdentity(String value) {

    private static final String USER = "user:";
    private static final String INBOX = "inbox:";

    public MailboxIdentity {
        Objects.requireNonNull(value);
        if (!(value.startsWith(USER) && value.length() > USER.length() || value.startsWith(INBOX) && value.length() > INBOX.length())) {
            throw new IllegalArgumentException("not a mailbox identity: " + value);
        }
    }

    public static MailboxIdentity ofUser(String oid) {
        return new MailboxIdentity(USER + requireText(oid, "object id"));
    }

    public static MailboxIdentity ofInbox(String inboxFolderId) {
        return new MailboxIdentity(INBOX + requireText(inboxFolderId, "Inbox folder id"));
    }

    /** The stored column, or null for a mailbox whose identity is not known yet. */
    public static MailboxIdentity stored(String column) {
        return column == null ? null : new MailboxIdentity(column);
    }

    /** Known by its Inbox, as shared mailboxes are: a delegate can read it again and compare. */
    public boolean isInbox() {
        return value.startsWith(INBOX);
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no " + what);
        }
        return text;
    }

    @Override
    public String toString() {
        return value;
    }
}

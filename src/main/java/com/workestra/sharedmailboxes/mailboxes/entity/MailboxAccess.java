package com.workestra.sharedmailboxes.mailboxes.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A Workestra user may read a mailbox's history: granted on connect, kept after disconnect, revoked when Exchange denies them. */
@Entity
@Table(name = "mailbox_access")
@IdClass(MailboxUserKey.class)
public class MailboxAccess {

    @Id
    @Column(name = "mailbox_id")
    private UUID mailboxId;

    @Id
    @Column(name = "user_id")
    private String userId;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "granted_at", nullable = false)
    private Instant grantedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected MailboxAccess() {
    }

    public MailboxAccess(Mailbox mailbox, String userId, Instant now) {
        this.mailboxId = mailbox.id();
        this.workspaceId = mailbox.workspaceId();
        this.userId = Objects.requireNonNull(userId);
        this.grantedAt = now;
    }

    public void grantAgain(Instant now) {
        this.grantedAt = now;
        this.revokedAt = null;
    }

    public void revoke(Instant now) {
        this.revokedAt = now;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }
}

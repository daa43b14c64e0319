package com.workestra.sharedmailboxes.mailboxes.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One mailbox of a workspace, as Exchange identifies it (see {@link MailboxIdentity}); its address is an attribute that
 * may change, and a new mailbox at a reused address is another row. Messages hang off it, so they outlive every
 * connection to it.
 */
@Entity
@Table(name = "mailbox")
@NamedQuery(name = Mailbox.BY_IDENTITY,
        query = "SELECT m FROM Mailbox m WHERE m.workspaceId = :workspaceId AND m.exchangeIdentity = :identity")
@NamedQuery(name = Mailbox.UNIDENTIFIED_BY_ADDRESS, query = "SELECT m FROM Mailbox m WHERE m.workspaceId = :workspaceId"
        + " AND m.address = :address AND m.exchangeIdentity IS NULL ORDER BY m.createdAt, m.id")
public class Mailbox {

    public static final String BY_IDENTITY = "Mailbox.byIdentity";
    /** A row from before mailboxes had identities (at most one per address then). */
    public static final String UNIDENTIFIED_BY_ADDRESS = "Mailbox.unidentifiedByAddress";

    @Id
    private UUID id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String address;

    @Column(name = "exchange_identity")
    private String exchangeIdentity;

    @Column(name = "display_name")
    private String displayName;

    /** When Microsoft was last asked for the display name (the add's probe or a sync); null: not since V10. */
    @Column(name = "display_name_checked_at")
    private Instant displayNameCheckedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private MailboxKind kind;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Mailbox() {
    }

    public Mailbox(String workspaceId, MailboxIdentity identity, String address, String displayName, MailboxKind kind,
                   Instant createdAt) {
        this.id = UUID.randomUUID();
        this.workspaceId = Objects.requireNonNull(workspaceId);
        this.exchangeIdentity = Objects.requireNonNull(identity).value();
        this.address = normalize(address);
        this.displayName = displayName;
        this.kind = Objects.requireNonNull(kind);
        this.createdAt = Objects.requireNonNull(createdAt);
    }

    public static String normalize(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }

    public void renamedTo(String newAddress, String newDisplayName) {
        this.address = normalize(newAddress);
        if (newDisplayName != null) {
            this.displayName = newDisplayName;
        }
    }

    /** A row from before identities, now known to be this mailbox of Exchange's. */
    public void identifiedAs(MailboxIdentity identity) {
        if (exchangeIdentity != null && !exchangeIdentity.equals(identity.value())) {
            throw new IllegalStateException("mailbox " + id + " is already " + exchangeIdentity);
        }
        this.exchangeIdentity = identity.value();
    }

    /** The name Microsoft gave the mailbox just now: the periodic check of it starts again from {@code at}. */
    public void namedByMicrosoft(String newDisplayName, Instant at) {
        nameAs(newDisplayName);
        this.displayNameCheckedAt = at;
    }

    public void nameAs(String newDisplayName) {
        if (newDisplayName != null && !newDisplayName.isBlank()) {
            this.displayName = newDisplayName;
        }
    }

    public UUID id() {
        return id;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public String address() {
        return address;
    }

    /** Null for a shared mailbox from before identities whose identity no sync or probe has read yet. */
    public MailboxIdentity identity() {
        return MailboxIdentity.stored(exchangeIdentity);
    }

    public String displayName() {
        return displayName;
    }

    public MailboxKind kind() {
        return kind;
    }
}

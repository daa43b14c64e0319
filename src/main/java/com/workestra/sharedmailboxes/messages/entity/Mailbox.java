package com.workestra.sharedmailboxes.messages.entity;

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

/** One mailbox of a workspace, by address. Messages hang off it, so they outlive every connection to it. */
@Entity
@Table(name = "mailbox")
@NamedQuery(name = Mailbox.BY_ADDRESS, query = "SELECT m FROM Mailbox m WHERE m.workspaceId = :workspaceId AND m.address = :address")
public class Mailbox {

    public static final String BY_ADDRESS = "Mailbox.byAddress";

    @Id
    private UUID id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(nullable = false)
    private String address;

    @Column(name = "display_name")
    private String displayName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private MailboxKind kind;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Mailbox() {
    }

    public Mailbox(String workspaceId, String address, String displayName, MailboxKind kind, Instant createdAt) {
        this.id = UUID.randomUUID();
        this.workspaceId = Objects.requireNonNull(workspaceId);
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

    public String displayName() {
        return displayName;
    }

    public MailboxKind kind() {
        return kind;
    }
}

package com.workestra.sharedmailboxes.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "audit_event")
@NamedQuery(name = AuditEvent.OF_WORKSPACE,
        query = "SELECT e FROM AuditEvent e WHERE e.workspaceId = :workspaceId ORDER BY e.occurredAt DESC, e.id DESC")
public class AuditEvent {

    public static final String OF_WORKSPACE = "AuditEvent.ofWorkspace";

    public enum Action {
        CONNECTED, RECONNECTED, DISCONNECTED, SHARED_MAILBOX_ADDED, SHARED_MAILBOX_REMOVED, SENT, REPLIED, FORWARDED, MARKED_READ, MARKED_UNREAD, DIAGNOSED,
        /** Exchange refused a send, reply or forward from a mailbox: no Send As or Send on Behalf there. */
        SEND_AS_REFUSED,
        /** An admin checked the app-only identity's Exchange scope with a canary. */
        PUSH_SCOPE_CHECKED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "user_upn")
    private String userUpn;

    @Column(nullable = false)
    private String action;

    private String mailbox;

    @Column(name = "connection_id")
    private UUID connectionId;

    private String detail;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    protected AuditEvent() {
    }

    public AuditEvent(String workspaceId, String userId, String userUpn, Action action, String mailbox, UUID connectionId,
                      String detail, Instant occurredAt) {
        this.workspaceId = workspaceId;
        this.userId = userId;
        this.userUpn = userUpn;
        this.action = action.name();
        this.mailbox = mailbox;
        this.connectionId = connectionId;
        this.detail = detail;
        this.occurredAt = occurredAt;
    }

    public Long id() {
        return id;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public String userId() {
        return userId;
    }

    public String userUpn() {
        return userUpn;
    }

    public String action() {
        return action;
    }

    public String mailbox() {
        return mailbox;
    }

    public UUID connectionId() {
        return connectionId;
    }

    public String detail() {
        return detail;
    }

    public Instant occurredAt() {
        return occurredAt;
    }
}

package com.workestra.sharedmailboxes.connections.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A started Outlook sign-in: the single-use state, bound to the Workestra user who started it, with its PKCE verifier. */
@Entity
@Table(name = "oauth_authorization")
public class OAuthAuthorization {

    @Id
    private String state;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "user_upn")
    private String userUpn;

    @Column(name = "code_verifier", nullable = false)
    private String codeVerifier;

    @Column(name = "return_url")
    private String returnUrl;

    @Column(name = "reconnect_connection_id")
    private UUID reconnectConnectionId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    protected OAuthAuthorization() {
    }

    public OAuthAuthorization(String state, String workspaceId, String userId, String userUpn, String codeVerifier,
                              String returnUrl, UUID reconnectConnectionId, Instant now, Instant expiresAt) {
        this.state = state;
        this.workspaceId = workspaceId;
        this.userId = userId;
        this.userUpn = userUpn;
        this.codeVerifier = codeVerifier;
        this.returnUrl = returnUrl;
        this.reconnectConnectionId = reconnectConnectionId;
        this.createdAt = now;
        this.expiresAt = expiresAt;
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public String state() {
        return state;
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

    public String codeVerifier() {
        return codeVerifier;
    }

    public String returnUrl() {
        return returnUrl;
    }

    public UUID reconnectConnectionId() {
        return reconnectConnectionId;
    }

    public Instant expiresAt() {
        return expiresAt;
    }
}

package com.workestra.sharedmailboxes.connections.entity;

import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A started Outlook sign-in: the single-use state with its PKCE verifier, bound to the Workestra user who started it
 * and to the browser they started it in (the hash of a secret only that browser holds).
 */
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

    @Column(name = "browser_binding_hash", nullable = false)
    private String browserBindingHash;

    protected OAuthAuthorization() {
    }

    public OAuthAuthorization(String state, String workspaceId, String userId, String userUpn, String codeVerifier,
                              String returnUrl, UUID reconnectConnectionId, Instant now, Instant expiresAt,
                              String browserBindingHash) {
        this.state = state;
        this.workspaceId = workspaceId;
        this.userId = userId;
        this.userUpn = userUpn;
        this.codeVerifier = codeVerifier;
        this.returnUrl = returnUrl;
        this.reconnectConnectionId = reconnectConnectionId;
        this.createdAt = now;
        this.expiresAt = expiresAt;
        this.browserBindingHash = Objects.requireNonNull(browserBindingHash, "browserBindingHash");
    }

    /**
     * Whether the browser finishing the sign-in presented the secret that was given to the browser that started it.
     * Compared in constant time; no secret, or another one, is another browser.
     */
    public boolean isBoundTo(String browserSecret) {
        if (browserSecret == null || browserSecret.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(OAuthSecrets.fingerprint(browserSecret).getBytes(StandardCharsets.US_ASCII),
                browserBindingHash.getBytes(StandardCharsets.US_ASCII));
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

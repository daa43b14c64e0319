package com.workestra.sharedmailboxes.notifications.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.UUID;

/**
 * A Graph subscription this service holds for a connection. Only a hash of its clientState secret is kept: a
 * notification's clientState is hashed and compared in constant time.
 */
@Entity
@Table(name = "graph_subscription")
@NamedQuery(name = GraphSubscription.OF_CONNECTION, query = "SELECT s FROM GraphSubscription s WHERE s.connectionId = :connectionId")
@NamedQuery(name = GraphSubscription.EXPIRING, query = "SELECT s.id FROM GraphSubscription s WHERE s.expiresAt < :before ORDER BY s.expiresAt")
@NamedQuery(name = GraphSubscription.ONE_FOLDER, query = "SELECT s.id FROM GraphSubscription s WHERE LOWER(s.resource) LIKE '%mailfolders%'"
        + " ORDER BY s.expiresAt")
public class GraphSubscription {

    public static final String OF_CONNECTION = "GraphSubscription.ofConnection";
    public static final String EXPIRING = "GraphSubscription.expiring";
    /** Subscriptions on one folder's messages (the Inbox's, made before issue 16), to be replaced by every-folder ones. */
    public static final String ONE_FOLDER = "GraphSubscription.oneFolder";

    @Id
    private String id;

    @Column(name = "connection_id", nullable = false)
    private UUID connectionId;

    @Column(nullable = false)
    private String resource;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SubscriptionIdentity identity;

    @Column(name = "client_state_sha256", nullable = false)
    private byte[] clientStateHash;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "renewed_at")
    private Instant renewedAt;

    private int failures;

    @Column(name = "last_failure")
    private String lastFailure;

    protected GraphSubscription() {
    }

    public GraphSubscription(String id, UUID connectionId, String resource, SubscriptionIdentity identity, String clientState,
                             Instant expiresAt, Instant now) {
        this.id = id;
        this.connectionId = connectionId;
        this.resource = resource;
        this.identity = identity;
        this.clientStateHash = sha256(clientState);
        this.expiresAt = expiresAt;
        this.createdAt = now;
    }

    public boolean hasClientState(String presented) {
        return presented != null && MessageDigest.isEqual(clientStateHash, sha256(presented));
    }

    public void renewedUntil(Instant newExpiry, Instant now) {
        this.expiresAt = newExpiry;
        this.renewedAt = now;
        this.failures = 0;
        this.lastFailure = null;
    }

    public int failed(String reason) {
        this.lastFailure = reason;
        return ++failures;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String id() {
        return id;
    }

    public UUID connectionId() {
        return connectionId;
    }

    public String resource() {
        return resource;
    }

    /**
     * Whether it covers one folder's messages only ({@code …/mailFolders('inbox')/messages}, as subscriptions were made
     * before issue 16) rather than the mailbox's messages in every folder ({@code …/messages}).
     */
    public boolean coversOneFolder() {
        return resource.toLowerCase(java.util.Locale.ROOT).contains("mailfolders");
    }

    public SubscriptionIdentity identity() {
        return identity;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public int failures() {
        return failures;
    }
}

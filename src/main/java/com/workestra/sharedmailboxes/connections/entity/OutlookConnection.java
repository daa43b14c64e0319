package com.workestra.sharedmailboxes.connections.entity;

import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One user's delegation to one mailbox. A PERSONAL row holds the encrypted MSAL token cache of the user's own
 * Microsoft account; a SHARED row reaches a shared mailbox with its parent's token and holds none.
 */
@Entity
@Table(name = "outlook_connection")
@NamedQuery(name = OutlookConnection.OF_USER,
        query = "SELECT c FROM OutlookConnection c JOIN FETCH c.mailbox WHERE c.workspaceId = :workspaceId AND c.userId = :userId"
                + " ORDER BY c.createdAt, c.id")
@NamedQuery(name = OutlookConnection.OF_WORKSPACE,
        query = "SELECT c FROM OutlookConnection c WHERE c.workspaceId = :workspaceId ORDER BY c.userUpn, c.createdAt, c.id")
@NamedQuery(name = OutlookConnection.PERSONAL_BY_MICROSOFT_USER,
        query = "SELECT c FROM OutlookConnection c WHERE c.workspaceId = :workspaceId AND c.userId = :userId"
                + " AND c.kind = com.workestra.sharedmailboxes.connections.entity.ConnectionKind.PERSONAL AND c.microsoftOid = :oid")
public class OutlookConnection {

    public static final String OF_USER = "OutlookConnection.ofUser";
    public static final String OF_WORKSPACE = "OutlookConnection.ofWorkspace";
    public static final String PERSONAL_BY_MICROSOFT_USER = "OutlookConnection.personalByMicrosoftUser";

    public static final Set<String> SHARED_SCOPES = Set.of("mail.read.shared", "mail.readwrite.shared", "mail.send.shared");

    @Id
    private UUID id;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "user_upn")
    private String userUpn;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ConnectionKind kind;

    @ManyToOne(optional = false, fetch = FetchType.EAGER)
    @JoinColumn(name = "mailbox_id", nullable = false)
    private Mailbox mailbox;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "parent_id")
    private OutlookConnection parent;

    @OneToMany(mappedBy = "parent", cascade = CascadeType.REMOVE)
    private List<OutlookConnection> sharedMailboxes = new ArrayList<>();

    @Column(name = "microsoft_oid", nullable = false)
    private String microsoftOid;

    @Column(name = "microsoft_tid", nullable = false)
    private String microsoftTid;

    @Column(name = "microsoft_upn", nullable = false)
    private String microsoftUpn;

    @Column(name = "display_name")
    private String displayName;

    @Column(name = "granted_scopes", nullable = false)
    private String grantedScopes;

    @Column(name = "token_cache")
    private byte[] tokenCache;

    @Column(name = "token_key_id")
    private String tokenKeyId;

    @Column(name = "error_code")
    private String errorCode;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "error_at")
    private Instant errorAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected OutlookConnection() {
    }

    public static OutlookConnection personal(String workspaceId, String userId, String userUpn, Mailbox mailbox,
                                             MicrosoftAccount account, Instant now) {
        OutlookConnection connection = new OutlookConnection();
        connection.id = UUID.randomUUID();
        connection.workspaceId = Objects.requireNonNull(workspaceId);
        connection.userId = Objects.requireNonNull(userId);
        connection.userUpn = userUpn;
        connection.kind = ConnectionKind.PERSONAL;
        connection.mailbox = Objects.requireNonNull(mailbox);
        connection.createdAt = now;
        connection.signedInAs(account, now);
        return connection;
    }

    public static OutlookConnection shared(OutlookConnection parent, Mailbox mailbox, Instant now) {
        if (parent.kind != ConnectionKind.PERSONAL) {
            throw new IllegalArgumentException("a shared mailbox borrows a personal connection's token");
        }
        OutlookConnection connection = new OutlookConnection();
        connection.id = UUID.randomUUID();
        connection.workspaceId = parent.workspaceId;
        connection.userId = parent.userId;
        connection.userUpn = parent.userUpn;
        connection.kind = ConnectionKind.SHARED;
        connection.mailbox = Objects.requireNonNull(mailbox);
        connection.parent = parent;
        connection.microsoftOid = parent.microsoftOid;
        connection.microsoftTid = parent.microsoftTid;
        connection.microsoftUpn = parent.microsoftUpn;
        connection.displayName = mailbox.displayName();
        connection.grantedScopes = parent.grantedScopes;
        connection.createdAt = now;
        connection.updatedAt = now;
        parent.sharedMailboxes.add(connection);
        return connection;
    }

    /** A (re)connect of the same Microsoft user: new identity details and scopes, any error cleared. */
    public void signedInAs(MicrosoftAccount account, Instant now) {
        this.microsoftOid = account.oid();
        this.microsoftTid = account.tid();
        this.microsoftUpn = account.upn();
        this.displayName = account.displayName();
        this.grantedScopes = String.join(" ", normalizeScopes(account.grantedScopes()));
        this.errorCode = null;
        this.errorMessage = null;
        this.errorAt = null;
        this.updatedAt = now;
    }

    /**
     * A shared row added again by its person: it reaches its mailbox at a new address (the same mailbox, renamed), or the
     * new mailbox at the address it was added for (the earlier one was deleted). Same row, any error cleared.
     */
    public void reachesAgain(Mailbox reached, Instant now) {
        if (kind != ConnectionKind.SHARED) {
            throw new IllegalStateException("a personal connection reaches its own user's mailbox");
        }
        this.mailbox = Objects.requireNonNull(reached);
        this.displayName = reached.displayName();
        this.errorCode = null;
        this.errorMessage = null;
        this.errorAt = null;
        this.updatedAt = now;
    }

    public void storeTokens(byte[] encryptedCache, String keyId, Instant now) {
        if (kind != ConnectionKind.PERSONAL) {
            throw new IllegalStateException("only a personal connection holds tokens");
        }
        this.tokenCache = encryptedCache;
        this.tokenKeyId = keyId;
        this.updatedAt = now;
    }

    public void failWith(String code, String message, Instant now) {
        this.errorCode = code;
        this.errorMessage = message;
        this.errorAt = now;
        this.updatedAt = now;
    }

    public void clearError(Instant now) {
        if (errorCode != null) {
            this.errorCode = null;
            this.errorMessage = null;
            this.errorAt = null;
            this.updatedAt = now;
        }
    }

    public static Set<String> normalizeScopes(Set<String> scopes) {
        Set<String> normalized = new TreeSet<>();
        for (String scope : scopes) {
            String name = scope.trim();
            int slash = name.lastIndexOf('/');
            if (slash >= 0) {
                name = name.substring(slash + 1);
            }
            if (!name.isEmpty()) {
                normalized.add(name);
            }
        }
        return normalized;
    }

    public Set<String> scopes() {
        return grantedScopes == null || grantedScopes.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(grantedScopes.split(" ")));
    }

    public boolean hasSharedScopes() {
        Set<String> lower = new TreeSet<>();
        scopes().forEach(scope -> lower.add(scope.toLowerCase(Locale.ROOT)));
        return lower.containsAll(SHARED_SCOPES);
    }

    public boolean isPersonal() {
        return kind == ConnectionKind.PERSONAL;
    }

    public boolean isOwnedBy(String workspace, String user) {
        return workspaceId.equals(workspace) && userId.equals(user);
    }

    public boolean isInError() {
        return errorCode != null;
    }

    /** The personal connection whose token this one uses: itself, or its parent. */
    public OutlookConnection tokenHolder() {
        return isPersonal() ? this : parent;
    }

    public UUID id() {
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

    public ConnectionKind kind() {
        return kind;
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    public OutlookConnection parent() {
        return parent;
    }

    public List<OutlookConnection> sharedMailboxes() {
        return sharedMailboxes;
    }

    public String microsoftOid() {
        return microsoftOid;
    }

    public String microsoftTid() {
        return microsoftTid;
    }

    public String microsoftUpn() {
        return microsoftUpn;
    }

    public String displayName() {
        return displayName;
    }

    public byte[] tokenCache() {
        return tokenCache;
    }

    public String tokenKeyId() {
        return tokenKeyId;
    }

    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public String toString() {
        return "OutlookConnection[" + id + ", " + kind + "]";
    }
}

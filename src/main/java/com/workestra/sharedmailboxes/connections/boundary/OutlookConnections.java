package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.control.AllowedTenants;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.connections.control.ReturnUrls;
import com.workestra.sharedmailboxes.connections.control.SignInCookies;
import com.workestra.sharedmailboxes.connections.control.StartedSignIns;
import com.workestra.sharedmailboxes.connections.control.StoredTokens;
import com.workestra.sharedmailboxes.connections.control.TokenVault;
import com.workestra.sharedmailboxes.connections.entity.MicrosoftAccount;
import com.workestra.sharedmailboxes.connections.entity.OAuthAuthorization;
import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.SignInCookie;
import com.workestra.sharedmailboxes.connections.entity.SignInRefusal;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Connect, reconnect in place, list and disconnect a person's Outlook connections. Transactions start here, and hold
 * only database work: the sign-in's code is redeemed at Microsoft, and subscriptions are deleted there, with no
 * transaction open.
 */
@Stateless
public class OutlookConnections {

    private static final Logger LOG = Logger.getLogger(OutlookConnections.class.getName());

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext session;

    @Inject
    OutlookSignIn signIn;

    @Inject
    StoredTokens storedTokens;

    @Inject
    Mailboxes mailboxes;

    @Inject
    TokenVault vault;

    @Inject
    ReturnUrls returnUrls;

    @Inject
    AuditTrail audit;

    @Inject
    ConnectionStatus status;

    @Inject
    Clock clock;

    @Inject
    Event<ConnectionChanged> changes;

    @Inject
    Event<ConnectionRemoval> removals;

    @Inject
    StartedSignIns startedSignIns;

    @Inject
    SignInCookies signInCookies;

    @Inject
    AllowedTenants allowedTenants;

    @Inject
    @ConfigProperty(name = "outlook.authorization-lifetime")
    Duration authorizationLifetime;

    /**
     * Starts a sign-in for the caller: Microsoft's URL, and the cookie that binds the sign-in to the browser of this
     * request (the callback completes only where it is presented). Expired sign-ins are purged on the way.
     */
    public SignInStart startAuthorization(Caller caller, AuthorizationRequest request, boolean httpsRequest) {
        if (!vault.isConfigured()) {
            throw new ServiceException(ProblemCode.OUTLOOK_NOT_CONFIGURED,
                    "This server cannot store Outlook sign-ins yet (token-vault.keys is not configured); nothing was started.");
        }
        String returnUrl = returnUrls.validated(request == null ? null : request.returnUrl);
        UUID reconnect = request == null ? null : request.reconnectConnectionId;
        String loginHint = null;
        if (reconnect != null) {
            OutlookConnection existing = owned(caller, reconnect);
            if (!existing.isPersonal()) {
                throw new ServiceException(ProblemCode.INVALID_REQUEST,
                        "Reconnect the personal Outlook connection; its shared mailboxes recover with it.");
            }
            loginHint = existing.microsoftUpn();
        }
        String state = OAuthSecrets.random(32);
        String verifier = OAuthSecrets.random(48);
        String browserSecret = OAuthSecrets.random(32);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(authorizationLifetime);
        String url = signIn.authorizationUrl(state, OAuthSecrets.s256Challenge(verifier), loginHint);
        startedSignIns.keep(new OAuthAuthorization(state, caller.workspaceId(), caller.userId(), caller.upn(), verifier,
                returnUrl, reconnect, now, expiresAt, OAuthSecrets.fingerprint(browserSecret)), now);
        return new SignInStart(new AuthorizationStarted(url, expiresAt),
                signInCookies.binding(state, browserSecret, authorizationLifetime, httpsRequest));
    }

    /**
     * Microsoft's answer to a sign-in, in the browser that presented {@code browserSecret} (null: none). The state is
     * consumed whatever happens next, so it can be used once. A browser without the binding of the browser that
     * started the sign-in gets BROWSER_MISMATCH before the code is redeemed: the code stays unspent and nothing is
     * stored. Only a redeemed code of an accepted tenant creates or updates a connection; every other outcome leaves no
     * row and sends an error code back. The state is taken in a transaction of its own, the code redeemed with none
     * open, and the connection written in a second one ({@link #connect}).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Completion completeAuthorization(String state, String browserSecret, String code, String error) {
        OAuthAuthorization authorization = state == null || state.isBlank() ? null : startedSignIns.take(state);
        if (authorization == null) {
            return refused(returnUrls.fallback(), SignInRefusal.STATE_INVALID);
        }
        String back = authorization.returnUrl();
        if (authorization.isExpiredAt(clock.instant())) {
            return refused(back, SignInRefusal.STATE_EXPIRED);
        }
        if (!authorization.isBoundTo(browserSecret)) {
            LOG.warning(() -> "Outlook sign-in started by user " + authorization.userId() + " of workspace "
                    + authorization.workspaceId() + " came back in a browser " + (browserSecret == null ? "without" : "with another")
                    + " binding: refused, code not redeemed");
            return refused(back, SignInRefusal.BROWSER_MISMATCH);
        }
        if (error != null && !error.isBlank()) {
            return refused(back, "access_denied".equals(error) ? SignInRefusal.CONSENT_DENIED : SignInRefusal.AUTHORIZATION_FAILED);
        }
        if (code == null || code.isBlank()) {
            return refused(back, SignInRefusal.AUTHORIZATION_FAILED);
        }
        OutlookSignIn.Redemption redemption;
        try {
            redemption = signIn.redeem(code, authorization.codeVerifier());
        } catch (OutlookSignIn.SignInFailed failed) {
            LOG.info(() -> "Outlook sign-in failed for user " + authorization.userId() + ": " + failed.getMessage());
            return refused(back, SignInRefusal.SIGN_IN_FAILED);
        } catch (ServiceException notConfigured) {
            return refused(back, notConfigured.code() == ProblemCode.OUTLOOK_NOT_CONFIGURED
                    ? SignInRefusal.OUTLOOK_NOT_CONFIGURED : SignInRefusal.SIGN_IN_FAILED);
        }
        if (!allowedTenants.allows(authorization.workspaceId(), redemption.account().tid())) {
            LOG.info(() -> "Outlook sign-in by user " + authorization.userId() + " of workspace " + authorization.workspaceId()
                    + " with an account of tenant " + redemption.account().tid() + ": not allowed for the workspace, nothing stored");
            return refused(back, SignInRefusal.TENANT_NOT_ALLOWED);
        }
        UUID connection = session.getBusinessObject(OutlookConnections.class).connect(authorization, redemption);
        return new Completion(returnUrls.withParameter(back, "connection", connection.toString()), connection);
    }

    /** Back to the return URL with the refusal's code and its sentence; no connection. */
    private Completion refused(String back, SignInRefusal refusal) {
        URI withCode = returnUrls.withParameter(back, "error", refusal.name());
        return new Completion(returnUrls.withParameter(withCode.toString(), "error_description", refusal.sentence()), null);
    }

    /**
     * The second half of {@link #completeAuthorization}, once Microsoft has redeemed the code of an accepted tenant:
     * creates the connection, or updates the same Microsoft user's in place, in one transaction.
     */
    public UUID connect(OAuthAuthorization authorization, OutlookSignIn.Redemption redemption) {
        MicrosoftAccount account = redemption.account();
        Instant now = clock.instant();
        List<OutlookConnection> existing = em.createNamedQuery(OutlookConnection.PERSONAL_BY_MICROSOFT_USER, OutlookConnection.class)
                .setParameter("workspaceId", authorization.workspaceId())
                .setParameter("userId", authorization.userId())
                .setParameter("oid", account.oid())
                .getResultList();
        OutlookConnection connection;
        AuditEvent.Action action;
        if (existing.isEmpty()) {
            Mailbox mailbox = mailboxes.findOrCreatePersonal(authorization.workspaceId(), account.oid(), account.upn(), account.displayName());
            connection = OutlookConnection.personal(authorization.workspaceId(), authorization.userId(), authorization.userUpn(),
                    mailbox, account, now);
            storedTokens.sealInto(connection, redemption.serializedCache());
            em.persist(connection);
            action = AuditEvent.Action.CONNECTED;
        } else {
            connection = existing.get(0);
            if (!connection.mailbox().address().equals(Mailbox.normalize(account.upn()))) {
                mailboxes.rename(connection.mailbox(), account.upn(), account.displayName());
            }
            connection.signedInAs(account, now);
            storedTokens.sealInto(connection, redemption.serializedCache());
            connection.sharedMailboxes().forEach(shared -> {
                shared.clearError(now);
                changes.fire(new ConnectionChanged(shared.id(), ConnectionChanged.Change.RECONNECTED));
            });
            signIn.forget(connection.id());
            action = AuditEvent.Action.RECONNECTED;
        }
        mailboxes.grantReading(connection.mailbox(), authorization.userId());
        changes.fire(new ConnectionChanged(connection.id(), action == AuditEvent.Action.CONNECTED
                ? ConnectionChanged.Change.CONNECTED : ConnectionChanged.Change.RECONNECTED));
        audit.record(authorization.workspaceId(), authorization.userId(), authorization.userUpn(), action,
                connection.mailbox().address(), connection.id(), null);
        return connection.id();
    }

    public List<ConnectionView> list(Caller caller) {
        List<OutlookConnection> connections = ofCaller(caller);
        List<ConnectionView.Status> statuses = status.of(connections);
        List<ConnectionView> views = new ArrayList<>(connections.size());
        for (int i = 0; i < connections.size(); i++) {
            views.add(ConnectionView.of(connections.get(i), statuses.get(i)));
        }
        return views;
    }

    /** The caller's connections, personal and shared. */
    public List<OutlookConnection> ofCaller(Caller caller) {
        return em.createNamedQuery(OutlookConnection.OF_USER, OutlookConnection.class)
                .setParameter("workspaceId", caller.workspaceId())
                .setParameter("userId", caller.userId())
                .getResultList();
    }

    /** The caller's connection to this mailbox through which Exchange is best asked (one not in error first), if any. */
    public Optional<OutlookConnection> toMailbox(Caller caller, UUID mailboxId) {
        return best(caller, "c.mailbox.id = :mailbox", mailboxId);
    }

    /** As {@link #toMailbox}, for the mailbox at this address. */
    public Optional<OutlookConnection> toAddress(Caller caller, String address) {
        return best(caller, "c.mailbox.address = :mailbox", address);
    }

    private Optional<OutlookConnection> best(Caller caller, String mailboxCondition, Object mailbox) {
        return em.createQuery("SELECT c FROM OutlookConnection c WHERE c.workspaceId = :workspaceId"
                        + " AND c.userId = :userId AND " + mailboxCondition, OutlookConnection.class)
                .setParameter("workspaceId", caller.workspaceId())
                .setParameter("userId", caller.userId())
                .setParameter("mailbox", mailbox)
                .getResultList().stream()
                .min(Comparator.comparing(OutlookConnection::isInError));
    }

    public ConnectionView get(Caller caller, UUID id) {
        return view(owned(caller, id));
    }

    public ConnectionView view(OutlookConnection connection) {
        return ConnectionView.of(connection, status.of(connection));
    }

    /**
     * Removes a connection and its token; a personal one takes its shared rows with it. Subscriptions at Microsoft are
     * deleted first (best effort, by the observers of {@link ConnectionRemoval}, with no transaction open); then the
     * rows go in one transaction ({@link #remove}). Mailboxes and messages stay.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void disconnect(Caller caller, UUID id) {
        OutlookConnections self = session.getBusinessObject(OutlookConnections.class);
        removals.fire(self.removalOf(caller, id));
        self.remove(caller, id);
    }

    /** What {@link #disconnect} is about to remove: the caller's connection (or 404) and, for a personal one, its shared rows. */
    public ConnectionRemoval removalOf(Caller caller, UUID id) {
        OutlookConnection connection = owned(caller, id);
        return new ConnectionRemoval(connection.id(), connection.sharedMailboxes().stream().map(OutlookConnection::id).toList());
    }

    /** The database half of {@link #disconnect}: the rows, reading ended, the audit trail, in one transaction. */
    public void remove(Caller caller, UUID id) {
        OutlookConnection connection = owned(caller, id);
        // A sync run commits a page by share-locking its sync_state row, then writing sync_cursor; the cascade below
        // deletes sync_cursor rows before sync_state rows (foreign keys fire in the order they were made). Take the
        // sync_state rows first, in one order, so a removal waits for a page being committed instead of deadlocking
        // with it; the run then finds its lease gone. Seen with push on WildFly: a notification's sync met a disconnect.
        em.createNativeQuery("SELECT connection_id FROM sync_state WHERE connection_id IN"
                        + " (SELECT c.id FROM outlook_connection c WHERE c.id = ?1 OR c.parent_id = ?1)"
                        + " ORDER BY connection_id FOR UPDATE")
                .setParameter(1, connection.id())
                .getResultList();
        for (OutlookConnection shared : List.copyOf(connection.sharedMailboxes())) {
            mailboxes.endReading(shared.mailbox().id(), shared.userId());
            audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.SHARED_MAILBOX_REMOVED,
                    shared.mailbox().address(), shared.id(), "with its personal connection");
        }
        mailboxes.endReading(connection.mailbox().id(), connection.userId());
        if (connection.parent() != null) {
            connection.parent().sharedMailboxes().remove(connection);
        }
        em.remove(connection);
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(),
                connection.isPersonal() ? AuditEvent.Action.DISCONNECTED : AuditEvent.Action.SHARED_MAILBOX_REMOVED,
                connection.mailbox().address(), connection.id(), null);
        signIn.forget(connection.id());
    }

    /** Every connection of the admin's workspace, with its owner, for the admins' health page. */
    public List<OwnedConnection> ofWorkspace(Caller admin) {
        requireAdmin(admin);
        return em.createNamedQuery(OutlookConnection.OF_WORKSPACE, OutlookConnection.class)
                .setParameter("workspaceId", admin.workspaceId())
                .getResultList().stream()
                .map(connection -> new OwnedConnection(connection.userId(), connection.userUpn(), view(connection)))
                .toList();
    }

    /** Any connection of the admin's own workspace, or 404. */
    public OutlookConnection ofWorkspace(Caller admin, UUID id) {
        requireAdmin(admin);
        OutlookConnection connection = id == null ? null : em.find(OutlookConnection.class, id);
        if (connection == null || !connection.workspaceId().equals(admin.workspaceId())) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no Outlook connection " + id + " in your workspace.");
        }
        return connection;
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new ServiceException(ProblemCode.FORBIDDEN, "Only workspace admins see every mailbox of the workspace.");
        }
    }

    /** The caller's own connection, or 404: someone else's is indistinguishable from none. */
    public OutlookConnection owned(Caller caller, UUID id) {
        OutlookConnection connection = id == null ? null : em.find(OutlookConnection.class, id);
        if (connection == null || !connection.isOwnedBy(caller.workspaceId(), caller.userId())) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no Outlook connection " + id + " for you.");
        }
        return connection;
    }

    /** Where the browser goes next, and the connection that was created or reconnected (null on failure). */
    public record Completion(URI returnTo, UUID connectionId) {
        Completion failed(String back, SignInRefusal refusal) {
            return null;
        }
    }

    /** The answer to a started sign-in, and the binding cookie the browser that asked must keep. */
    public record SignInStart(AuthorizationStarted answer, SignInCookie binding) {
    }
}

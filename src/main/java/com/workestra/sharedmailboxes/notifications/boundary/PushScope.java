package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxAddress;
import com.workestra.sharedmailboxes.notifications.control.AppOnlyIdentity;
import com.workestra.sharedmailboxes.notifications.control.PushScopeScript;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Issue 19: the app-only identity limited to the shared mailboxes that use push, by an Exchange management scope the
 * workspace admin creates with the PowerShell shown here, and proven by a canary: the identity must be refused on a
 * mailbox that should be outside the scope. Microsoft is asked with no transaction open.
 */
@Stateless
public class PushScope {

    private static final Logger LOG = Logger.getLogger(PushScope.class.getName());
    /** At most this many mailboxes that use push are checked by one canary run. */
    static final int MAX_CHECKED = 20;

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext session;

    PushScope self;

    @Inject
    AuditTrail audit;

    @Inject
    AppOnlyIdentity appOnly;

    @Inject
    Clock clock;

    /** The canary's verdicts; {@code NOT_CHECKED} while no check ran. */
    public enum Outcome {
        NOT_CHECKED("Not checked"),
        SCOPED("Push scoped"),
        UNSCOPED("Push unscoped: the app can read every mailbox"),
        CANARY_INSIDE("Not proven: the canary is inside the scope"),
        FAILED("Not checked: Microsoft did not answer");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A shared mailbox of the workspace and how it is delivered: pushed, or polled and why. */
    public record MailboxDelivery(String address, boolean pushed, boolean outsideScope, String note) implements java.io.Serializable {
    }

    /** The last canary check: on which mailbox, its verdict, what it found (sentences), when and by whom. */
    public record Check(String canary, Outcome outcome, String detail, Instant checkedAt) implements java.io.Serializable {
        public String label() {
            return outcome.label();
        }
    }

    /** What the admin page and {@code GET /api/v1/admin/push-scope} show. */
    public record View(boolean appOnlyConfigured, List<MailboxDelivery> mailboxes, List<String> scoped, String group,
            List<PushScopeScript.Line> script, String warning, String propagation, Check lastCheck) implements java.io.Serializable {
    }

    /**
     * The workspace's shared mailboxes and their delivery, and the PowerShell for a scope holding {@code requested}
     * (default: every shared mailbox of the workspace) or the members of {@code group}.
     *
     * @throws ServiceException 400 naming the field for an address that is not one of the workspace's shared mailboxes
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public View view(Caller admin, List<String> requested, String group, String canary) {
        requireAdmin(admin);
        List<MailboxDelivery> mailboxes = self().mailboxes(admin.workspaceId());
        List<String> known = mailboxes.stream().map(MailboxDelivery::address).toList();
        List<String> scoped = new ArrayList<>();
        if (requested == null || requested.isEmpty()) {
            scoped.addAll(known);
        } else {
            for (String address : requested) {
                String normalized = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
                if (!known.contains(normalized)) {
                    throw ServiceException.invalidField("mailbox", "'" + address + "' is not one of this workspace's shared mailboxes.");
                }
                if (!scoped.contains(normalized)) {
                    scoped.add(normalized);
                }
            }
        }
        String groupAddress = blank(group) ? null : validAddress(group, "group");
        String canaryAddress = blank(canary) ? null : validAddress(canary, "canary");
        Check last = self().lastCheck(admin.workspaceId());
        if (canaryAddress == null && last != null && last.outcome() != Outcome.CANARY_INSIDE) {
            canaryAddress = last.canary();
        }
        String objectId = appOnly.isConfigured() ? appOnly.servicePrincipalObjectId() : null;
        String clientId = appOnly.isConfigured() ? appOnly.clientId() : "<client id of Workestra's app>";
        return new View(appOnly.isConfigured(), mailboxes, scoped, groupAddress,
                PushScopeScript.lines(clientId, objectId, scoped, groupAddress, canaryAddress),
                PushScopeScript.WARNING, PushScopeScript.PROPAGATION, last);
    }

    /**
     * The canary: with the app-only identity, open the Inbox folder of a mailbox that should be outside the scope
     * ({@code canary}, or by default a personal mailbox of the workspace: those never use app-only push), then of each
     * shared mailbox of the workspace. Refused on the canary: Push scoped. Allowed: Push unscoped. A canary that is one
     * of the workspace's shared mailboxes proves nothing. The verdict is kept for the page, with its time.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Check check(Caller admin, String canary) {
        requireAdmin(admin);
        if (!appOnly.isConfigured()) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST,
                    "No app-only identity is configured (outlook.app-only.authority): shared mailboxes are polled, and there is no scope to check.");
        }
        List<MailboxDelivery> mailboxes = self().mailboxes(admin.workspaceId());
        String target = blank(canary) ? self().personalMailbox(admin) : validAddress(canary, "canary");
        if (target == null) {
            throw ServiceException.invalidField("canary", "Name a mailbox that must stay outside the scope (no personal mailbox"
                    + " of this workspace is connected to use as the canary).");
        }
        Instant now = clock.instant();
        Check check;
        if (mailboxes.stream().anyMatch(mailbox -> mailbox.address().equals(target))) {
            check = new Check(target, Outcome.CANARY_INSIDE, "The canary " + target + " is one of the shared mailboxes that use"
                    + " push, so it belongs inside the scope: the canary proves nothing. Name a mailbox that must stay outside.", now);
        } else {
            check = probe(target, mailboxes, now);
        }
        self().record(admin, check);
        return check;
    }

    private Check probe(String canary, List<MailboxDelivery> mailboxes, Instant now) {
        boolean canaryAllowed;
        List<String> allowed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try {
            canaryAllowed = appOnly.mayRead(canary);
            for (MailboxDelivery mailbox : mailboxes.subList(0, Math.min(MAX_CHECKED, mailboxes.size()))) {
                (appOnly.mayRead(mailbox.address()) ? allowed : refused).add(mailbox.address());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "the push scope's canary could not be checked: {0}", e.toString());
            return new Check(canary, Outcome.FAILED, "Microsoft did not answer the check (" + e.getClass().getSimpleName()
                    + "); try again later.", now);
        }
        StringBuilder detail = new StringBuilder();
        if (canaryAllowed) {
            detail.append("The app-only identity was allowed to open ").append(canary)
                    .append(", which should be outside its scope: it can read every mailbox (no scope, or a tenant-wide Mail.Read consent in Entra ID).");
        } else {
            detail.append("The app-only identity was refused on ").append(canary).append(" (outside its scope), as it should be.");
        }
        if (!allowed.isEmpty()) {
            detail.append(" Allowed on ").append(String.join(", ", allowed)).append('.');
        }
        if (!refused.isEmpty()) {
            detail.append(" Refused on ").append(String.join(", ", refused))
                    .append(": polled until the scope includes ").append(refused.size() == 1 ? "it" : "them").append('.');
        }
        return new Check(canary, canaryAllowed ? Outcome.UNSCOPED : Outcome.SCOPED, detail.toString(), now);
    }

    /** The workspace's shared mailboxes (those someone connected), pushed or polled with the reason. */
    @SuppressWarnings("unchecked")
    public List<MailboxDelivery> mailboxes(String workspaceId) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT m.address, bool_or(s.id IS NOT NULL), bool_or(coalesce(p.outside_scope, false)), max(p.note)
                          FROM mailbox m
                          JOIN outlook_connection c ON c.mailbox_id = m.id AND c.kind = 'SHARED'
                          LEFT JOIN graph_subscription s ON s.connection_id = c.id AND s.identity = 'APP_ONLY'
                          LEFT JOIN push_delivery p ON p.connection_id = c.id
                         WHERE m.workspace_id = ?1 AND m.kind = 'SHARED'
                         GROUP BY m.address
                         ORDER BY m.address
                        """)
                .setParameter(1, workspaceId)
                .getResultList();
        List<MailboxDelivery> mailboxes = new ArrayList<>();
        for (Object[] row : rows) {
            boolean pushed = Boolean.TRUE.equals(row[1]);
            mailboxes.add(new MailboxDelivery((String) row[0], pushed, !pushed && Boolean.TRUE.equals(row[2]),
                    pushed ? null : (String) row[3]));
        }
        return mailboxes;
    }

    /** A personal mailbox of the workspace to use as the canary: the admin's own first. */
    @SuppressWarnings("unchecked")
    public String personalMailbox(Caller admin) {
        List<String> addresses = em.createNativeQuery("""
                        SELECT m.address FROM outlook_connection c JOIN mailbox m ON m.id = c.mailbox_id
                         WHERE c.workspace_id = ?1 AND c.kind = 'PERSONAL'
                         ORDER BY (c.user_id = ?2) DESC, c.created_at
                         LIMIT 1
                        """)
                .setParameter(1, admin.workspaceId())
                .setParameter(2, admin.userId())
                .getResultList();
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    public Check lastCheck(String workspaceId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT canary, outcome, detail, checked_at FROM push_scope_check WHERE workspace_id = ?1")
                .setParameter(1, workspaceId).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = rows.get(0);
        Object at = row[3];
        Instant checkedAt = at instanceof java.sql.Timestamp timestamp ? timestamp.toInstant()
                : at instanceof OffsetDateTime offset ? offset.toInstant() : Instant.parse(at.toString());
        return new Check((String) row[0], Outcome.valueOf((String) row[1]), (String) row[2], checkedAt);
    }

    public void record(Caller admin, Check check) {
        em.createNativeQuery("""
                        INSERT INTO push_scope_check (workspace_id, canary, outcome, detail, checked_at, checked_by)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                        ON CONFLICT (workspace_id) DO UPDATE SET canary = EXCLUDED.canary, outcome = EXCLUDED.outcome,
                               detail = EXCLUDED.detail, checked_at = EXCLUDED.checked_at, checked_by = EXCLUDED.checked_by
                        """)
                .setParameter(1, admin.workspaceId())
                .setParameter(2, check.canary())
                .setParameter(3, check.outcome().name())
                .setParameter(4, check.detail())
                .setParameter(5, OffsetDateTime.ofInstant(check.checkedAt(), ZoneOffset.UTC))
                .setParameter(6, admin.userId())
                .executeUpdate();
        audit.record(admin.workspaceId(), admin.userId(), admin.upn(), AuditEvent.Action.PUSH_SCOPE_CHECKED, check.canary(),
                null, check.outcome().label());
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw new ServiceException(ProblemCode.FORBIDDEN, "Only workspace admins see and check the app-only identity's scope.");
        }
    }

    private static String validAddress(String address, String field) {
        try {
            return MailboxAddress.valid(address);
        } catch (ServiceException invalid) {
            throw ServiceException.invalidField(field, "'" + address + "' is not an email address.");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private PushScope self() {
        if (self == null) {
            self = session.getBusinessObject(PushScope.class);
        }
        return self;
    }
}

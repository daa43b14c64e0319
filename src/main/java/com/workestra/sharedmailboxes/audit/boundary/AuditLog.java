package com.workestra.sharedmailboxes.audit.boundary;

import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;

import java.util.List;
import java.util.Locale;

/** The workspace's audit trail for its admins: who connected, added, removed and sent, when, from which mailbox. */
@Stateless
public class AuditLog {

    public static final int MAX_ROWS = 500;

    @PersistenceContext
    EntityManager em;

    /**
     * @param action one {@link AuditEvent.Action}, or null for all
     * @param text   part of the person's login or of the mailbox address (case-insensitive), or null
     */
    public List<AuditEvent> ofWorkspace(Caller admin, AuditEvent.Action action, String text, int limit) {
        if (!admin.isAdmin()) {
            throw new ServiceException(ProblemCode.FORBIDDEN, "Only workspace admins read the audit trail.");
        }
        StringBuilder jpql = new StringBuilder("SELECT e FROM AuditEvent e WHERE e.workspaceId = :workspaceId");
        if (action != null) {
            jpql.append(" AND e.action = :action");
        }
        String needle = text == null || text.isBlank() ? null : "%" + escapeLike(text.trim().toLowerCase(Locale.ROOT)) + "%";
        if (needle != null) {
            jpql.append(" AND (LOWER(e.userUpn) LIKE :text ESCAPE '!' OR LOWER(e.mailbox) LIKE :text ESCAPE '!')");
        }
        jpql.append(" ORDER BY e.occurredAt DESC, e.id DESC");
        TypedQuery<AuditEvent> query = em.createQuery(jpql.toString(), AuditEvent.class)
                .setParameter("workspaceId", admin.workspaceId());
        if (action != null) {
            query.setParameter("action", action.name());
        }
        if (needle != null) {
            query.setParameter("text", needle);
        }
        return query.setMaxResults(Math.min(Math.max(limit, 1), MAX_ROWS)).getResultList();
    }

    private static String escapeLike(String value) {
        return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}

package com.workestra.sharedmailboxes.audit.control;

import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Records an action in the caller's transaction, so the trail and the change commit together. */
@ApplicationScoped
public class AuditTrail {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public void record(String workspaceId, String userId, String userUpn, AuditEvent.Action action, String mailbox,
                       UUID connectionId, String detail) {
        record(workspaceId, userId, userUpn, action, mailbox, connectionId, detail, clock.instant());
    }

    /** Records an action that happened at {@code occurredAt} (a mail Microsoft accepted before it could be recorded). */
    public void record(String workspaceId, String userId, String userUpn, AuditEvent.Action action, String mailbox,
                       UUID connectionId, String detail, Instant occurredAt) {
        em.persist(new AuditEvent(workspaceId, userId, userUpn, action, mailbox, connectionId, detail, occurredAt));
    }

    /** The newest of these actions recorded on a connection, if any. */
    public Optional<AuditEvent> latest(UUID connectionId, Collection<AuditEvent.Action> actions) {
        return em.createQuery("SELECT e FROM AuditEvent e WHERE e.connectionId = :connectionId AND e.action IN :actions"
                        + " ORDER BY e.occurredAt DESC, e.id DESC", AuditEvent.class)
                .setParameter("connectionId", connectionId)
                .setParameter("actions", actions.stream().map(Enum::name).toList())
                .setMaxResults(1)
                .getResultStream().findFirst();
    }

    public List<AuditEvent> ofWorkspace(String workspaceId, int limit) {
        return em.createNamedQuery(AuditEvent.OF_WORKSPACE, AuditEvent.class)
                .setParameter("workspaceId", workspaceId)
                .setMaxResults(limit)
                .getResultList();
    }
}

package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.connections.entity.OAuthAuthorization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The oauth_authorization table: sign-ins started and not yet finished. Each is taken exactly once, and the expired
 * ones are purged a bounded batch at a time whenever a sign-in starts, so the table holds roughly what was started
 * within one authorization lifetime. Runs inside the caller's transaction, or a transaction of its own.
 */
@ApplicationScoped
public class StartedSignIns {

    /** More than are ever started between two starts in practice, few enough that a start never waits on a purge. */
    static final int PURGE_BATCH = 100;

    @PersistenceContext
    EntityManager em;

    /** Keeps a started sign-in, and purges expired ones. */
    public void keep(OAuthAuthorization authorization, Instant now) {
        purgeExpired(now);
        em.persist(authorization);
    }

    /**
     * Removes up to {@link #PURGE_BATCH} sign-ins that expired before {@code now}, oldest first; rows another start is
     * purging at the same moment are skipped, not waited for. Returns how many went.
     */
    public int purgeExpired(Instant now) {
        return em.createNativeQuery("DELETE FROM oauth_authorization WHERE state IN (SELECT state FROM oauth_authorization"
                        + " WHERE expires_at < ?1 ORDER BY expires_at LIMIT ?2 FOR UPDATE SKIP LOCKED)")
                .setParameter(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter(2, PURGE_BATCH)
                .executeUpdate();
    }

    /**
     * Deletes the state and returns what it held, atomically: of two callbacks with one state, only one gets it. Called
     * with no transaction open (the callback), it commits at once: the state is spent before Microsoft is asked.
     */
    @Transactional
    public OAuthAuthorization take(String state) {
        List<?> rows = em.createNativeQuery("DELETE FROM oauth_authorization WHERE state = ?1 RETURNING state, workspace_id, user_id,"
                        + " user_upn, code_verifier, return_url, reconnect_connection_id, created_at, expires_at, browser_binding_hash")
                .setParameter(1, state)
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = (Object[]) rows.get(0);
        return new OAuthAuthorization((String) row[0], (String) row[1], (String) row[2], (String) row[3], (String) row[4],
                (String) row[5], row[6] == null ? null : UUID.fromString(row[6].toString()), instant(row[7]), instant(row[8]),
                (String) row[9]);
    }

    private static Instant instant(Object value) {
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}

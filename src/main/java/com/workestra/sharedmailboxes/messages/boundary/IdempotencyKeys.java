package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The {@code Idempotency-Key}s of sending requests ({@code send_idempotency}), per caller (workspace and user). Each
 * step is its own short transaction, committed before or after Microsoft is asked, never around it: a key is claimed
 * (so a concurrent duplicate sees it under way), then answered (so a retry gets that answer) or released (nothing was
 * sent and a retry may try again).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class IdempotencyKeys {

    static final int MAX_KEY_LENGTH = 255;
    private static final int PURGE_BATCH = 100;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "messages.idempotency-key-lifetime")
    Duration lifetime;

    /** The answer a request with a key already got: a success, or the refusal it got (its code, sentence, Retry-After). */
    public record Answer(int status, ProblemCode code, String detail, Duration retryAfter) {

        static Answer accepted() {
            return new Answer(202, null, null, null);
        }

        static Answer refused(ServiceException refusal) {
            return new Answer(refusal.code().status(), refusal.code(), refusal.detail(), refusal.retryAfter());
        }

        /** Gives this answer again: returns for a success, throws the same refusal otherwise. */
        public void repeat() {
            if (code != null) {
                throw new ServiceException(code, detail, retryAfter, null);
            }
        }
    }

    /**
     * Claims the key for this request, or returns the answer an earlier request with it got. Refuses (422) a key that
     * came with another request, and (409) one whose request is still under way or ended without an answer.
     *
     * @return null when the key is now this request's to send, else the earlier answer
     */
    public Answer claim(Caller caller, String key, String fingerprint) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        purgeExpired(now);
        em.createNativeQuery("DELETE FROM send_idempotency WHERE workspace_id = ?1 AND user_id = ?2 AND idempotency_key = ?3"
                        + " AND expires_at < ?4")
                .setParameter(1, caller.workspaceId()).setParameter(2, caller.userId()).setParameter(3, key).setParameter(4, now)
                .executeUpdate();
        int claimed = em.createNativeQuery("INSERT INTO send_idempotency (workspace_id, user_id, idempotency_key, request_hash,"
                        + " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING")
                .setParameter(1, caller.workspaceId()).setParameter(2, caller.userId()).setParameter(3, key)
                .setParameter(4, fingerprint).setParameter(5, now).setParameter(6, now.plus(lifetime))
                .executeUpdate();
        if (claimed == 1) {
            return null;
        }
        List<?> rows = em.createNativeQuery("SELECT request_hash, outcome_status, outcome_code, outcome_detail,"
                        + " outcome_retry_after_seconds FROM send_idempotency"
                        + " WHERE workspace_id = ?1 AND user_id = ?2 AND idempotency_key = ?3")
                .setParameter(1, caller.workspaceId()).setParameter(2, caller.userId()).setParameter(3, key)
                .getResultList();
        if (rows.isEmpty()) {
            // Released by its request between our insert and this read: nothing was sent, so a retry may send.
            throw new ServiceException(ProblemCode.IDEMPOTENCY_KEY_IN_USE,
                    "A request with this Idempotency-Key was just under way. Try again.", Duration.ofSeconds(1), null);
        }
        Object[] row = (Object[]) rows.get(0);
        if (!fingerprint.equals(row[0])) {
            throw new ServiceException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used for a different request. Use a new key for a new message.");
        }
        if (row[1] == null) {
            throw new ServiceException(ProblemCode.IDEMPOTENCY_KEY_IN_USE,
                    "A request with this Idempotency-Key is under way, was sent and is not recorded yet (answered 202; its"
                            + " record is written once the service's database takes it), or stopped before Microsoft 365"
                            + " answered it."
                            + " It is not sent again with this key: check Sent Items before sending it with a new one.",
                    Duration.ofSeconds(2), null);
        }
        int status = ((Number) row[1]).intValue();
        if (row[2] == null) {
            return new Answer(status, null, null, null);
        }
        return new Answer(status, ProblemCode.valueOf((String) row[2]), (String) row[3],
                row[4] == null ? null : Duration.ofSeconds(((Number) row[4]).longValue()));
    }

    /** Keeps the answer the claimed request got, for every retry with its key. */
    public void answered(Caller caller, String key, Answer answer) {
        em.createNativeQuery("UPDATE send_idempotency SET outcome_status = ?4, outcome_code = ?5, outcome_detail = ?6,"
                        + " outcome_retry_after_seconds = ?7 WHERE workspace_id = ?1 AND user_id = ?2 AND idempotency_key = ?3")
                .setParameter(1, caller.workspaceId()).setParameter(2, caller.userId()).setParameter(3, key)
                .setParameter(4, answer.status())
                .setParameter(5, answer.code() == null ? null : answer.code().name())
                .setParameter(6, answer.detail())
                .setParameter(7, answer.retryAfter() == null ? null : answer.retryAfter().toSeconds())
                .executeUpdate();
    }

    /** Gives the key up: nothing was sent, so a retry with it may send. */
    public void released(Caller caller, String key) {
        em.createNativeQuery("DELETE FROM send_idempotency WHERE workspace_id = ?1 AND user_id = ?2 AND idempotency_key = ?3"
                        + " AND outcome_status IS NULL")
                .setParameter(1, caller.workspaceId()).setParameter(2, caller.userId()).setParameter(3, key)
                .executeUpdate();
    }

    private void purgeExpired(OffsetDateTime now) {
        em.createNativeQuery("DELETE FROM send_idempotency WHERE (workspace_id, user_id, idempotency_key) IN"
                        + " (SELECT workspace_id, user_id, idempotency_key FROM send_idempotency WHERE expires_at < ?1"
                        + " ORDER BY expires_at LIMIT ?2 FOR UPDATE SKIP LOCKED)")
                .setParameter(1, now).setParameter(2, PURGE_BATCH)
                .executeUpdate();
    }
}

package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.messages.control.GraphMail;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Sends at most once per {@code Idempotency-Key} (none: every request sends), and records what Microsoft accepted. The
 * key is claimed in its own transaction before Microsoft is asked; a duplicate gets the first request's answer, or 409
 * while it is under way. Afterwards the answer is kept, unless nothing can have been sent (refused here before Microsoft
 * was asked, throttled, Microsoft answered with a 5xx, the token could not be had): then the key is released and a retry
 * sends. When Microsoft did not answer at all (a timeout) the mail may have gone, so that answer is kept too.
 * <p>
 * Once Microsoft has accepted the mail, the request answers 202 whatever happens here: the mail went out and cannot be
 * taken back. A 5xx would tell the caller (and every HTTP client, proxy and SDK that retries 5xx by itself) the
 * opposite, and a retry without a key would send it twice. When the database cannot take the audit line or the key's
 * answer (PostgreSQL restarting or away), {@link UnrecordedSends} writes them once it can; meanwhile a retry with the
 * key finds it claimed without an answer and gets 409, never a second mail, and afterwards the stored 202.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SendOnce {

    @Resource
    SessionContext session;

    @Inject
    IdempotencyKeys keys;

    @Inject
    UnrecordedSends unrecorded;

    @Inject
    AuditTrail audit;

    @Inject
    Event<MailSent> sent;

    /** A mail Microsoft accepted, as the audit line records it, and when. */
    public record Accepted(Caller caller, AuditEvent.Action action, String mailbox, GraphMail.Acting acting, String detail,
                           Instant at) {
    }

    /**
     * Runs {@code sending} once for this key and request: it sets the flag just before it asks Microsoft, and returns
     * what Microsoft accepted.
     */
    public void send(Caller caller, String idempotencyKey, String fingerprint, Function<AtomicBoolean, Accepted> sending) {
        if (idempotencyKey == null) {
            record(sending.apply(new AtomicBoolean()), null);
            return;
        }
        String key = idempotencyKey.strip();
        if (key.isEmpty() || key.length() > IdempotencyKeys.MAX_KEY_LENGTH) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST,
                    "An Idempotency-Key has 1 to " + IdempotencyKeys.MAX_KEY_LENGTH + " characters.");
        }
        IdempotencyKeys.Answer earlier = keys.claim(caller, key, fingerprint);
        if (earlier != null) {
            earlier.repeat();
            return;
        }
        AtomicBoolean asked = new AtomicBoolean();
        Accepted accepted;
        try {
            accepted = sending.apply(asked);
        } catch (ServiceException refused) {
            if (!asked.get() || nothingSent(refused)) {
                keyStep(refused, () -> keys.released(caller, key));
            } else {
                keyStep(refused, () -> keys.answered(caller, key, IdempotencyKeys.Answer.refused(refused)));
            }
            throw refused;
        } catch (RuntimeException failed) {
            if (asked.get()) {
                keyStep(failed, () -> keys.answered(caller, key, IdempotencyKeys.Answer.refused(new ServiceException(
                        ProblemCode.INTERNAL_ERROR, "Sending failed unexpectedly; the message may have been sent. Check Sent"
                        + " Items before sending it again with a new Idempotency-Key."))));
            } else {
                keyStep(failed, () -> keys.released(caller, key));
            }
            throw failed;
        }
        record(accepted, key);
    }

    /**
     * The database half of a mail Exchange accepted: audited with the time it was accepted, and announced.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void recorded(Accepted accepted) {
        Caller caller = accepted.caller();
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), accepted.action(), accepted.mailbox(),
                accepted.acting().connectionId(), accepted.detail(), accepted.at());
        sent.fire(new MailSent(accepted.acting().connectionId()));
    }

    /**
     * Writes what Microsoft accepted: the audit line with {@link MailSent}, then (with a key) the key's 202, each in its
     * own transaction; what the database cannot take now is written later by {@link UnrecordedSends}.
     */
    private void record(Accepted accepted, String key) {
        SendOnce self = session.getBusinessObject(SendOnce.class);
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> self.recorded(accepted));
        if (key != null) {
            steps.add(() -> keys.answered(accepted.caller(), key, IdempotencyKeys.Answer.accepted()));
        }
        unrecorded.write(accepted.action() + " by " + accepted.caller().upn() + " (workspace " + accepted.caller().workspaceId()
                + ", user " + accepted.caller().userId() + ") from " + accepted.mailbox() + " at " + accepted.at() + ": "
                + accepted.detail() + (key == null ? "" : ", Idempotency-Key " + key), steps);
    }

    /**
     * Settles the key of a request that failed; when the database cannot, the request's own failure is still what the
     * caller hears, and the key stays claimed without an answer (a retry gets 409 until it expires, never a second mail).
     */
    private static void keyStep(RuntimeException answer, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException failed) {
            answer.addSuppressed(failed);
        }
    }

    /** Microsoft cannot have sent: it throttled, answered with a server error (which Graph's own SDK retries), or was never asked. */
    private static boolean nothingSent(ServiceException refused) {
        return switch (refused.code()) {
            case THROTTLED, RECONNECT_REQUIRED, OUTLOOK_NOT_CONFIGURED, PAYLOAD_TOO_LARGE -> true;
            case MICROSOFT_UNAVAILABLE -> {
                GraphFailure failure = refused.getCause() == null ? null : GraphFailure.of(refused.getCause());
                yield failure != null && failure.status() != 0;
            }
            default -> false;
        };
    }
}

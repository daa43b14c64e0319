package com.workestra.sharedmailboxes.health.boundary;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.notifications.boundary.PushDelivery;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.control.SyncSchedule;
import com.workestra.sharedmailboxes.sync.entity.SyncRound;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Issue 19 §4, "Check this mailbox": the checks PRODUCT.md's troubleshooting asks a person to do by hand, each answered
 * in a sentence. It reads (the Inbox folder's id, one message id, the subscription at Microsoft) and changes nothing of
 * its own; a sign-in Microsoft refuses is marked RECONNECT_REQUIRED as any sync would. Audited. Microsoft is asked with no
 * transaction open.
 */
@Stateless
public class MailboxDiagnosis {

    @Resource
    SessionContext session;

    MailboxDiagnosis self;

    @Inject
    OutlookConnections connections;

    @Inject
    OutlookSignIn signIn;

    @Inject
    PushDelivery push;

    @Inject
    AuditTrail audit;

    @Inject
    SyncSchedule schedule;

    @Inject
    MailboxGate gate;

    @Inject
    Clock clock;

    /** One check: which, whether it is fine ({@code ok}, {@code problem}, {@code unknown}), and the sentence. */
    public record Finding(String check, String status, String sentence) implements java.io.Serializable {
    }

    public record Diagnosis(UUID connectionId, String address, Instant checkedAt, List<Finding> findings) implements java.io.Serializable {
    }

    /** What the checks need, read in one short transaction. */
    public record Subject(UUID id, String address, boolean personal, String signInUpn, TokenHolder holder, UUID mailboxId) {
    }

    /** @throws ServiceException 404 for a connection that is not the caller's */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Diagnosis diagnose(Caller caller, UUID id) {
        Subject subject = self().subject(caller, id);
        Instant now = clock.instant();
        List<Finding> findings = new ArrayList<>();
        GraphServiceClient graph = signIn.graphFor(subject.holder());
        boolean signedIn = signInWorks(graph, subject, findings);
        if (subject.personal()) {
            findings.add(new Finding("fullAccess", "ok", "This is your own mailbox: no Full Access is needed."));
            findings.add(new Finding("sendAs", "ok", "You send from your own address: no Send As or Send on Behalf is needed."));
        } else {
            if (signedIn) {
                findings.add(fullAccess(graph, subject));
            } else {
                findings.add(new Finding("fullAccess", "unknown", "Full Access was not checked: your Outlook sign-in must work first."));
            }
            findings.add(self().sendAs(subject));
        }
        String subscription = push.checkAtMicrosoft(subject.id());
        findings.add(new Finding("subscription", subscription.startsWith("The change-notification subscription") ? "ok"
                : subscription.startsWith("No change-notification") ? "unknown" : "problem", subscription));
        findings.add(self().lastRound(subject.id()));
        findings.add(self().throttling(subject.id(), subject.mailboxId(), now));
        self().audited(caller, subject, findings);
        return new Diagnosis(subject.id(), subject.address(), now, findings);
    }

    private static boolean signInWorks(GraphServiceClient graph, Subject subject, List<Finding> findings) {
        try {
            graph.me().mailFolders().byMailFolderId("inbox").get(request -> request.queryParameters.select = new String[]{"id"});
            findings.add(new Finding("signIn", "ok", "Your Outlook sign-in (" + subject.signInUpn()
                    + ") works: Microsoft accepted its token, refreshed when it was due."));
            return true;
        } catch (RuntimeException e) {
            if (ServiceException.within(e).filter(s -> s.code() == ProblemCode.RECONNECT_REQUIRED).isPresent()) {
                findings.add(new Finding("signIn", "problem", "Your Outlook sign-in (" + subject.signInUpn() + ") no longer"
                        + " refreshes: Microsoft refused it (expired, revoked or the password changed). Reconnect Outlook."));
            } else {
                findings.add(new Finding("signIn", "unknown", "Your Outlook sign-in could not be checked: " + describe(e) + "."));
            }
            return false;
        }
    }

    private static Finding fullAccess(GraphServiceClient graph, Subject subject) {
        try {
            graph.users().byUserId(subject.address()).mailFolders().byMailFolderId("inbox").messages().get(request -> {
                request.queryParameters.top = 1;
                request.queryParameters.select = new String[]{"id"};
            });
            return new Finding("fullAccess", "ok", "You have Full Access: Microsoft let you read the Inbox of " + subject.address() + ".");
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && (failure.isMailboxAccessDenied() || failure.status() == 403)) {
                return new Finding("fullAccess", "problem", "Microsoft rejected access to the Inbox of " + subject.address()
                        + " (" + failure + "): you do not have Full Access, or it has not propagated yet (up to 60 minutes).");
            }
            if (failure != null && failure.isMailboxNotFound()) {
                return new Finding("fullAccess", "problem", "Microsoft 365 could not find a mailbox at " + subject.address() + " (" + failure + ").");
            }
            return new Finding("fullAccess", "unknown", "Full Access could not be checked: " + describe(e) + ".");
        }
    }

    public Subject subject(Caller caller, UUID id) {
        OutlookConnection connection = connections.owned(caller, id);
        OutlookConnection holder = connection.tokenHolder();
        return new Subject(connection.id(), connection.mailbox().address(), connection.isPersonal(), holder.microsoftUpn(),
                TokenHolder.of(holder), connection.mailbox().id());
    }

    /**
     * Send As or Send on Behalf: Graph cannot tell without sending, so the answer is what Exchange said to this
     * connection's last send, reply or forward (audited), or that it cannot be known before one.
     */
    public Finding sendAs(Subject subject) {
        Optional<AuditEvent> last = audit.latest(subject.id(), EnumSet.of(AuditEvent.Action.SENT, AuditEvent.Action.REPLIED,
                AuditEvent.Action.FORWARDED, AuditEvent.Action.SEND_AS_REFUSED));
        if (last.isEmpty()) {
            return new Finding("sendAs", "unknown", "Microsoft Graph cannot tell whether you have Send As or Send on Behalf on "
                    + subject.address() + " without sending a message (Exchange keeps those rights out of Graph's reach): a send"
                    + " without either is refused with ErrorSendAsDenied, and Workestra says so then.");
        }
        AuditEvent event = last.get();
        if (AuditEvent.Action.SEND_AS_REFUSED.name().equals(event.action())) {
            return new Finding("sendAs", "problem", "Exchange refused your last send from " + subject.address() + " (at "
                    + event.occurredAt() + "): you have neither Send As nor Send on Behalf on it. Ask your Exchange admin to"
                    + " grant one; it can take up to 60 minutes to apply.");
        }
        return new Finding("sendAs", "ok", "Exchange accepted your last send from " + subject.address() + " (at "
                + event.occurredAt() + "): you have Send As or Send on Behalf on it.");
    }

    /** The last delta round from sync's schedule: when it started, whether and when it completed, how long it took. */
    public Finding lastRound(UUID connectionId) {
        SyncRound round = schedule.round(connectionId);
        if (round.startedAt() == null) {
            return new Finding("lastRound", "unknown", "No delta round has run yet for this mailbox.");
        }
        Instant started = round.startedAt();
        Instant succeeded = round.lastSuccessAt();
        if (round.running()) {
            return new Finding("lastRound", "ok", "A delta round is running, started at " + started + ".");
        }
        if (succeeded != null && !succeeded.isBefore(started)) {
            return new Finding("lastRound", "ok", "The last delta round started at " + started + " and completed in "
                    + Duration.between(started, succeeded).toMillis() + " ms.");
        }
        return new Finding("lastRound", "problem", "The last delta round started at " + started + " and did not complete"
                + (succeeded == null ? "; none has completed yet." : "; the last complete one ended at " + succeeded + "."));
    }

    /** Throttling within the last hour: a Retry-After hold on the mailbox, or a throttled sync. */
    public Finding throttling(UUID connectionId, UUID mailboxId, Instant now) {
        Instant hourAgo = now.minus(Duration.ofHours(1));
        Optional<Instant> hold = gate.cooledDownUntil(mailboxId, hourAgo);
        SyncStatus sync = schedule.status(connectionId);
        boolean throttledSync = sync.lastFailure() != null && sync.lastFailureAt() != null && sync.lastFailureAt().isAfter(hourAgo)
                && (sync.lastFailure().contains("429") || sync.lastFailure().toLowerCase(Locale.ROOT).contains("throttl"));
        if (hold.isEmpty() && !throttledSync) {
            return new Finding("throttling", "ok", "Microsoft did not throttle this mailbox in the last hour.");
        }
        StringBuilder sentence = new StringBuilder("Microsoft throttled this mailbox in the last hour");
        hold.ifPresent(until -> sentence.append(": it asked to wait until ").append(until));
        if (throttledSync) {
            sentence.append(hold.isEmpty() ? ": " : "; ").append("last at ").append(sync.lastFailureAt())
                    .append(" (").append(sync.lastFailure()).append(')');
        }
        return new Finding("throttling", "problem", sentence.append("; sync waits and resumes by itself.").toString());
    }

    public void audited(Caller caller, Subject subject, List<Finding> findings) {
        long problems = findings.stream().filter(finding -> finding.status().equals("problem")).count();
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.DIAGNOSED, subject.address(),
                subject.id(), problems == 0 ? "no problem found" : problems + " problem(s) found");
    }

    private static String describe(Throwable e) {
        GraphFailure failure = GraphFailure.of(e);
        if (failure != null) {
            return "Graph answered " + failure;
        }
        return ServiceException.within(e).map(ServiceException::detail).orElse(e.getClass().getSimpleName());
    }

    private MailboxDiagnosis self() {
        if (self == null) {
            self = session.getBusinessObject(MailboxDiagnosis.class);
        }
        return self;
    }
}

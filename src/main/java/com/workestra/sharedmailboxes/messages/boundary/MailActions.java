package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.messages.control.ExchangeRefusals;
import com.workestra.sharedmailboxes.messages.control.GraphMail;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxUserKey;
import com.workestra.sharedmailboxes.messages.entity.OutgoingAttachment;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.RequestFingerprint;
import com.workestra.sharedmailboxes.messages.entity.Signature;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Writing mail as the acting user: read state, send, reply, forward, and the signature per (user, mailbox). Each goes to Exchange
 * with the caller's own delegated token first; only what Exchange accepted is recorded, audited with the acting user and
 * the mailbox. Sending from a mailbox the caller has not connected is refused before Microsoft is asked. Exchange is
 * asked with no transaction open: what it needs is read in a short transaction before, what it accepted is written in
 * another after.
 */
@Stateless
public class MailActions {

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext session;

    @Inject
    OutlookConnections connections;

    @Inject
    Inbox inbox;

    @Inject
    GraphMail graphMail;

    @Inject
    ExchangeRefusals refusals;

    @Inject
    SendOnce sendOnce;

    @Inject
    AuditTrail audit;

    @Inject
    Clock clock;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public MessageView markRead(Caller caller, String id, boolean isRead) {
        StoredMessage message = inbox.find(caller, id);
        GraphMail.Acting acting = self().acting(caller, message);
        toExchange(caller, acting, () -> graphMail.markRead(acting, message.graphId(), isRead));
        self().markedRead(caller, message, acting, isRead);
        return inbox.get(caller, id);
    }

    /** The database half of {@link #markRead}, once Exchange has accepted the change. */
    public void markedRead(Caller caller, StoredMessage message, GraphMail.Acting acting, boolean isRead) {
        em.createNativeQuery("UPDATE message SET is_read = ?1 WHERE id = ?2")
                .setParameter(1, isRead)
                .setParameter(2, message.id())
                .executeUpdate();
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(),
                isRead ? AuditEvent.Action.MARKED_READ : AuditEvent.Action.MARKED_UNREAD,
                message.mailboxAddress(), acting.connectionId(), "message " + message.id());
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void send(Caller caller, OutgoingMessage outgoing, String idempotencyKey) {
        send(caller, outgoing, List.of(), idempotencyKey);
    }

    /** Sends with files: under 3 MB together inline in sendMail, otherwise as a draft with its attachments, then sent. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void send(Caller caller, OutgoingMessage outgoing, List<OutgoingAttachment> attachments, String idempotencyKey) {
        List<Recipient> to = recipients(outgoing.to);
        List<Recipient> cc = recipients(outgoing.cc);
        List<Recipient> bcc = recipients(outgoing.bcc);
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "A message needs at least one recipient.");
        }
        String from = Mailbox.normalize(outgoing.from);
        String subject = outgoing.subject == null ? "" : outgoing.subject;
        String fingerprint = RequestFingerprint.of("send").add(from).add(subject).add(outgoing.body.type())
                .add(outgoing.body.content).add(to).add(cc).add(bcc).addAttachments(attachments).hash();
        sendOnce.send(caller, idempotencyKey, fingerprint, asked -> {
            Prepared prepared = self().preparedToSend(caller, from, outgoing.body.type(), outgoing.body.content);
            GraphMail.Acting acting = prepared.acting();
            Signature.Body body = prepared.body();
            asked.set(true);
            toExchange(caller, acting, () -> graphMail.send(acting, new GraphMail.Outgoing(subject, body.contentType(), body.content(),
                    to, cc, bcc), attachments));
            return new SendOnce.Accepted(caller, AuditEvent.Action.SENT, from, acting, (to.size() + cc.size() + bcc.size()) + " recipient(s)"
                    + files(attachments), clock.instant());
        });
    }

    /** What {@link #send} asks Exchange with: the caller's connection to the From address (or 403), and the signed body. */
    public Prepared preparedToSend(Caller caller, String from, String type, String content) {
        OutlookConnection acting = sendingConnection(caller, from);
        return new Prepared(GraphMail.Acting.of(acting), withSignature(caller, acting.mailbox(), type, content));
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void reply(Caller caller, String id, ReplyRequest reply, String idempotencyKey) {
        reply(caller, id, reply, List.of(), idempotencyKey);
    }

    /** Replies with files: Graph's createReply (or createReplyAll) draft, its attachments, then send. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void reply(Caller caller, String id, ReplyRequest reply, List<OutgoingAttachment> attachments, String idempotencyKey) {
        boolean all = Boolean.TRUE.equals(reply.replyAll);
        List<Recipient> cc = recipients(reply.cc);
        List<Recipient> bcc = recipients(reply.bcc);
        String fingerprint = RequestFingerprint.of("reply").add(id).add(reply.from).add(all).add(reply.body.type())
                .add(reply.body.content).add(cc).add(bcc).addAttachments(attachments).hash();
        sendOnce.send(caller, idempotencyKey, fingerprint, asked -> {
            StoredMessage message = answerable(caller, id, reply.from, "A reply");
            Prepared prepared = self().preparedToReply(caller, message, reply.body.type(), reply.body.content);
            GraphMail.Acting acting = prepared.acting();
            List<Recipient> to = null;
            List<Recipient> copies = cc;
            if (all) {
                Set<String> left = new HashSet<>(prepared.own());
                to = without(left, message.from() == null ? List.of() : List.of(message.from()), message.to());
                copies = without(left, message.cc(), cc);
                if (to.isEmpty() && copies.isEmpty() && bcc.isEmpty()) {
                    throw new ServiceException(ProblemCode.INVALID_REQUEST,
                            "Nobody is left to reply to: every recipient of this message is its mailbox or you.");
                }
            }
            List<Recipient> replyTo = to;
            List<Recipient> replyCc = copies;
            asked.set(true);
            toExchange(caller, acting, () -> graphMail.reply(acting, message.graphId(), all, prepared.body().content(),
                    new GraphMail.Recipients(replyTo, replyCc, bcc), attachments));
            return new SendOnce.Accepted(caller, AuditEvent.Action.REPLIED, message.mailboxAddress(), acting,
                    (all ? "reply all to message " : "reply to message ") + message.id() + files(attachments), clock.instant());
        });
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void forward(Caller caller, String id, ForwardRequest forward, String idempotencyKey) {
        forward(caller, id, forward, List.of(), idempotencyKey);
    }

    /** Forwards with files: Graph's createForward draft, its attachments, then send. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void forward(Caller caller, String id, ForwardRequest forward, List<OutgoingAttachment> attachments,
                        String idempotencyKey) {
        List<Recipient> to = recipients(forward.to);
        List<Recipient> cc = recipients(forward.cc);
        List<Recipient> bcc = recipients(forward.bcc);
        String fingerprint = RequestFingerprint.of("forward").add(id).add(forward.from).add(forward.body.type())
                .add(forward.body.content).add(to).add(cc).add(bcc).addAttachments(attachments).hash();
        sendOnce.send(caller, idempotencyKey, fingerprint, asked -> {
            StoredMessage message = answerable(caller, id, forward.from, "A forward");
            Prepared prepared = self().preparedToReply(caller, message, forward.body.type(), forward.body.content);
            GraphMail.Acting acting = prepared.acting();
            asked.set(true);
            toExchange(caller, acting, () -> graphMail.forward(acting, message.graphId(), prepared.body().content(),
                    new GraphMail.Recipients(to, cc, bcc), attachments));
            return new SendOnce.Accepted(caller, AuditEvent.Action.FORWARDED, message.mailboxAddress(), acting,
                    "forward of message " + message.id() + " to " + (to.size() + cc.size() + bcc.size()) + " recipient(s)"
                            + files(attachments), clock.instant());
        });
    }

    /** A message the caller may answer: readable (or 404), not removed (or 409), and From, if given, its mailbox. */
    private StoredMessage answerable(Caller caller, String id, String from, String what) {
        StoredMessage message = inbox.find(caller, id);
        if (message.isRemoved()) {
            throw new ServiceException(ProblemCode.MESSAGE_REMOVED, "This message was removed from " + message.mailboxAddress()
                    + (message.removedReason() == null ? "" : " (" + message.removedReason().toLowerCase(java.util.Locale.ROOT) + ")")
                    + ", so it can no longer be replied to or forwarded.");
        }
        if (from != null && !from.isBlank() && !Mailbox.normalize(from).equals(message.mailboxAddress())) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST,
                    what + " goes out from the mailbox the message is in (" + message.mailboxAddress() + ").");
        }
        return message;
    }

    /** The recipients of the lists in order, each once, leaving out the addresses in {@code left} (which grows). */
    @SafeVarargs
    static List<Recipient> without(Set<String> left, List<Recipient>... lists) {
        List<Recipient> kept = new ArrayList<>();
        for (List<Recipient> list : lists) {
            for (Recipient recipient : list == null ? List.<Recipient>of() : list) {
                if (recipient != null && recipient.address() != null
                        && left.add(recipient.address().toLowerCase(java.util.Locale.ROOT))) {
                    kept.add(recipient);
                }
            }
        }
        return kept;
    }

    /**
     * What {@link #reply} and {@link #forward} ask Exchange with: the caller's connection to the message's mailbox (or
     * 403), the signed body, and the addresses reply all leaves out (the mailbox and the person replying).
     */
    public Prepared preparedToReply(Caller caller, StoredMessage message, String type, String content) {
        OutlookConnection acting = acting(caller, message.mailboxId(), message.mailboxAddress());
        Set<String> own = new HashSet<>();
        own.add(message.mailboxAddress().toLowerCase(java.util.Locale.ROOT));
        own.add(acting.mailbox().address().toLowerCase(java.util.Locale.ROOT));
        OutlookConnection person = acting.tokenHolder();
        for (String address : new String[] {caller.upn(), person.microsoftUpn(), person.mailbox().address()}) {
            if (address != null) {
                own.add(address.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return new Prepared(GraphMail.Acting.of(acting), withSignature(caller, acting.mailbox(), type, content), Set.copyOf(own));
    }

    /** The caller's connection to the message's mailbox, through which Exchange is asked (or 403), as values. */
    public GraphMail.Acting acting(Caller caller, StoredMessage message) {
        return GraphMail.Acting.of(acting(caller, message.mailboxId(), message.mailboxAddress()));
    }

    /**
     * Asks Exchange; a refusal of the mailbox itself (not of sending) ends the caller's reading of new mail there, and a
     * refusal to send as the mailbox is audited (Check this mailbox names it: Graph cannot tell Send As otherwise).
     */
    private void toExchange(Caller caller, GraphMail.Acting acting, Runnable call) {
        try {
            call.run();
        } catch (ServiceException refused) {
            if (refused.code() == ProblemCode.MAILBOX_ACCESS_DENIED) {
                refusals.refused(acting.connectionId());
            }
            if (refused.code() == ProblemCode.SEND_AS_DENIED) {
                self().sendAsRefused(caller, acting);
            }
            throw refused;
        }
    }

    /** The database half of a send Exchange refused for want of Send As or Send on Behalf. */
    public void sendAsRefused(Caller caller, GraphMail.Acting acting) {
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.SEND_AS_REFUSED,
                acting.address(), acting.connectionId(), "Exchange refused to send as the mailbox");
    }

    private MailActions self() {
        return session.getBusinessObject(MailActions.class);
    }

    /** The connection Exchange is asked through and the body as it goes out (with the caller's signature). */
    public record Prepared(GraphMail.Acting acting, Signature.Body body, Set<String> own) {

        public Prepared(GraphMail.Acting acting, Signature.Body body) {
            this(acting, body, Set.of());
        }
    }

    public SignatureView signature(Caller caller, String address) {
        OutlookConnection connection = sendingConnection(caller, Mailbox.normalize(address));
        Signature signature = em.find(Signature.class, new MailboxUserKey(connection.mailbox().id(), caller.userId()));
        if (signature == null) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "You have no signature for " + connection.mailbox().address() + ".");
        }
        return view(connection.mailbox(), signature);
    }

    public SignatureView changeSignature(Caller caller, String address, SignatureInput input) {
        OutlookConnection connection = sendingConnection(caller, Mailbox.normalize(address));
        Mailbox mailbox = connection.mailbox();
        Signature signature = em.find(Signature.class, new MailboxUserKey(mailbox.id(), caller.userId()));
        if (signature == null) {
            signature = new Signature(mailbox, caller.userId(), input.contentType, input.content, clock.instant());
            em.persist(signature);
        } else {
            signature.change(input.contentType, input.content, clock.instant());
        }
        return view(mailbox, signature);
    }

    public void removeSignature(Caller caller, String address) {
        OutlookConnection connection = sendingConnection(caller, Mailbox.normalize(address));
        Signature signature = em.find(Signature.class, new MailboxUserKey(connection.mailbox().id(), caller.userId()));
        if (signature != null) {
            em.remove(signature);
        }
    }

    private static SignatureView view(Mailbox mailbox, Signature signature) {
        return new SignatureView(mailbox.address(), signature.contentType(), signature.content(), signature.updatedAt());
    }

    private Signature.Body withSignature(Caller caller, Mailbox mailbox, String type, String content) {
        Signature signature = em.find(Signature.class, new MailboxUserKey(mailbox.id(), caller.userId()));
        return signature == null ? new Signature.Body(type, content) : signature.appendTo(type, content);
    }

    /** The caller's connection to the mailbox with this address: the From list; anything else is refused here. */
    private OutlookConnection sendingConnection(Caller caller, String address) {
        return connections.toAddress(caller, address).orElseThrow(() -> new ServiceException(ProblemCode.FORBIDDEN,
                "You have not connected " + address + " to Workestra, so you cannot send from it."));
    }

    /** The caller's connection to the message's mailbox, through which Exchange is asked. */
    private OutlookConnection acting(Caller caller, UUID mailboxId, String address) {
        return connections.toMailbox(caller, mailboxId).orElseThrow(() -> new ServiceException(ProblemCode.FORBIDDEN,
                "Connect " + address + " again to change or answer its messages; its history stays readable meanwhile."));
    }

    private static String files(List<OutgoingAttachment> attachments) {
        return attachments.isEmpty() ? "" : ", " + attachments.size() + " file(s), "
                + attachments.stream().mapToLong(OutgoingAttachment::size).sum() + " bytes";
    }

    private static List<Recipient> recipients(List<RecipientInput> inputs) {
        return inputs == null ? List.of() : inputs.stream().map(input -> new Recipient(input.name, input.address)).toList();
    }
}

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
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.Signature;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Writing mail as the acting user: read state, send, reply, and the signature per (user, mailbox). Each goes to Exchange
 * with the caller's own delegated token first; only what Exchange accepted is recorded, audited with the acting user and
 * the mailbox. Sending from a mailbox the caller has not connected is refused before Microsoft is asked.
 */
@Stateless
public class MailActions {

    @PersistenceContext
    EntityManager em;

    @Inject
    OutlookConnections connections;

    @Inject
    Inbox inbox;

    @Inject
    GraphMail graphMail;

    @Inject
    ExchangeRefusals refusals;

    @Inject
    AuditTrail audit;

    @Inject
    Event<MailSent> sent;

    @Inject
    Clock clock;

    public MessageView markRead(Caller caller, String id, boolean isRead) {
        StoredMessage message = inbox.find(caller, id);
        OutlookConnection acting = acting(caller, message.mailboxId(), message.mailboxAddress());
        toExchange(acting, () -> graphMail.markRead(acting, message.graphId(), isRead));
        em.createNativeQuery("UPDATE message SET is_read = ?1 WHERE id = ?2")
                .setParameter(1, isRead)
                .setParameter(2, message.id())
                .executeUpdate();
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(),
                isRead ? AuditEvent.Action.MARKED_READ : AuditEvent.Action.MARKED_UNREAD,
                message.mailboxAddress(), acting.id(), "message " + message.id());
        return inbox.get(caller, id);
    }

    public void send(Caller caller, OutgoingMessage outgoing) {
        List<Recipient> to = recipients(outgoing.to);
        List<Recipient> cc = recipients(outgoing.cc);
        List<Recipient> bcc = recipients(outgoing.bcc);
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "A message needs at least one recipient.");
        }
        String from = Mailbox.normalize(outgoing.from);
        OutlookConnection acting = sendingConnection(caller, from);
        Signature.Body body = withSignature(caller, acting.mailbox(), outgoing.body.type(), outgoing.body.content);
        toExchange(acting, () -> graphMail.send(acting, new GraphMail.Outgoing(outgoing.subject == null ? "" : outgoing.subject,
                body.contentType(), body.content(), to, cc, bcc)));
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.SENT, from, acting.id(),
                (to.size() + cc.size() + bcc.size()) + " recipient(s)");
        sent.fire(new MailSent(acting.id()));
    }

    public void reply(Caller caller, String id, ReplyRequest reply) {
        StoredMessage message = inbox.find(caller, id);
        if (reply.from != null && !reply.from.isBlank() && !Mailbox.normalize(reply.from).equals(message.mailboxAddress())) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST,
                    "A reply goes out from the mailbox the message is in (" + message.mailboxAddress() + ").");
        }
        OutlookConnection acting = acting(caller, message.mailboxId(), message.mailboxAddress());
        Signature.Body body = withSignature(caller, acting.mailbox(), reply.body.type(), reply.body.content);
        boolean all = Boolean.TRUE.equals(reply.replyAll);
        toExchange(acting, () -> graphMail.reply(acting, message.graphId(), all, body.content()));
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.REPLIED, message.mailboxAddress(),
                acting.id(), (all ? "reply all to message " : "reply to message ") + message.id());
        sent.fire(new MailSent(acting.id()));
    }

    /** Asks Exchange; a refusal of the mailbox itself (not of sending) ends the caller's reading of new mail there. */
    private void toExchange(OutlookConnection acting, Runnable call) {
        try {
            call.run();
        } catch (ServiceException refused) {
            if (refused.code() == ProblemCode.MAILBOX_ACCESS_DENIED) {
                refusals.refused(acting.id());
            }
            throw refused;
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

    private static List<Recipient> recipients(List<RecipientInput> inputs) {
        return inputs == null ? List.of() : inputs.stream().map(input -> new Recipient(input.name, input.address)).toList();
    }
}

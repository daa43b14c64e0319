package com.workestra.sharedmailboxes.sharedmailboxes.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.messages.control.Mailboxes;
import com.workestra.sharedmailboxes.messages.entity.Mailbox;
import com.workestra.sharedmailboxes.messages.entity.MailboxKind;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sharedmailboxes.control.MailboxAddress;
import com.workestra.sharedmailboxes.sharedmailboxes.control.SharedMailboxProbe;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.util.UUID;

/** Adds a shared mailbox under the caller's personal connection, after Exchange has said yes to the probe. */
@Stateless
public class SharedMailboxes {

    @PersistenceContext
    EntityManager em;

    @Inject
    OutlookConnections connections;

    @Inject
    SharedMailboxProbe probe;

    @Inject
    Mailboxes mailboxes;

    @Inject
    SyncRequests syncRequests;

    @Inject
    AuditTrail audit;

    @Inject
    Clock clock;

    /** @return the new shared row's id; nothing is stored when any check or the probe fails */
    public UUID add(Caller caller, UUID parentId, String requestedAddress) {
        String address = MailboxAddress.valid(requestedAddress);
        OutlookConnection parent = connections.owned(caller, parentId);
        if (!parent.isPersonal()) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "Add shared mailboxes to your personal Outlook connection.");
        }
        if (!parent.hasSharedScopes()) {
            throw new ServiceException(ProblemCode.SHARED_SCOPES_MISSING, "This Outlook connection was authorised before"
                    + " shared-mailbox access was available. Disconnect it and click Connect again to approve the shared-mailbox"
                    + " permissions (Mail.Read.Shared, Mail.ReadWrite.Shared, Mail.Send.Shared); your email history is kept.");
        }
        if (parent.isInError()) {
            throw new ServiceException(ProblemCode.PARENT_NOT_HEALTHY,
                    "Your personal Outlook connection needs attention: reconnect it first, then add the shared mailbox.");
        }
        if (alreadyConnected(caller, address)) {
            throw new ServiceException(ProblemCode.ALREADY_CONNECTED, "You have already connected " + address + ".");
        }
        probe.probe(parent, address);
        Mailbox mailbox = mailboxes.findOrCreate(caller.workspaceId(), address, address, MailboxKind.SHARED);
        OutlookConnection shared = OutlookConnection.shared(parent, mailbox, clock.instant());
        em.persist(shared);
        mailboxes.grantReading(mailbox, caller.userId());
        syncRequests.request(shared.id(), SyncReason.INITIAL);
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.SHARED_MAILBOX_ADDED, address, shared.id(), null);
        return shared.id();
    }

    private boolean alreadyConnected(Caller caller, String address) {
        return !em.createQuery("SELECT c.id FROM OutlookConnection c WHERE c.workspaceId = :workspaceId AND c.userId = :userId"
                        + " AND c.mailbox.address = :address", UUID.class)
                .setParameter("workspaceId", caller.workspaceId())
                .setParameter("userId", caller.userId())
                .setParameter("address", address)
                .getResultList().isEmpty();
    }
}

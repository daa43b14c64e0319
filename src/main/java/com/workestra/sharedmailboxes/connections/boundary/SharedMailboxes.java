package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.audit.control.AuditTrail;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxAddress;
import com.workestra.sharedmailboxes.connections.control.SharedMailboxProbe;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Adds a shared mailbox under the caller's personal connection, after Exchange has said yes to the probe and told which
 * mailbox it is. The probe runs with no transaction open; the checks before it and the rows after it each take a short
 * one.
 */
@Stateless
public class SharedMailboxes {

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext session;

    @Inject
    OutlookConnections connections;

    @Inject
    SharedMailboxProbe probe;

    @Inject
    Mailboxes mailboxes;

    @Inject
    Event<ConnectionChanged> changes;

    @Inject
    AuditTrail audit;

    @Inject
    Clock clock;

    /**
     * Adds the mailbox Exchange shows at this address. When the caller already has a row for it, that row is kept and
     * updated in place if the mailbox changed address (renamed: same mailbox, same history) or if the address now holds
     * a new mailbox (the earlier one was deleted): the row reaches it there from now on, with fresh cursors.
     *
     * @return the shared row's id; nothing is stored when any check or the probe fails
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public UUID add(Caller caller, UUID parentId, String requestedAddress) {
        String address = MailboxAddress.valid(requestedAddress);
        SharedMailboxes self = session.getBusinessObject(SharedMailboxes.class);
        TokenHolder parent = self.parentFor(caller, parentId);
        SharedMailboxProbe.Found found = probe.probe(parent, address);
        return self.added(caller, parentId, address, found.identity(), found.displayName());
    }

    /** The caller's personal connection that may add a shared mailbox, as the token holder the probe asks with; or why not. */
    public TokenHolder parentFor(Caller caller, UUID parentId) {
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
        return TokenHolder.of(parent);
    }

    /**
     * The database half of {@link #add}, once Exchange has said which mailbox is at the address: the row, created or
     * updated in place, in one transaction.
     */
    public UUID added(Caller caller, UUID parentId, String address, MailboxIdentity identity, String displayName) {
        OutlookConnection parent = connections.owned(caller, parentId);
        Mailbox known = mailboxes.find(caller.workspaceId(), identity);
        String formerAddress = known == null || known.address().equals(address) ? null : known.address();
        Mailbox mailbox = mailboxes.findOrCreate(caller.workspaceId(), identity, address, displayName, MailboxKind.SHARED);
        mailboxes.named(mailbox, displayName);
        if (formerAddress != null) {
            // Renamed at Microsoft: everyone's rows to it read the new address from now on; their links name the old one.
            connectionsTo(mailbox).forEach(id -> changes.fire(new ConnectionChanged(id, ConnectionChanged.Change.MAILBOX_RENAMED)));
        }
        OutlookConnection row = sharedRow(caller, mailbox);
        if (row != null && formerAddress == null) {
            throw new ServiceException(ProblemCode.ALREADY_CONNECTED, "You have already connected " + address + ".");
        }
        String again = row == null ? null : "again, at its new address (it was " + formerAddress + ")";
        if (row == null) {
            row = rowForEarlierMailboxAt(caller, address, mailbox);
            if (row != null) {
                mailboxes.endReading(row.mailbox().id(), caller.userId());
                again = "again: a new mailbox at this address replaced the one added before";
            }
        }
        if (row != null) {
            row.reachesAgain(mailbox, clock.instant());
            if (formerAddress == null) {
                changes.fire(new ConnectionChanged(row.id(), ConnectionChanged.Change.REACHES_NEW_MAILBOX));
            }
        } else {
            row = OutlookConnection.shared(parent, mailbox, clock.instant());
            em.persist(row);
            changes.fire(new ConnectionChanged(row.id(), ConnectionChanged.Change.SHARED_MAILBOX_ADDED));
        }
        mailboxes.grantReading(mailbox, caller.userId());
        audit.record(caller.workspaceId(), caller.userId(), caller.upn(), AuditEvent.Action.SHARED_MAILBOX_ADDED, address, row.id(), again);
        return row.id();
    }

    /** The caller's shared row to this mailbox, if any. */
    private OutlookConnection sharedRow(Caller caller, Mailbox mailbox) {
        return em.createQuery("SELECT c FROM OutlookConnection c WHERE c.workspaceId = :workspaceId AND c.userId = :userId"
                        + " AND c.kind = com.workestra.sharedmailboxes.connections.entity.ConnectionKind.SHARED"
                        + " AND c.mailbox.id = :mailboxId", OutlookConnection.class)
                .setParameter("workspaceId", caller.workspaceId())
                .setParameter("userId", caller.userId())
                .setParameter("mailboxId", mailbox.id())
                .getResultList().stream().findFirst().orElse(null);
    }

    /**
     * The caller's shared row for another shared mailbox that had this address (known by its Inbox, so surely another
     * one): the mailbox they added was deleted and the address given to a new one.
     */
    private OutlookConnection rowForEarlierMailboxAt(Caller caller, String address, Mailbox current) {
        return em.createQuery("SELECT c FROM OutlookConnection c WHERE c.workspaceId = :workspaceId AND c.userId = :userId"
                        + " AND c.kind = com.workestra.sharedmailboxes.connections.entity.ConnectionKind.SHARED"
                        + " AND c.mailbox.address = :address AND c.mailbox.id <> :current", OutlookConnection.class)
                .setParameter("workspaceId", caller.workspaceId())
                .setParameter("userId", caller.userId())
                .setParameter("address", address)
                .setParameter("current", current.id())
                .getResultList().stream()
                .filter(row -> row.mailbox().identity() != null && row.mailbox().identity().isInbox())
                .findFirst().orElse(null);
    }

    private List<UUID> connectionsTo(Mailbox mailbox) {
        return em.createQuery("SELECT c.id FROM OutlookConnection c WHERE c.mailbox.id = :mailboxId"
                        + " AND c.kind = com.workestra.sharedmailboxes.connections.entity.ConnectionKind.SHARED", UUID.class)
                .setParameter("mailboxId", mailbox.id())
                .getResultList();
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Mailbox;
import com.workestra.sharedmailboxes.messages.entity.MailboxAccess;
import com.workestra.sharedmailboxes.messages.entity.MailboxUserKey;
import com.workestra.sharedmailboxes.messages.entity.MailboxKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Clock;
import java.util.List;

/** A workspace's mailboxes (one row per address) and who may read their history. */
@ApplicationScoped
public class Mailboxes {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    public Mailbox findOrCreate(String workspaceId, String address, String displayName, MailboxKind kind) {
        List<Mailbox> found = em.createNamedQuery(Mailbox.BY_ADDRESS, Mailbox.class)
                .setParameter("workspaceId", workspaceId)
                .setParameter("address", Mailbox.normalize(address))
                .getResultList();
        if (!found.isEmpty()) {
            Mailbox mailbox = found.get(0);
            mailbox.nameAs(displayName);
            return mailbox;
        }
        Mailbox mailbox = new Mailbox(workspaceId, address, displayName, kind, clock.instant());
        em.persist(mailbox);
        return mailbox;
    }

    /** A personal mailbox whose owner's UPN changed at Microsoft: same mailbox, same history, new address. */
    public void rename(Mailbox mailbox, String newAddress, String displayName) {
        boolean taken = !em.createNamedQuery(Mailbox.BY_ADDRESS, Mailbox.class)
                .setParameter("workspaceId", mailbox.workspaceId())
                .setParameter("address", Mailbox.normalize(newAddress))
                .getResultList().isEmpty();
        if (!taken) {
            mailbox.renamedTo(newAddress, displayName);
        }
    }

    public void grantReading(Mailbox mailbox, String userId) {
        MailboxAccess access = em.find(MailboxAccess.class, new MailboxUserKey(mailbox.id(), userId));
        if (access == null) {
            em.persist(new MailboxAccess(mailbox, userId, clock.instant()));
        } else {
            access.grantAgain(clock.instant());
        }
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Mailbox;
import com.workestra.sharedmailboxes.messages.entity.MailboxAccess;
import com.workestra.sharedmailboxes.messages.entity.MailboxUserKey;
import com.workestra.sharedmailboxes.messages.entity.MailboxKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** A workspace's mailboxes (one row per address) and who may read them, over time. */
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

    /**
     * The person's access to the mailbox ended (they disconnected it, or Exchange refused them): from now on they read
     * only what was received before. Ending it again keeps the first end.
     */
    public void endReading(UUID mailboxId, String userId) {
        em.createNativeQuery("UPDATE mailbox_access SET revoked_at = COALESCE(revoked_at, ?1) WHERE mailbox_id = ?2 AND user_id = ?3")
                .setParameter(1, OffsetDateTime.ofInstant(accessEnd(clock.instant()), ZoneOffset.UTC))
                .setParameter(2, mailboxId)
                .setParameter(3, userId)
                .executeUpdate();
    }

    /** Exchange refused the person on the mailbox of this connection (written on the caller's JDBC connection, in its transaction). */
    public static void endReadingThrough(Connection connection, UUID connectionId, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox_access a SET revoked_at = COALESCE(a.revoked_at, ?)"
                + " FROM outlook_connection c WHERE c.id = ? AND a.mailbox_id = c.mailbox_id AND a.user_id = c.user_id")) {
            statement.setTimestamp(1, Timestamp.from(accessEnd(now)));
            statement.setObject(2, connectionId);
            statement.executeUpdate();
        }
    }

    /**
     * Exchange gives receive times in whole seconds: access ends at the start of the current second, so a message that
     * arrives in the same second as the end is never shown (rather one earlier message too few than one too many).
     */
    static Instant accessEnd(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Exchange lets the person in again through this connection: they read the whole mailbox again, without a gap. */
    public static void resumeReadingThrough(Connection connection, UUID connectionId, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox_access a SET revoked_at = NULL, granted_at = ?"
                + " FROM outlook_connection c WHERE c.id = ? AND a.mailbox_id = c.mailbox_id AND a.user_id = c.user_id"
                + " AND a.revoked_at IS NOT NULL")) {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, connectionId);
            statement.executeUpdate();
        }
    }
}

package com.workestra.sharedmailboxes.mailboxes.control;

import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxAccess;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxUserKey;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
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
import java.util.UUID;

/** A workspace's mailboxes, as Exchange identifies them, and who may read them over time. */
@ApplicationScoped
public class Mailboxes {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /**
     * The workspace's row for the mailbox Exchange identifies so, at the address it has now: found by its identity (its
     * address follows a rename), else the row from before identities that carries this address (it gets the identity),
     * else a new row. A new mailbox at a reused address is thus a new row, and never sees the old one's history.
     */
    public Mailbox findOrCreate(String workspaceId, MailboxIdentity identity, String address, String displayName, MailboxKind kind) {
        Mailbox mailbox = find(workspaceId, identity);
        if (mailbox == null) {
            mailbox = em.createNamedQuery(Mailbox.UNIDENTIFIED_BY_ADDRESS, Mailbox.class)
                    .setParameter("workspaceId", workspaceId)
                    .setParameter("address", Mailbox.normalize(address))
                    .setMaxResults(1)
                    .getResultList().stream().findFirst().orElse(null);
            if (mailbox != null) {
                mailbox.identifiedAs(identity);
            }
        }
        if (mailbox == null) {
            mailbox = new Mailbox(workspaceId, identity, address, displayName, kind, clock.instant());
            em.persist(mailbox);
            return mailbox;
        }
        if (!mailbox.address().equals(Mailbox.normalize(address))) {
            mailbox.renamedTo(address, null);
        }
        mailbox.nameAs(displayName);
        return mailbox;
    }

    /**
     * The name Microsoft gave a shared mailbox just now; when it gave none (the token may not read the directory), a
     * mailbox without a name is called by its address, and a name learnt before stays.
     */
    public void named(Mailbox mailbox, String displayNameOrNull) {
        if (displayNameOrNull != null) {
            mailbox.namedByMicrosoft(displayNameOrNull, clock.instant());
        } else if (mailbox.displayName() == null) {
            mailbox.nameAs(mailbox.address());
        }
    }

    /** A personal mailbox: its user's object id is its identity, the UPN its address. */
    public Mailbox findOrCreatePersonal(String workspaceId, String oid, String upn, String displayName) {
        return findOrCreate(workspaceId, MailboxIdentity.ofUser(oid), upn, displayName, MailboxKind.PERSONAL);
    }

    public Mailbox find(String workspaceId, MailboxIdentity identity) {
        return em.createNamedQuery(Mailbox.BY_IDENTITY, Mailbox.class)
                .setParameter("workspaceId", workspaceId)
                .setParameter("identity", identity.value())
                .getResultList().stream().findFirst().orElse(null);
    }

    /**
     * A personal mailbox whose owner's UPN changed at Microsoft: same mailbox, same history, new address (another row
     * may still carry the address, as the history of an earlier mailbox there).
     */
    public void rename(Mailbox mailbox, String newAddress, String displayName) {
        mailbox.renamedTo(newAddress, displayName);
    }

    /**
     * Records the identity a sync read for a mailbox from before identities, written on the caller's JDBC connection;
     * left unknown when another row of the workspace already has it (the sync reads it again next time).
     *
     * @return whether the mailbox now has that identity
     */
    public static boolean identifyThrough(Connection connection, UUID mailboxId, MailboxIdentity identity) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox m SET exchange_identity = ?"
                + " WHERE m.id = ? AND m.exchange_identity IS NULL AND NOT EXISTS (SELECT 1 FROM mailbox o"
                + " WHERE o.workspace_id = m.workspace_id AND o.exchange_identity = ?)")) {
            statement.setString(1, identity.value());
            statement.setObject(2, mailboxId);
            statement.setString(3, identity.value());
            return statement.executeUpdate() == 1;
        }
    }

    /**
     * Claims the periodic check of a mailbox's display name, written on the caller's JDBC connection: true when it was
     * last checked before {@code checkedBefore} (or never), and records {@code now} as the check, so that of several
     * syncs (servers, people) of one mailbox only one asks Microsoft.
     */
    public static boolean claimNameCheckThrough(Connection connection, UUID mailboxId, Instant now, Instant checkedBefore) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox SET display_name_checked_at = ?"
                + " WHERE id = ? AND (display_name_checked_at IS NULL OR display_name_checked_at < ?)")) {
            statement.setTimestamp(1, java.sql.Timestamp.from(now));
            statement.setObject(2, mailboxId);
            statement.setTimestamp(3, java.sql.Timestamp.from(checkedBefore));
            return statement.executeUpdate() == 1;
        }
    }

    /**
     * The name Microsoft now gives the mailbox, written on the caller's JDBC connection.
     *
     * @return whether it changed
     */
    public static boolean nameThrough(Connection connection, UUID mailboxId, String displayName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox SET display_name = ?"
                + " WHERE id = ? AND display_name IS DISTINCT FROM ?")) {
            statement.setString(1, displayName);
            statement.setObject(2, mailboxId);
            statement.setString(3, displayName);
            return statement.executeUpdate() == 1;
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

    /** {@link #endReading}, written on the caller's JDBC connection, in its transaction (Exchange refused the person). */
    public static void endReadingThrough(Connection connection, UUID mailboxId, String userId, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox_access SET revoked_at = COALESCE(revoked_at, ?)"
                + " WHERE mailbox_id = ? AND user_id = ?")) {
            statement.setTimestamp(1, Timestamp.from(accessEnd(now)));
            statement.setObject(2, mailboxId);
            statement.setString(3, userId);
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

    /** Exchange lets the person in again: they read the whole mailbox again, without a gap (on the caller's JDBC connection). */
    public static void resumeReadingThrough(Connection connection, UUID mailboxId, String userId, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE mailbox_access SET revoked_at = NULL, granted_at = ?"
                + " WHERE mailbox_id = ? AND user_id = ? AND revoked_at IS NOT NULL")) {
            statement.setTimestamp(1, Timestamp.from(now));
            statement.setObject(2, mailboxId);
            statement.setString(3, userId);
            statement.executeUpdate();
        }
    }
}

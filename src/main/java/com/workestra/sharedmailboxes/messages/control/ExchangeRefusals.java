package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.mailboxes.control.Mailboxes;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Exchange refused a person on a mailbox while they changed or answered its mail: the row turns red with the
 * sentence and they read only what was received before, until a sync through it succeeds again. Recorded in its own
 * transaction, since the refused action's transaction rolls back.
 */
@ApplicationScoped
public class ExchangeRefusals {

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void refused(UUID connectionId) {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE outlook_connection SET error_code = ?, error_message = ?,"
                     + " error_at = COALESCE(CASE WHEN error_code = ? THEN error_at END, ?) WHERE id = ?")) {
            statement.setString(1, GraphMail.ACCESS_DENIED_CODE);
            statement.setString(2, GraphMail.ACCESS_DENIED_SENTENCE);
            statement.setString(3, GraphMail.ACCESS_DENIED_CODE);
            statement.setTimestamp(4, Timestamp.from(now));
            statement.setObject(5, connectionId);
            statement.executeUpdate();
            Mailboxes.endReadingThrough(connection, connectionId, now);
        } catch (SQLException e) {
            throw new IllegalStateException("recording Exchange's refusal failed", e);
        }
    }
}

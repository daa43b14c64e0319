package com.workestra.sharedmailboxes.database.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;

/**
 * Cluster-wide jobs (the sweeps) take turns through the database, so each runs once per interval across all servers on
 * it, whichever server's timer fires first: a turn is taken by moving the job's {@code next_at} forward, in the
 * database's time, in one statement. This is what ShedLock's JDBC provider does with its lock table ("lock at least
 * for" the interval); one statement did not seem worth a dependency and a second table layout.
 */
@ApplicationScoped
public class ClusterTurns {

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /** Who took a turn (for an operator reading the table): this host and this deployment. */
    private final String server = host() + "/" + UUID.randomUUID().toString().substring(0, 8);

    /** Whether it is this server's turn to run {@code job} now; if so, the next turn is {@code interval} away. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean take(String job, Duration interval) {
        // A little short of the interval: a timer firing a few milliseconds early on the server that ran last still runs.
        long millis = Math.max(0, interval.toMillis() - Math.min(500, interval.toMillis() / 10));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO cluster_turn (job, next_at, taken_by) VALUES (?, now() + ? * interval '1 millisecond', ?)
                     ON CONFLICT (job) DO UPDATE SET next_at = EXCLUDED.next_at, taken_by = EXCLUDED.taken_by
                      WHERE cluster_turn.next_at <= now()
                     """)) {
            statement.setString(1, job);
            statement.setLong(2, millis);
            statement.setString(3, server);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("taking a turn of " + job + " failed", e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "server";
        }
    }
}

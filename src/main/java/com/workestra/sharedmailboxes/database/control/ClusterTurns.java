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
 * it, whichever server's timer fires first: a server takes a turn when the last one was taken at least its interval ago
 * (in the database's time), in one statement. Each server judges by its own interval, so one configured with a longer
 * interval never holds back one with a shorter. This is what ShedLock's JDBC provider does with its lock table ("lock at least
 * for" the interval); one statement did not seem worth a dependency and a second table layout.
 */
@ApplicationScoped
public class ClusterTurns {

    @Resource(lookup = "jdbc/sharedMailboxes")
    DataSource dataSource;

    /** Who took a turn (for an operator reading the table): this host and this deployment. */
    private final String server = host() + "/" + UUID.randomUUID().toString().substring(0, 8);

    /** Whether it is this server's turn to run {@code job} now: the last turn was taken at least {@code interval} ago. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean take(String job, Duration interval) {
        // A little short of the interval: a timer firing a few milliseconds early on the server that ran last still runs.
        long millis = Math.max(0, interval.toMillis() - Math.min(500, interval.toMillis() / 10));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO cluster_turn (job, taken_at, taken_by) VALUES (?, now(), ?)
                     ON CONFLICT (job) DO UPDATE SET taken_at = EXCLUDED.taken_at, taken_by = EXCLUDED.taken_by
                      WHERE cluster_turn.taken_at <= now() - ? * interval '1 millisecond'
                     """)) {
            statement.setString(1, job);
            statement.setString(2, server);
            statement.setLong(3, millis);
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

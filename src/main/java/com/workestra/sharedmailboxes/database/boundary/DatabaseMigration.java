package com.workestra.sharedmailboxes.database.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Applies the Flyway migrations when the application starts. Startup beans that use the database depend on this one,
 * and HTTP requests are served only after deployment, so nothing reads the schema before it is current.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigration {

    public static final String DATA_SOURCE = "jdbc/sharedMailboxes";
    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    /** The newest migration of this WAR, known once this start applied them all; null before. */
    private volatile String newestVersion;

    @PostConstruct
    void migrate() {
        MigrateResult result = flyway().migrate();
        // The version migrate() left, or, when nothing was pending, the one it found (no second reading of the migrations).
        newestVersion = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info(() -> "database schema at version " + newestVersion + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    /**
     * True when this start applied the migrations and the database's history still holds the newest of them,
     * successfully (a database restored from an older backup would not). One query of a table of a few dozen rows on the
     * caller's connection: a readiness probe no longer lets Flyway read every migration of the WAR each time (about
     * three quarters of a probe's CPU, docs/benchmarks.md, "Boot").
     */
    public boolean isCurrent(Connection connection) throws SQLException {
        String newest = newestVersion;
        if (newest == null) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM flyway_schema_history WHERE version = ? AND success)")) {
            statement.setString(1, newest);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    private Flyway flyway() {
        return Flyway.configure(DatabaseMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
    }
}

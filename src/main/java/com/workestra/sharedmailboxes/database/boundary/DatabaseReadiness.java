package com.workestra.sharedmailboxes.database.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Ready only when PostgreSQL answers and every migration is applied. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    DatabaseMigration migration;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        try (Connection connection = dataSource.getConnection()) {
            boolean answers = connection.isValid(2);
            boolean current = answers && migration.isCurrent(connection);
            return response.status(answers && current)
                    .withData("answers", answers)
                    .withData("migrationsApplied", current)
                    .build();
        } catch (SQLException | RuntimeException e) {
            return response.down().withData("answers", false).build();
        }
    }
}

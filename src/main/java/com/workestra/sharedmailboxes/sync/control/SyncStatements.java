package com.workestra.sharedmailboxes.sync.control;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** One bookkeeping statement of sync's own tables ({@code sync_state}, {@code sync_cursor}) on a connection of its own. */
final class SyncStatements {

    private SyncStatements() {
    }

    static int update(DataSource dataSource, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("sync bookkeeping failed", e);
        }
    }
}

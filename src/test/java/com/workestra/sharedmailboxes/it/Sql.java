package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Looks at the service's database directly, the way an auditor would. */
public final class Sql {

    /** The database looked at when not the tests' shared one ({@link SeveralServersIT} runs its servers on their own). */
    private static volatile EmbeddedDatabase elsewhere;

    private Sql() {
    }

    /** Looks at {@code database} from now on, or at the tests' shared database again with {@code null}. */
    static void lookAt(EmbeddedDatabase database) {
        elsewhere = database;
    }

    public static long count(String sql, Object... parameters) {
        Object value = single(sql, parameters);
        return value == null ? 0 : ((Number) value).longValue();
    }

    public static Object single(String sql, Object... parameters) {
        List<Object> values = column(sql, parameters);
        return values.isEmpty() ? null : values.get(0);
    }

    public static List<Object> column(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<Object> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getObject(1));
            }
            return values;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public static int update(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static Connection connect() throws SQLException {
        EmbeddedDatabase database = elsewhere == null ? IntegrationEnvironment.database() : elsewhere;
        return DriverManager.getConnection(database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }
}

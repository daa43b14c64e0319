package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.control.MessageQueries;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The embedded PostgreSQL the query benchmarks generate their rows in (SearchBenchmark, ConversationsBenchmark): every
 * migration applied, settings for a bulk load, mailboxes numbered by their ids, and the message indexes dropped before
 * the load and built after it, as a restore would.
 */
final class BenchDatabase {

    private BenchDatabase() {
    }

    static EmbeddedPostgres start(Path dir) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                .setServerConfig("shared_buffers", "512MB").setServerConfig("maintenance_work_mem", "512MB")
                .setServerConfig("work_mem", "16MB").setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                .setServerConfig("max_wal_size", "4GB").setServerConfig("effective_cache_size", "4GB").start();
        Flyway.configure().dataSource("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD).locations("classpath:db/migration").load().migrate();
        return postgres;
    }

    /**
     * A member who reads {@code mailboxes} (granted in mailbox_access), queried as the service queries for them, in the
     * scope {@link MessageQueries#scope} gives: listed up to {@link MessageQueries#DEFAULT_MERGE_LIMIT} mailboxes, else by
     * their access rows.
     */
    record Reader(String name, Map<UUID, String> mailboxes, ListScope scope) {

        static Reader granted(Statement sql, String workspace, String name, String userId, Map<UUID, String> mailboxes)
                throws SQLException {
            for (UUID mailbox : mailboxes.keySet()) {
                sql.addBatch("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) VALUES ('" + mailbox + "', '"
                        + workspace + "', '" + userId + "', now())");
            }
            sql.executeBatch();
            return new Reader(name, mailboxes, MessageQueries.scope(sql.getConnection(), workspace, userId, null));
        }

        InboxQuery query(boolean unread, String q, Instant afterAt, Long afterId, int limit) {
            return new InboxQuery(scope, Set.of(Folder.INBOX, Folder.SENT), unread, q, false, afterAt, afterId, limit);
        }
    }

    /** {@code count} shared mailboxes box1@acme.test… of the workspace, id 00000000-0000-0000-0000-{i in hex}; by id. */
    static Map<UUID, String> mailboxes(Statement sql, String workspace, int count) throws SQLException {
        sql.execute("INSERT INTO mailbox (id, workspace_id, address, kind, created_at) SELECT"
                + " ('00000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, '" + workspace + "',"
                + " 'box' || i || '@acme.test', 'SHARED', now() FROM generate_series(1, " + count + ") i");
        Map<UUID, String> mailboxes = new LinkedHashMap<>();
        try (ResultSet rows = sql.executeQuery("SELECT id, address FROM mailbox ORDER BY id")) {
            while (rows.next()) {
                mailboxes.put(rows.getObject(1, UUID.class), rows.getString(2));
            }
        }
        return mailboxes;
    }

    /** Drops the message table's indexes but its key and its uniqueness; returns their definitions, to build them again. */
    static List<String> dropMessageIndexes(Statement sql) throws SQLException {
        List<String> indexes = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'message'"
                + " AND indexname NOT IN ('message_pkey', 'message_once_per_mailbox_folder')")) {
            while (rows.next()) {
                indexes.add(rows.getString(1));
            }
        }
        for (String index : indexes) {
            sql.execute("DROP INDEX " + indexName(index));
        }
        return indexes;
    }

    /**
     * Builds the dropped indexes again, each but those {@code skipped} says (printing what each took), then lets
     * PostgreSQL look at the table as autovacuum would, so that index-only scans apply.
     */
    static void buildIndexesAndAnalyze(Statement sql, List<String> indexes, Predicate<String> skipped) throws SQLException {
        for (String index : indexes) {
            if (skipped.test(index)) {
                System.out.println("not built: " + indexName(index));
                continue;
            }
            long started = System.nanoTime();
            sql.execute(index);
            System.out.printf("%s built in %.1f s%n", indexName(index), (System.nanoTime() - started) / 1e9);
        }
        sql.execute("VACUUM ANALYZE message");
    }

    static String indexName(String definition) {
        return definition.replaceFirst("(?s)CREATE (UNIQUE )?INDEX (\\S+) ON .*", "$2");
    }

    /** Removes the database's directory, leaving it behind if it cannot. */
    static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}

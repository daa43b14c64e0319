package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.messages.control.ConversationQueries;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Conversations (issue 16 §1): p95 of the conversations listing without q, the SQL that GET /api/v1/conversations runs
 * (ConversationQueries.page for limit + 1 positions, then the page's threads read whole, ConversationQueries.messages),
 * on {@code conversations.bench.messages} messages (default 1,000,000) in {@code conversations.bench.mailboxes}
 * mailboxes (default 1,000) of one workspace, for a caller who reads every mailbox (by their access rows: one scan of the
 * workspace) and one who reads ten (listed: one index range per mailbox and folder, merged), as the service serves each:
 * first page, unread first page, deep page. Target p95 ≤ 20 ms.
 * <p>
 * The rows are generated in PostgreSQL directly (this measures the query, not sync). Threads as sync numbers them: each
 * Outlook conversation of one mailbox is one thread of 2 to 6 messages (4 on average), its messages spread over about
 * a day (1,000 other messages of the workspace between two of them), the first and third received in the Inbox, the
 * replies in Sent Items; a fifth unread, at random (every mailbox alike). The change triggers are off during the load
 * (the feed's rows are not what is measured) and the search indexes (GIN, used only with q) are not built; every other
 * index of message is built after the load and the table vacuumed and analysed. Figures go to
 * target/benchmarks/conversations-query.txt with the load average; {@code -Dconversations.bench.plans=true} also prints
 * the plans of one run of each figure.
 */
class ConversationsBenchmark {

    static final int MESSAGES = Integer.getInteger("conversations.bench.messages", 1_000_000);
    static final int MAILBOXES = Integer.getInteger("conversations.bench.mailboxes", 1_000);
    static final int RUNS = Integer.getInteger("conversations.bench.runs", 100);
    static final int PAGE = 50;
    static final double TARGET_MS = 20;
    static final String WORKSPACE = "w-bench";
    static final Path OUT = Path.of("target", "benchmarks");
    static final BenchmarkFigures FIGURES = new BenchmarkFigures();

    @Test
    void conversationsStayFastOnALargeWorkspace() throws Exception {
        Path dir = Files.createTempDirectory("pg-conversations-bench");
        try (EmbeddedPostgres postgres = BenchDatabase.start(dir)) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                long started = System.nanoTime();
                Map<UUID, String> mailboxes = load(connection);
                double loadSeconds = (System.nanoTime() - started) / 1e9;
                measure(connection, mailboxes, loadSeconds);
            }
        } finally {
            BenchDatabase.deleteQuietly(dir);
        }
        FIGURES.assertAllMet();
    }

    static Map<UUID, String> load(Connection connection) throws SQLException {
        Map<UUID, String> mailboxes;
        try (Statement sql = connection.createStatement()) {
            mailboxes = BenchDatabase.mailboxes(sql, WORKSPACE, MAILBOXES);
            List<String> indexes = BenchDatabase.dropMessageIndexes(sql);
            sql.execute("ALTER TABLE message DISABLE TRIGGER message_added_changes");
            // Message g: mailbox 1 + g % MAILBOXES; lane g % 1000 of the time line; a thread is s consecutive messages of
            // one lane (s = 2 + lane % 5), the lane's next message 1,000 messages (about 11 hours) later.
            String lane = "(g % 1000)";
            String size = "(2 + " + lane + " % 5)";
            String nth = "((g / 1000) % " + size + ")";
            String thread = "((g / 1000) / " + size + " * 1000 + " + lane + ")";
            sql.execute("INSERT INTO message (mailbox_id, workspace_id, folder, graph_id, subject, from_name, from_address,"
                    + " to_recipients, received_at, is_read, has_attachments, preview, body_type, body, body_text,"
                    + " conversation_id, internet_message_id, thread_id, synced_at)"
                    + " SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(1 + g % " + MAILBOXES + "), 12, '0'))::uuid, '"
                    + WORKSPACE + "', CASE WHEN " + nth + " % 2 = 1 THEN 'SENT' ELSE 'INBOX' END, 'g' || g,"
                    + " CASE WHEN " + nth + " = 0 THEN '' ELSE 'RE: ' END || 'Order ' || " + thread + " || ' delivery question',"
                    + " 'Customer ' || (" + thread + " % 50000), 'customer' || (" + thread + " % 50000) || '@example.com',"
                    + " '[{\"name\":\"Support\",\"address\":\"box' || (1 + g % " + MAILBOXES + ") || '@acme.test\"}]',"
                    + " to_timestamp(1704067200 + g * 40), random() >= 0.2, g % 17 = 0,"
                    + " 'Hello, about order ' || " + thread + " || ': the parcel has not arrived yet, could you check the"
                    + " tracking number and tell me when it will be delivered? Thanks', 'html',"
                    + " '<html><body><p>Hello,</p><p>about order ' || " + thread + " || ': the parcel has not arrived yet, could"
                    + " you check the tracking number and tell me when it will be delivered?</p><p>' || repeat('Kind regards, ', 20)"
                    + " || '</p></body></html>',"
                    + " 'Hello, about order ' || " + thread + " || ': the parcel has not arrived yet, could you check the"
                    + " tracking number and tell me when it will be delivered? Kind regards',"
                    + " 'conv-' || " + thread + ", '<m' || g || '@example.com>', " + thread + " + 1, now()"
                    + " FROM generate_series(0::bigint, " + (MESSAGES - 1) + ") g");
            sql.execute("ALTER TABLE message ENABLE TRIGGER message_added_changes");
            // The search indexes serve q only, which this benchmark does not measure.
            BenchDatabase.buildIndexesAndAnalyze(sql, indexes, index -> index.contains("USING gin"));
        }
        return mailboxes;
    }

    static void measure(Connection connection, Map<UUID, String> all, double loadSeconds) throws Exception {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Conversations, %,d messages in %,d mailboxes, threads of 2 to 6 messages (generated in PostgreSQL in %.0f s,"
                        + " indexes included), page of %d, %d runs each after 10 warm-up runs; each run: page of positions,"
                        + " then the page's threads read whole%n", MESSAGES, MAILBOXES, loadSeconds, PAGE, RUNS));
        try (Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT count(DISTINCT thread_id), count(*) FILTER (WHERE NOT is_read) FROM message")) {
            rows.next();
            text.append(String.format(Locale.ROOT, "  %,d conversations, %,d unread messages%n", rows.getLong(1), rows.getLong(2)));
        }
        Map<UUID, String> ten = new LinkedHashMap<>();
        all.entrySet().stream().limit(10).forEach(entry -> ten.put(entry.getKey(), entry.getValue()));
        List<BenchDatabase.Reader> readers;
        try (Statement sql = connection.createStatement()) {
            readers = List.of(BenchDatabase.Reader.granted(sql, WORKSPACE, String.format(Locale.ROOT, "%,d mailboxes", MAILBOXES),
                    "u-all", all), BenchDatabase.Reader.granted(sql, WORKSPACE, "10 mailboxes", "u-ten", ten));
            sql.execute("ANALYZE mailbox_access");
        }
        for (BenchDatabase.Reader reader : readers) {
            // Deep page: 8,000 conversations in (160 pages) across all mailboxes, as MailFlowsBenchmark's inbox; at most
            // halfway through the caller's conversations.
            long conversations = MESSAGES / 4L * reader.mailboxes().size() / MAILBOXES;
            int pages = (int) Math.max(1, Math.min(160, conversations / PAGE / 2));
            ConversationQueries.Position deep = deepPosition(connection, reader, pages);
            text.append(time(connection, "conversations, " + reader.name() + ", first page", query(reader, false, null), reader));
            text.append(time(connection, "conversations, " + reader.name() + ", unread, first page", query(reader, true, null), reader));
            text.append(time(connection, "conversations, " + reader.name() + ", deep page (" + (pages * PAGE) + " conversations in)",
                    query(reader, false, deep), reader));
        }
        text.append(writeCost(connection));
        text.append(FIGURES.report());
        write(text.toString());
    }

    /**
     * What the unread indexes (V22) cost, as a reference: their size, and the time to mark 20,000 unread messages read
     * and unread again and to store 20,000 unread messages, with them and after dropping them (one run each, so rough).
     */
    static String writeCost(Connection connection) throws SQLException {
        List<String> unread = List.of("message_unread_newest_first", "message_unread_newest_first_in_workspace");
        StringBuilder text = new StringBuilder();
        try (Statement sql = connection.createStatement()) {
            Map<String, String> definitions = new LinkedHashMap<>();
            for (String index : unread) {
                try (ResultSet rows = sql.executeQuery("SELECT indexdef, pg_relation_size(indexname::regclass),"
                        + " pg_relation_size('message_newest_first') FROM pg_indexes WHERE indexname = '" + index + "'")) {
                    if (!rows.next()) {
                        return "  unread indexes: none (before V22)\n";
                    }
                    definitions.put(index, rows.getString(1));
                    text.append(String.format(Locale.ROOT, "  %s: %,.1f MB (message_newest_first: %,.1f MB)%n", index,
                            rows.getLong(2) / 1e6, rows.getLong(3) / 1e6));
                }
            }
            String with = writes(sql);
            for (String index : unread) {
                sql.execute("DROP INDEX " + index);
            }
            String without = writes(sql);
            for (String definition : definitions.values()) {
                sql.execute(definition);
            }
            text.append("  writes with the unread indexes: ").append(with).append("\n  writes without them:        ")
                    .append(without).append("\n");
        }
        return text.toString();
    }

    private static String writes(Statement sql) throws SQLException {
        sql.execute("VACUUM message");
        // The feed's triggers are off: this compares the indexes' cost, not the change rows'.
        sql.execute("ALTER TABLE message DISABLE TRIGGER message_updated_changes");
        sql.execute("ALTER TABLE message DISABLE TRIGGER message_added_changes");
        long started = System.nanoTime();
        sql.execute("UPDATE message SET is_read = true WHERE id IN (SELECT id FROM message WHERE NOT is_read AND id % 10 = 3"
                + " LIMIT 20000)");
        long read = System.nanoTime();
        sql.execute("UPDATE message SET is_read = false WHERE id IN (SELECT id FROM message WHERE is_read AND id % 10 = 3"
                + " LIMIT 20000)");
        long unread = System.nanoTime();
        sql.execute("INSERT INTO message (mailbox_id, workspace_id, folder, graph_id, subject, from_name, from_address,"
                + " to_recipients, received_at, is_read, has_attachments, preview, body_type, body, body_text, conversation_id,"
                + " internet_message_id, thread_id, synced_at) SELECT mailbox_id, workspace_id, folder, graph_id || '-w',"
                + " subject, from_name, from_address, to_recipients, received_at, false, has_attachments, preview, body_type,"
                + " body, body_text, conversation_id, internet_message_id, thread_id, synced_at FROM message WHERE id % 50 = 7"
                + " LIMIT 20000");
        long stored = System.nanoTime();
        sql.execute("DELETE FROM message WHERE graph_id LIKE '%-w'");
        sql.execute("ALTER TABLE message ENABLE TRIGGER message_added_changes");
        sql.execute("ALTER TABLE message ENABLE TRIGGER message_updated_changes");
        return String.format(Locale.ROOT, "20,000 marked read %.0f ms, 20,000 marked unread %.0f ms, 20,000 unread stored %.0f ms",
                (read - started) / 1e6, (unread - read) / 1e6, (stored - unread) / 1e6);
    }

    static InboxQuery query(BenchDatabase.Reader reader, boolean unread, ConversationQueries.Position after) {
        return reader.query(unread, null, after == null ? null : after.receivedAt(), after == null ? null : after.messageId(),
                PAGE + 1);
    }

    static ConversationQueries.Position deepPosition(Connection connection, BenchDatabase.Reader reader, int pages) throws SQLException {
        ConversationQueries.Position last = null;
        for (int i = 0; i < pages; i++) {
            List<ConversationQueries.Position> page = ConversationQueries.page(connection, reader.query(false, null,
                    last == null ? null : last.receivedAt(), last == null ? null : last.messageId(), PAGE));
            if (page.isEmpty()) {
                break;
            }
            last = page.get(page.size() - 1);
        }
        return last;
    }

    static String time(Connection connection, String name, InboxQuery query, BenchDatabase.Reader reader) throws Exception {
        // ConversationQueries.messages(Connection, …) is package-private: called as Conversations.list calls it.
        Method messages = ConversationQueries.class.getDeclaredMethod("messages", Connection.class, String.class, String.class,
                Collection.class);
        messages.setAccessible(true);
        long[] micros = new long[RUNS];
        long[] pageMicros = new long[RUNS];
        int rows = 0;
        int read = 0;
        if (Boolean.getBoolean("conversations.bench.plans")) {
            // Each statement's plan of one run, with timings and buffers (auto_explain, as SearchBenchmark does).
            try (Statement sql = connection.createStatement()) {
                sql.execute("LOAD 'auto_explain'");
                sql.execute("SET auto_explain.log_analyze = on");
                sql.execute("SET auto_explain.log_buffers = on");
                sql.execute("SET auto_explain.log_level = notice");
                sql.execute("SET auto_explain.log_min_duration = 0");
                Connection noticed = SearchBenchmark.printingNotices(connection, "plan of " + name);
                List<Long> threads = ConversationQueries.page(noticed, query).stream().limit(PAGE)
                        .map(ConversationQueries.Position::threadId).toList();
                messages.invoke(null, noticed, WORKSPACE, reader.scope().readerId(), threads);
                sql.execute("SET auto_explain.log_min_duration = -1");
            }
        }
        for (int i = -10; i < RUNS; i++) {
            long started = System.nanoTime();
            List<ConversationQueries.Position> positions = ConversationQueries.page(connection, query);
            long paged = System.nanoTime();
            List<Long> threads = positions.stream().limit(PAGE).map(ConversationQueries.Position::threadId).toList();
            Map<?, ?> byThread = (Map<?, ?>) messages.invoke(null, connection, WORKSPACE, reader.scope().readerId(), threads);
            if (i >= 0) {
                micros[i] = (System.nanoTime() - started) / 1000;
                pageMicros[i] = (paged - started) / 1000;
            }
            rows = threads.size();
            read = byThread.values().stream().mapToInt(list -> ((List<?>) list).size()).sum();
        }
        Arrays.sort(micros);
        Arrays.sort(pageMicros);
        double p95 = micros[(int) Math.ceil(RUNS * 0.95) - 1] / 1e3;
        FIGURES.atMost(name + ", p95", p95, TARGET_MS, " ms");
        return String.format(Locale.ROOT, "  %-62s %2d conversations (%3d messages)  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms"
                        + "  (positions alone: p50 %5.1f, p95 %5.1f ms)%n", name, rows, read, micros[RUNS / 2] / 1e3, p95,
                micros[RUNS - 1] / 1e3, pageMicros[RUNS / 2] / 1e3, pageMicros[(int) Math.ceil(RUNS * 0.95) - 1] / 1e3);
    }

    static void write(String text) {
        try {
            Files.createDirectories(OUT);
            String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + load + ")\n";
            Files.writeString(OUT.resolve("conversations-query.txt"), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.messages.control.ConversationQueries;
import com.workestra.sharedmailboxes.messages.control.MessageQueries;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Search (issue 17 §4): p95 of the q filter's page query, the SQL that GET /api/v1/messages and /conversations run
 * (MessageQueries.page, ConversationQueries.page), on {@code search.bench.messages} messages (default 1,000,000) in
 * {@code search.bench.mailboxes} mailboxes (default 1,000) of one workspace, for a rare term (one message of the workspace
 * has it, in its body) and a common one (in about a fifth of the bodies), first page and a deep page, for a caller who
 * reads every mailbox (by their access rows: one scan of the workspace) and one who reads ten (listed: one index range
 * per mailbox, merged), as the service serves each; the
 * conversations' deep page starts at the same position as the messages' (each generated message is its own thread). Target
 * p95 ≤ 50 ms each. Heap and index sizes are printed. The rows are generated in PostgreSQL directly (this measures the
 * query, not sync; sync's plain-text body is stood in for by the generated text): HTML bodies of four paragraphs of
 * about forty words each, drawn from 5,000 paragraphs made of 400 English words and 20,000 rarer made-up ones, with a
 * skewed (Zipf-like) choice. Figures go to target/benchmarks/search-query.txt with the load average.
 */
class SearchBenchmark {

    static final int MESSAGES = Integer.getInteger("search.bench.messages", 1_000_000);
    static final int MAILBOXES = Integer.getInteger("search.bench.mailboxes", 1_000);
    static final int PAGE = 50;
    static final int RUNS = Integer.getInteger("search.bench.runs", 100);
    static final double TARGET_MS = 50;
    static final String WORKSPACE = "w-bench";
    static final String RARE = "zanzibarquux";
    static final String COMMON = "invoice";
    static final Path OUT = Path.of("target", "benchmarks");
    static final BenchmarkFigures FIGURES = new BenchmarkFigures();

    static final String WORDS = "the of and to in is you that it he was for on are as with his they at be this have from or"
            + " one had by word but not what all were we when your can said there use an each which she do how their if will up"
            + " other about out many then them these so some her would make like him into time has look two more write go see"
            + " number no way could people my than first water been call who oil its now find long down day did get come made"
            + " may part order delivery please thanks regards team support customer account payment refund shipping address"
            + " question problem issue help request update status ticket reply meeting tomorrow today week month report"
            + " attached document contract price quote offer product service login password error screen phone email office"
            + " manager sales billing receipt tax amount total due date schedule call back soon best kind dear hello hi team"
            + " project plan review approve change cancel confirm booking room travel flight hotel expense budget forecast"
            + " quarter annual meeting notes agenda minutes feedback survey result data file folder share access permission"
            + " laptop printer network server backup restore install upgrade version release bug fix test deploy production"
            + " customer client partner vendor supplier warehouse stock item quantity package tracking courier return damaged"
            + " broken missing wrong late early urgent important priority follow reminder deadline extension holiday leave";

    @Test
    void searchStaysFastOnALargeWorkspace() throws Exception {
        Path dir = Files.createTempDirectory("pg-search-bench");
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
            // The indexes are built after the load, as a restore would (not what is measured).
            List<String> indexes = BenchDatabase.dropMessageIndexes(sql);
            String words = "ARRAY['" + String.join("','", WORDS.split(" ")) + "']";
            sql.execute("CREATE TEMP TABLE vocabulary AS SELECT w, row_number() OVER () AS rank FROM (SELECT unnest(" + words
                    + ") AS w UNION ALL SELECT 'q' || substr(md5(i::text), 1, 3 + i % 5) FROM generate_series(1, 20000) i) v");
            long vocabulary;
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM vocabulary")) {
                rows.next();
                vocabulary = rows.getLong(1);
            }
            // Forty words a paragraph, word k of paragraph p drawn with a skew towards the common words (rank 1 first).
            sql.execute("CREATE TEMP TABLE paragraph AS SELECT x.p, (CASE WHEN x.p % 20 = 0 THEN 'your " + COMMON + " for '"
                    + " ELSE '' END) || string_agg(v.w, ' ' ORDER BY x.k) AS text FROM (SELECT p, k,"
                    + " 1 + floor(power(random(), 3) * " + vocabulary + ")::int AS r FROM generate_series(0, 4999) p,"
                    + " generate_series(1, 40) k) x JOIN vocabulary v ON v.rank = x.r GROUP BY x.p");
            // In the first mailbox (1 + g % MAILBOXES = 1), a third of the way into the time line.
            long rare = (long) MAILBOXES * (MESSAGES / MAILBOXES / 3);
            sql.execute("INSERT INTO message (mailbox_id, workspace_id, folder, graph_id, subject, from_name, from_address,"
                    + " to_recipients, received_at, is_read, preview, body_type, body, body_text, synced_at)"
                    + " SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(1 + g % " + MAILBOXES + "), 12, '0'))::uuid, '"
                    + WORKSPACE + "', CASE WHEN g % 5 = 0 THEN 'SENT' ELSE 'INBOX' END, 'g' || g,"
                    + " 'Order ' || g || ' ' || split_part(p1.text, ' ', 3) || ' ' || split_part(p2.text, ' ', 5),"
                    + " 'Customer ' || (g % 50000), 'customer' || (g % 50000) || '@example' || (g % 300) || '.com',"
                    + " '[{\"name\":\"Support\",\"address\":\"box' || (1 + g % " + MAILBOXES + ") || '@acme.test\"}]',"
                    + " to_timestamp(1704067200 + g * 40), g % 3 = 0, left(p1.text, 120), 'html',"
                    + " '<html><body><p>' || p1.text || '</p><p>' || p2.text || '</p><p>' || p3.text || '</p><p>' || p4.text"
                    + " || (CASE WHEN g = " + rare + " THEN ' ' || '" + RARE + "' ELSE '' END) || '</p></body></html>',"
                    + " p1.text || ' ' || p2.text || ' ' || p3.text || ' ' || p4.text"
                    + " || (CASE WHEN g = " + rare + " THEN ' ' || '" + RARE + "' ELSE '' END), now()"
                    + " FROM generate_series(1::bigint, " + MESSAGES + ") g"
                    + " JOIN paragraph p1 ON p1.p = (g * 7919) % 5000 JOIN paragraph p2 ON p2.p = (g * 104729 + 1) % 5000"
                    + " JOIN paragraph p3 ON p3.p = (g * 1299709 + 2) % 5000 JOIN paragraph p4 ON p4.p = (g * 15485863 + 3) % 5000");
            BenchDatabase.buildIndexesAndAnalyze(sql, indexes, index -> false);
        }
        return mailboxes;
    }

    static void measure(Connection connection, Map<UUID, String> all, double loadSeconds) throws SQLException {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Search, %,d messages in %,d mailboxes (generated in PostgreSQL in %.0f s, indexes included), page of %d,"
                        + " %d runs each after 10 warm-up runs%n", MESSAGES, MAILBOXES, loadSeconds, PAGE, RUNS));
        long matches = count(connection, COMMON);
        text.append(String.format(Locale.ROOT, "  '%s' matches %,d messages (%.0f %%), '%s' matches %,d%n", COMMON, matches,
                100.0 * matches / MESSAGES, RARE, count(connection, RARE)));
        Map<UUID, String> ten = new LinkedHashMap<>();
        // The first ten mailboxes by id (the first holds the rare term), not by address: the collation orders box10 before box1.
        all.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(10).forEach(entry -> ten.put(entry.getKey(), entry.getValue()));
        List<BenchDatabase.Reader> readers;
        try (Statement sql = connection.createStatement()) {
            readers = List.of(BenchDatabase.Reader.granted(sql, WORKSPACE, MAILBOXES + " mailboxes", "u-all", all),
                    BenchDatabase.Reader.granted(sql, WORKSPACE, "10 mailboxes", "u-ten", ten));
            sql.execute("ANALYZE mailbox_access");
        }
        for (BenchDatabase.Reader caller : readers) {
            // Deep page: the position halfway through the common term's matches (at most 20 pages in); for the rare term,
            // the middle of the time line.
            long callerMatches = matches * caller.mailboxes().size() / MAILBOXES;
            StoredMessage deep = deepPosition(connection, caller, COMMON, (int) Math.max(1, Math.min(20, callerMatches / PAGE / 2)));
            Instant middle = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(40L * MESSAGES / 2);
            for (String term : List.of(RARE, COMMON)) {
                text.append(time(connection, "messages, " + caller.name() + ", q=" + label(term) + ", first page",
                        query(caller, term, null, null), false));
                text.append(time(connection, "messages, " + caller.name() + ", q=" + label(term) + ", deep page",
                        term.equals(RARE) ? query(caller, term, middle, Long.MAX_VALUE)
                                : query(caller, term, deep.receivedAt(), deep.id()), false));
                text.append(time(connection, "conversations, " + caller.name() + ", q=" + label(term) + ", first page",
                        query(caller, term, null, null), true));
                text.append(time(connection, "conversations, " + caller.name() + ", q=" + label(term) + ", deep page",
                        term.equals(RARE) ? query(caller, term, middle, Long.MAX_VALUE)
                                : query(caller, term, deep.receivedAt(), deep.id()), true));
            }
        }
        try (Statement sql = connection.createStatement();
             ResultSet sizes = sql.executeQuery("SELECT pg_table_size('message'), pg_indexes_size('message'),"
                     + " pg_relation_size('message_search_words'), pg_relation_size('message_search_fields'),"
                     + " (SELECT sum(pg_column_size(search_vector)) FROM message), (SELECT sum(pg_column_size(search_fields))"
                     + " FROM message), (SELECT sum(pg_column_size(body_text)) FROM message)")) {
            sizes.next();
            String[] names = {"message table (heap and TOAST)", "all indexes of message", "index message_search_words (GIN, tsvector)",
                    "index message_search_fields (GIN, trigrams)", "search_vector column, in the table",
                    "search_fields column, in the table", "body_text column, in the table"};
            for (int i = 0; i < names.length; i++) {
                double mb = sizes.getLong(i + 1) / 1048576.0;
                FIGURES.reference(names[i], mb, " MB");
            }
        }
        text.append(FIGURES.report());
        write(text.toString());
    }

    static String label(String term) {
        return term.equals(RARE) ? "rare term" : "common term";
    }

    static long count(Connection connection, String term) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM message m WHERE true"
                + " AND (m.search_vector @@ plainto_tsquery('english', ?) OR m.search_fields ILIKE ?)")) {
            statement.setString(1, term);
            statement.setString(2, "%" + term + "%");
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static InboxQuery query(BenchDatabase.Reader caller, String term, Instant afterAt, Long afterId) {
        return caller.query(false, term, afterAt, afterId, PAGE + 1);
    }

    static StoredMessage deepPosition(Connection connection, BenchDatabase.Reader caller, String term, int pages)
            throws SQLException {
        StoredMessage last = null;
        for (int i = 0; i < pages; i++) {
            List<StoredMessage> page = MessageQueries.page(connection, caller.query(false, term,
                    last == null ? null : last.receivedAt(), last == null ? null : last.id(), PAGE));
            if (page.isEmpty()) {
                break;
            }
            last = page.get(page.size() - 1);
        }
        return last;
    }

    static String time(Connection connection, String name, InboxQuery query, boolean conversations)
            throws SQLException {
        long[] micros = new long[RUNS];
        int rows = 0;
        if (Boolean.getBoolean("search.bench.plans")) {
            // The plan of one run, with timings and buffers: auto_explain sends it to this session as a notice.
            try (Statement sql = connection.createStatement()) {
                sql.execute("LOAD 'auto_explain'");
                sql.execute("SET auto_explain.log_analyze = on");
                sql.execute("SET auto_explain.log_buffers = on");
                sql.execute("SET auto_explain.log_level = notice");
                sql.execute("SET auto_explain.log_min_duration = 0");
                Connection noticed = printingNotices(connection, "plan of " + name);
                if (conversations) {
                    ConversationQueries.page(noticed, query);
                } else {
                    MessageQueries.page(noticed, query);
                }
                sql.execute("SET auto_explain.log_min_duration = -1");
            }
        }
        for (int i = -10; i < RUNS; i++) {
            long started = System.nanoTime();
            rows = conversations ? ConversationQueries.page(connection, query).size() : MessageQueries.page(connection, query).size();
            if (i >= 0) {
                micros[i] = (System.nanoTime() - started) / 1000;
            }
        }
        Arrays.sort(micros);
        double p95 = micros[(int) Math.ceil(RUNS * 0.95) - 1] / 1e3;
        FIGURES.atMost(name + ", p95", p95, TARGET_MS, " ms");
        return String.format(Locale.ROOT, "  %-70s %3d rows  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms%n", name, rows,
                micros[RUNS / 2] / 1e3, p95, micros[RUNS - 1] / 1e3);
    }

    /** The connection, whose statements print PostgreSQL's notices (auto_explain's plans) when they close. */
    static Connection printingNotices(Connection connection, String title) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, connection, args);
                    if (!(result instanceof PreparedStatement statement)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                            (p, m, a) -> {
                                if (m.getName().equals("close")) {
                                    for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                                        System.out.println(title + ":\n" + w.getMessage());
                                    }
                                }
                                return invoke(m, statement, a);
                            });
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void write(String text) {
        try {
            Files.createDirectories(OUT);
            String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + load + ")\n";
            Files.writeString(OUT.resolve("search-query.txt"), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

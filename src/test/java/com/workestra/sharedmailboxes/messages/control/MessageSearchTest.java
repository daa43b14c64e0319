package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The q filter (SearchClause) against a real PostgreSQL with the V19 indexes: words of the body and the subject, parts of
 * names and addresses of sender and recipients, % and _ literal, keyset pages over the matches, for the inbox and the
 * conversations, through both query shapes (listed mailboxes, each through its own index range; and by the reader's
 * access rows, one scan of the workspace).
 */
class MessageSearchTest {

    static final String WORKSPACE = "w-search";
    /** Reads both mailboxes, by their access rows (as a reader of more than a page merges is served). */
    static final String READER = "u-search";
    static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
    static StoreDatabase database;
    static UUID support;
    static UUID sales;
    static Map<UUID, String> mailboxes = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws SQLException {
        database = StoreDatabase.start("search");
        support = database.mailbox(WORKSPACE, "support@acme.test");
        sales = database.mailbox(WORKSPACE, "sales@acme.test");
        mailboxes.put(support, "support@acme.test");
        mailboxes.put(sales, "sales@acme.test");
        database.grant(support, WORKSPACE, READER);
        database.grant(sales, WORKSPACE, READER);
        List<MessageChange> page = new ArrayList<>();
        // A large-ish mailbox: 400 ordinary messages with HTML bodies, 30 of them about an invoice.
        for (int i = 0; i < 400; i++) {
            String body = "<html><head><style>.x{color:red} stylewordonly</style></head><body><p>Hello,</p><p>"
                    + (i % 13 == 0 ? "please find the invoice for order " + i : "a question about delivery " + i)
                    + "&nbsp;&amp; kind regards</p></body></html>";
            page.add(mail("m" + i, "Order " + i, new Recipient("Customer " + i, "customer" + i + "@example.com"),
                    List.of(new Recipient("Support", "support@acme.test")), List.of(), i, "html", body));
        }
        page.add(mail("rare", "Question", new Recipient("Dana Lee", "dana@example.com"), List.of(new Recipient("Support",
                "support@acme.test")), List.of(), 200, "html", "<div>Our reference is <b>Zanzibarquux</b>.</div>"));
        page.add(mail("partner", "Meeting", new Recipient("Pat Partner", "pat@acme-partner.example"),
                List.of(new Recipient("Support", "support@acme.test")),
                List.of(new Recipient("Legal Team", "legal-escalations@lawfirm.example")), 401, "text", "See you then."));
        page.add(mail("percent", "50% off everything", new Recipient("Shop", "shop@example.com"), List.of(), List.of(), 402,
                "text", "sale"));
        page.add(mail("fifty", "500 offers", new Recipient("Shop", "shop@example.com"), List.of(), List.of(), 403, "text",
                "sale"));
        page.add(mail("underscore", "ticket a_b", new Recipient("Shop", "shop@example.com"), List.of(), List.of(), 404, "text",
                "x"));
        page.add(mail("nounderscore", "ticket axb", new Recipient("Shop", "shop@example.com"), List.of(), List.of(), 405, "text",
                "x"));
        try (Connection connection = database.connect()) {
            new MessageStore().apply(connection, support, Folder.INBOX, page, Instant.now(), null);
            new MessageStore().apply(connection, sales, Folder.INBOX, List.of(mail("sales-invoice", "Invoices overdue",
                    new Recipient("Acme Billing", "billing@example.com"), List.of(), List.of(), 500, "text", "two invoices")),
                    Instant.now(), null);
        }
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    static MessageChange mail(String graphId, String subject, Recipient from, List<Recipient> to, List<Recipient> cc, int minute,
                              String bodyType, String body) {
        return new MessageChange(graphId, false, "<" + graphId + "@example.com>", "c-" + graphId, subject, from, null, to, cc,
                T0.plus(minute, ChronoUnit.MINUTES), false, false, "preview", bodyType, body, "ck", null);
    }

    static InboxQuery query(String q, Instant afterAt, Long afterId, int limit) {
        return query(false, q, afterAt, afterId, limit);
    }

    /** Listed mailboxes (each through its own index range), or {@code byReader}: one scan of the workspace. */
    static InboxQuery query(boolean byReader, String q, Instant afterAt, Long afterId, int limit) {
        Set<Folder> folders = Set.of(Folder.INBOX, Folder.SENT);
        ListScope scope = byReader ? new ListScope(WORKSPACE, READER, Map.of(), Map.of(), true)
                : new ListScope(WORKSPACE, READER, mailboxes, Map.of(), false);
        return new InboxQuery(scope, folders, false, q, false, afterAt, afterId, limit);
    }

    /** How a search reads: listed mailboxes or by the reader's access rows, and how many newest messages it looks at first. */
    record Plan(boolean byReader, int window) {
    }

    /**
     * The graph ids found for q, through the per-mailbox plan and through the workspace scan, each looking among the
     * newest messages first (the default window: the page fills there or the matches are read) and straight through the
     * matches (a window of one message): the same answer every way.
     */
    static List<String> found(String q) throws SQLException {
        try (Connection connection = database.connect()) {
            List<String> perMailbox = MessageQueries.page(connection, query(q, null, null, 100),
                    MessageQueries.SEARCH_WINDOW).stream().map(StoredMessage::graphId).toList();
            for (boolean byReader : new boolean[]{false, true}) {
                for (int window : new int[]{MessageQueries.SEARCH_WINDOW, 1}) {
                    List<String> other = MessageQueries.page(connection, query(byReader, q, null, null, 100), window)
                            .stream().map(StoredMessage::graphId).toList();
                    assertEquals(perMailbox, other, "every plan answers " + q + " alike (by reader " + byReader
                            + ", window " + window + ")");
                }
            }
            return perMailbox;
        }
    }

    @Test
    void aRareWordOfAnHtmlBodyIsFoundInALargeMailbox() throws SQLException {
        assertEquals(List.of("rare"), found("zanzibarquux"));
        assertEquals(List.of("rare"), found("ZanzibarQuux"));
    }

    @Test
    void bodyWordsAreLanguageAwareAndMarkupIsNotText() throws SQLException {
        List<String> invoices = found("invoices");
        assertEquals(32, invoices.size(), "31 bodies mention an invoice, and the sales subject");
        assertEquals("sales-invoice", invoices.get(0), "newest first");
        assertEquals(List.of(), found("stylewordonly"), "a style block is not text");
        assertEquals(List.of(), found("nbsp"), "entities are decoded");
    }

    @Test
    void partsOfTheSendersAndTheRecipientsNamesAndAddressesMatch() throws SQLException {
        assertEquals(List.of("partner"), found("acme-partner"));
        assertEquals(List.of("partner"), found("Pat Part"));
        assertEquals(List.of("partner"), found("legal-escalations@lawfirm"));
        assertEquals(List.of("partner"), found("Legal Team"));
        assertEquals(List.of("m7"), found("customer7@"));
        assertEquals(List.of(), found("address"), "the recipients' JSON keys are not searched");
    }

    @Test
    void percentAndUnderscoreAreLiteral() throws SQLException {
        List<String> fifty = found("50%");
        assertTrue(fifty.contains("percent"), "the literal text");
        assertTrue(!fifty.contains("fifty"), "% is no wildcard: 500 offers does not contain 50%");
        assertEquals(List.of("underscore"), found("a_b"));
        assertEquals(List.of("percent"), found("%"), "only the subject with a percent sign, not every message");
    }

    @Test
    void searchResultsArePagedByTheKeysetWithoutGapsOrRepeats() throws SQLException {
        List<String> all = found("invoice");
        // A window of 50 newest messages fills the first pages of 7 and not the later ones (30 of 400 mention an invoice).
        for (Plan plan : List.of(new Plan(false, MessageQueries.SEARCH_WINDOW), new Plan(true, MessageQueries.SEARCH_WINDOW),
                new Plan(false, 50), new Plan(true, 50))) {
            List<String> walked = new ArrayList<>();
            Instant afterAt = null;
            Long afterId = null;
            try (Connection connection = database.connect()) {
                while (true) {
                    List<StoredMessage> page = MessageQueries.page(connection, query(plan.byReader(), "invoice", afterAt, afterId, 7),
                            plan.window());
                    page.forEach(message -> walked.add(message.graphId()));
                    if (page.size() < 7) {
                        break;
                    }
                    afterAt = page.get(6).receivedAt();
                    afterId = page.get(6).id();
                }
            }
            assertEquals(all, walked);
        }
    }

    @Test
    void conversationsAreFoundByTheSameClause() throws SQLException {
        List<Long> newestFirst = null;
        // As the inbox: listed and by reader, the newest messages first (a window of 50 fills the first pages of 5 and not
        // the later ones) and straight through the matches (a window of one message).
        for (Plan plan : List.of(new Plan(false, MessageQueries.SEARCH_WINDOW), new Plan(true, MessageQueries.SEARCH_WINDOW),
                new Plan(false, 50), new Plan(true, 1))) {
            try (Connection connection = database.connect()) {
                List<ConversationQueries.Position> rare = ConversationQueries.page(connection,
                        query(plan.byReader(), "zanzibarquux", null, null, 10), plan.window());
                assertEquals(1, rare.size());
                List<Long> threads = new ArrayList<>();
                Instant afterAt = null;
                Long afterId = null;
                int pages = 0;
                while (true) {
                    List<ConversationQueries.Position> page = ConversationQueries.page(connection,
                            query(plan.byReader(), "invoice", afterAt, afterId, 5), plan.window());
                    page.forEach(position -> assertTrue(!threads.contains(position.threadId()), "listed once"));
                    page.forEach(position -> threads.add(position.threadId()));
                    pages++;
                    if (page.size() < 5) {
                        break;
                    }
                    afterAt = page.get(4).receivedAt();
                    afterId = page.get(4).messageId();
                }
                assertEquals(32, threads.size());
                assertEquals(7, pages);
                if (newestFirst == null) {
                    newestFirst = threads;
                }
                assertEquals(newestFirst, threads, "every plan lists the same conversations in the same order");
            }
        }
    }

    @Test
    void messagesStoredBeforeTheMigrationAreSearchableByTheirBodyText() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (EmbeddedDatabase old = EmbeddedDatabase.start(port, Files.createTempDirectory("pg-search-old"), false)) {
            // Up to the newest version before V19, whichever that is.
            String before = java.util.Arrays.stream(Flyway.configure().locations("classpath:db/migration")
                            .dataSource(old.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD).load().info().all())
                    .map(migration -> migration.getVersion())
                    .filter(version -> version.compareTo(org.flywaydb.core.api.MigrationVersion.fromVersion("19")) < 0)
                    .max(java.util.Comparator.naturalOrder()).orElseThrow().getVersion();
            Flyway.configure().dataSource(old.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)
                    .locations("classpath:db/migration").target(before).load().migrate();
            try (Connection connection = DriverManager.getConnection(old.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO mailbox (id, workspace_id, address, kind, created_at) VALUES"
                        + " ('00000000-0000-0000-0000-000000000001', 'w', 'old@acme.test', 'SHARED', now())");
                statement.execute("INSERT INTO message (mailbox_id, workspace_id, folder, graph_id, subject, received_at, body_type,"
                        + " body, synced_at) VALUES ('00000000-0000-0000-0000-000000000001', 'w', 'INBOX', 'g1', 'old', now(),"
                        + " 'html', '<style>p{hiddenword:1}</style><p>Fish&nbsp;&amp;&nbsp;chips, the Quarterly report</p>', now())");
            }
            Flyway.configure().dataSource(old.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)
                    .locations("classpath:db/migration").load().migrate();
            try (Connection connection = DriverManager.getConnection(old.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)) {
                Map<UUID, String> old1 = Map.of(UUID.fromString("00000000-0000-0000-0000-000000000001"), "old@acme.test");
                InboxQuery quarterly = new InboxQuery(new ListScope("w", "u", old1, Map.of(), false), Set.of(Folder.INBOX, Folder.SENT),
                        false, "quarterly reports", false, null, null, 10);
                assertEquals(1, MessageQueries.page(connection, quarterly).size());
                try (PreparedStatement text = connection.prepareStatement("SELECT body_text FROM message")) {
                    var rows = text.executeQuery();
                    rows.next();
                    assertEquals("Fish & chips, the Quarterly report", rows.getString(1).strip());
                }
            }
        }
    }

    @Test
    void theIndexedBodyTextIsWhatAReaderSeesAndBounded() {
        assertEquals("Hello & welcome", BodyText.of("html", "<html><head><script>var x</script></head><body><p>Hello &amp;"
                + " <b>welcome</b></p></body></html>"));
        assertEquals("two lines", BodyText.of("text", "two\r\n  lines\n"));
        assertEquals(BodyText.MAX_LENGTH, BodyText.of("text", "word ".repeat(20_000)).length());
        assertEquals(null, BodyText.of("html", null));
    }
}

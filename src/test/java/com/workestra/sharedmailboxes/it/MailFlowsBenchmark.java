package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.m365emulator.EmulatorTestClients;
import com.workestra.sharedmailboxes.m365emulator.SubscriptionView;
import com.workestra.sharedmailboxes.messages.control.MessageStore;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.sync.control.DeltaReader;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The performance figures of issue 6, measured against the deployed WAR, the emulator and PostgreSQL, written to
 * target/benchmarks/*.txt. Each figure is compared with its target and printed with "met" or "MISSED"; once every
 * figure is written (target/benchmarks/targets.txt), the run fails when any target was missed. Never part of the
 * ordinary test run: {@code mvn -B -Pbench verify}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DeployedTo("bench")
class MailFlowsBenchmark extends ServiceIT {

    static final Path OUT = Path.of(System.getProperty("it.dir")).getParent().resolve("benchmarks");
    static final AtomicLong maxHeap = new AtomicLong();
    static final BenchmarkFigures FIGURES = new BenchmarkFigures();
    static final double HEAP_LIMIT_MB = 384;
    /** Issue 18 §2: at least 10,000 messages/s against the emulator, the service never the slower part. */
    static final double BACKFILL_RATE = 10_000;
    /**
     * Issue 18 §2: the server's CPU per 1,000 messages stored is to be halved from what it was when the target was taken
     * up: 223 ms right after the boot, 114 ms on the warmed server (2026-12-03, commit 67f4d81, this benchmark as it is
     * now; docs/benchmarks.md).
     */
    static final double CPU_PER_1000_BEFORE_MS = 223;
    static final double CPU_PER_1000_WARM_BEFORE_MS = 114;
    /** The service's default sync.page-size: the raw fetch reads the same pages. */
    static final int PAGE_SIZE = 250;
    /** Issue 18 §4: a first and a deep page of GET /api/v1/messages, p95 ≤ 10 ms at 1,000,000 messages in 1,000 mailboxes. */
    static final double INBOX_P95_MS = 10;
    /** Issue 16 §1: a first and a deep page of GET /api/v1/conversations, p95 ≤ 20 ms. */
    static final double CONVERSATIONS_P95_MS = 20;
    static final double PUSH_P50_MS = 1_000;
    static final double PUSH_P99_MS = 3_000;
    /** Issue 18 §5: p99 ≤ 20 ms at 500 notifications/s for 60 s, and within 2× of a trivial endpoint in the same run. */
    static final double WEBHOOK_P99_MS = 20;
    static final double WEBHOOK_TO_TRIVIAL = 2;
    static final String TRIVIAL = "/resources/console/trash.svg";
    /** {@code -Dbench.phases=webhook} (a comma-separated list of backfill, inbox, freshness, webhook) runs those only. */
    static final List<String> PHASES = Arrays.asList(System.getProperty("bench.phases", "backfill,inbox,freshness,webhook").split(","));
    static ScheduledExecutorService heapSampler;
    /** The server's log as this run found it: what the server logs in this run comes after. */
    static ServerLog serverLogAtStart;

    @BeforeAll
    static void sampleHeap() throws IOException {
        Files.createDirectories(OUT);
        heapSampler = Executors.newSingleThreadScheduledExecutor();
        serverLogAtStart = ServerLog.now(Path.of(System.getProperty("it.dir")), "payara-bench.log");
    }

    @AfterAll
    static void compareWithTheTargets() throws IOException {
        heapSampler.shutdownNow();
        double heapMb = maxHeap.get() > 1 ? maxHeap.get() / 1e6 : Double.NaN;
        BenchmarkFigures.Figure heap = FIGURES.atMost("server heap (-Xmx512m), max used, sampled every second through all benchmarks",
                heapMb, HEAP_LIMIT_MB, " MB");
        GcLog.Maxima collections = GcLog.read(Path.of(System.getProperty("it.dir"), "payara-bench-gc.log"));
        BenchmarkFigures.Figure afterCollections = FIGURES.reference(
                "server heap (-Xmx512m), max left after a collection (-Xlog:gc), through all benchmarks",
                collections.afterAny(), " MB");
        BenchmarkFigures.Figure afterYoung = FIGURES.reference(
                "server heap (-Xmx512m), max left after a young collection (what is live and old garbage), through all benchmarks",
                collections.afterYoung(), " MB");
        BenchmarkFigures.Figure afterMixed = FIGURES.reference(
                "server heap (-Xmx512m), max left after a mixed collection (old garbage reclaimed too), through all benchmarks",
                collections.afterMixed(), " MB");
        BenchmarkFigures.Figure outOfMemory = FIGURES.atMost("server: OutOfMemoryErrors in its log, through all benchmarks",
                serverLogAtStart.linesAddedContaining("OutOfMemoryError"), 0, "");
        write("memory.txt", heap.line() + "\n" + afterCollections.line() + "\n" + afterYoung.line() + "\n" + afterMixed.line() + "\n"
                + outOfMemory.line() + "\n");
        write("targets.txt", "every figure of this run against its target\n" + FIGURES.report());
        FIGURES.assertAllMet();
    }

    void startHeapSampling() {
        if (maxHeap.get() > 0) {
            return;
        }
        maxHeap.set(1);
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create(base.toString().replaceAll("/+$", "") + "/metrics?scope=base");
        heapSampler.scheduleAtFixedRate(() -> {
            try {
                String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : text.split("\n")) {
                    if (line.startsWith("memory_usedHeap_bytes") || line.startsWith("base_memory_usedHeap_bytes")) {
                        long used = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        maxHeap.accumulateAndGet(used, Math::max);
                    }
                }
            } catch (Exception ignored) {
                // the next sample counts
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * CPU time used so far by the Payara Micro process Arquillian started for this benchmark (the one logging to
     * payara-bench.log in this build's it.dir: another checkout's benchmark may run beside it), all its threads: JIT and
     * GC included; null when the process is not found.
     */
    static Duration serverCpu() {
        String log = Path.of(System.getProperty("it.dir"), "payara-bench.log").toString();
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(log)).orElse(false))
                .findFirst().flatMap(process -> process.info().totalCpuDuration()).orElse(null);
    }

    /** The server's CPU seconds since {@code before} (a {@link #serverCpu()} reading), NaN when either is unknown. */
    static double serverCpuSecondsSince(Duration before) {
        Duration now = serverCpu();
        return before == null || now == null ? Double.NaN : now.minus(before).toMillis() / 1e3;
    }

    @Test
    @Order(1)
    void backfill() throws Exception {
        Assumptions.assumeTrue(PHASES.contains("backfill"), "-Dbench.phases leaves backfill out");
        startHeapSampling();
        int count = Integer.getInteger("bench.backfill.messages", 100_000);
        TestWorkspace workspace = new TestWorkspace(base);
        Person alice = workspace.person("alice");
        int largeEvery = Integer.getInteger("bench.backfill.large-every", 0);
        int largeKb = Integer.getInteger("bench.backfill.large-kb", 100);
        String load = workspace.sharedMailbox("load");
        workspace.tenant.seedMessages(load, "inbox", count, largeEvery, largeKb * 1024);
        workspace.tenant.grantFullAccess(load, alice.microsoft().upn());
        UUID parent = alice.connect();
        // Right after the server's boot, as a redeploy or a new server meets its first large mailbox: the JIT compiles
        // through it. Then a second mailbox of the same size on the warmed server: what each later backfill costs.
        Backfilled cold = backfillThroughTheService(alice, parent, load);
        String warmLoad = workspace.sharedMailbox("load-warm");
        workspace.tenant.seedMessages(warmLoad, "inbox", count, largeEvery, largeKb * 1024);
        workspace.tenant.grantFullAccess(warmLoad, alice.microsoft().upn());
        Backfilled warm = backfillThroughTheService(alice, parent, warmLoad);

        // Raw limit 1: the emulator served alone, read with the same client code and page size as the service.
        EmulatorTestClients clients = new EmulatorTestClients(IntegrationEnvironment.emulator());
        String token = clients.signInToken(alice.microsoft().upn(), "https://graph.microsoft.com/Mail.Read.Shared");
        GraphServiceClient graph = clients.graph(token);
        DeltaReader reader = new DeltaReader();
        List<List<MessageChange>> pages = new ArrayList<>();
        long fetchStarted = System.nanoTime();
        String link = null;
        long fetched = 0;
        do {
            DeltaPage page = reader.read(graph, load, Folder.INBOX, link, PAGE_SIZE);
            pages.add(page.changes());
            fetched += page.changes().size();
            link = page.nextLink();
        } while (link != null);
        double fetchSeconds = (System.nanoTime() - fetchStarted) / 1e9;

        // Raw limit 2: PostgreSQL bulk insert alone, the same rows, one transaction per page, into a fresh mailbox.
        MessageStore store = new MessageStore();
        UUID mailbox = UUID.randomUUID();
        double insertSeconds;
        try (Connection connection = DriverManager.getConnection(IntegrationEnvironment.database().jdbcUrl(),
                EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD)) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO mailbox (id, workspace_id, address, kind, created_at) VALUES (?, ?, ?, 'SHARED', now())")) {
                insert.setObject(1, mailbox);
                insert.setString(2, workspace.id);
                insert.setString(3, "raw-insert-" + workspace.suffix + "@contoso.test");
                insert.executeUpdate();
            }
            connection.setAutoCommit(false);
            long insertStarted = System.nanoTime();
            for (List<MessageChange> page : pages) {
                store.apply(connection, mailbox, Folder.INBOX, page, Instant.now(), null);
                connection.commit();
            }
            insertSeconds = (System.nanoTime() - insertStarted) / 1e9;
        }
        double serviceRate = cold.rate();
        double warmRate = warm.rate();
        double fetchRate = fetched / fetchSeconds;
        double insertRate = fetched / insertSeconds;
        double slower = Math.min(fetchRate, insertRate);
        String figures = String.join("\n",
                FIGURES.atLeast("backfill: messages stored of the " + count + " seeded in each of two mailboxes",
                        Math.min(cold.stored(), warm.stored()), count, "").line(),
                FIGURES.atLeast("backfill through the service (add shared mailbox -> history complete), right after the boot",
                        serviceRate, BACKFILL_RATE, " messages/s").line(),
                FIGURES.atLeast("backfill through the service, a second mailbox on the warmed server", warmRate, BACKFILL_RATE,
                        " messages/s").line(),
                FIGURES.reference("backfill raw limit: the emulator served alone (the service's DeltaReader, same pages)", fetchRate,
                        " messages/s").line(),
                FIGURES.reference("backfill raw limit: PostgreSQL bulk insert alone (same rows, a transaction per page)", insertRate,
                        " messages/s").line(),
                FIGURES.atLeast("backfill: service / slower raw limit", 100 * serviceRate / slower, 50, " %").line(),
                FIGURES.atMost("backfill: the server's CPU per 1,000 messages stored (whole process, all threads), right after the boot",
                        cold.cpuMsPer1000(), CPU_PER_1000_BEFORE_MS / 2, " ms").line(),
                FIGURES.atMost("backfill: the server's CPU per 1,000 messages stored, a second mailbox on the warmed server",
                        warm.cpuMsPer1000(), CPU_PER_1000_WARM_BEFORE_MS / 2, " ms").line());
        write("backfill.txt", String.format("""
                        backfill of %,d messages (Inbox) from the emulator into PostgreSQL, page size %d
                          service (add shared mailbox -> history complete), right after the boot: %,d rows in %.2f s = %,.0f messages/s, %.1f s of the server's CPU
                          service, a second mailbox on the warmed server: %,d rows in %.2f s = %,.0f messages/s, %.1f s of the server's CPU
                          raw limit, emulator served alone (the service's DeltaReader, same pages): %,d in %.2f s = %,.0f messages/s
                          raw limit, PostgreSQL bulk insert alone (same rows, a transaction per page): %.2f s = %,.0f messages/s
                          service / slower raw limit = %.0f %%
                          progress shown on the connection at the end: %s
                        %s
                        """, count, PAGE_SIZE, cold.stored(), cold.seconds(), serviceRate, cold.cpuSeconds(), warm.stored(), warm.seconds(),
                warmRate, warm.cpuSeconds(), fetched, fetchSeconds, fetchRate, insertSeconds, insertRate,
                100 * serviceRate / slower, cold.view().get("sync"), figures));
    }

    record Backfilled(long stored, double seconds, double cpuSeconds, JsonNode view) {

        double rate() {
            return stored / seconds;
        }

        double cpuMsPer1000() {
            return 1_000_000 * cpuSeconds / stored;
        }
    }

    /** Adds {@code mailbox} for {@code person} and waits for its history: rows stored, wall seconds, the server's CPU seconds. */
    Backfilled backfillThroughTheService(Person person, UUID parent, String mailbox) {
        Duration cpuBefore = serverCpu();
        long started = System.nanoTime();
        UUID shared = person.addSharedOk(parent, mailbox);
        // Asked once a second, as a progress display would: asked every 200 ms, the server's answers to these polls took
        // nearly as much of its CPU on the warmed server as the sync threads did (a flight recording).
        JsonNode view = person.awaitConnection(shared, v -> v.get("sync").get("historyComplete").asBoolean(), Duration.ofMinutes(10),
                Duration.ofSeconds(1));
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = serverCpuSecondsSince(cpuBefore);
        long stored = Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.address = ?", mailbox);
        return new Backfilled(stored, seconds, cpuSeconds, view);
    }

    /**
     * Issue 18 target 3 under load: several mailboxes of real-sized mail backfilled at once, so that every sync worker
     * holds pages of large bodies together (only with {@code -Dbench.phases=backfill-many}). The heap figure is the
     * benchmark's one, sampled through every phase run.
     */
    @Test
    @Order(5)
    void manyMailboxesOfLargeMailBackfilledAtOnce() throws Exception {
        Assumptions.assumeTrue(PHASES.contains("backfill-many"), "-Dbench.phases leaves backfill-many out");
        startHeapSampling();
        int mailboxes = Integer.getInteger("bench.backfill-many.mailboxes", 8);
        int count = Integer.getInteger("bench.backfill-many.messages", 2_500);
        int largeEvery = Integer.getInteger("bench.backfill.large-every", 4);
        int largeKb = Integer.getInteger("bench.backfill.large-kb", 150);
        TestWorkspace workspace = new TestWorkspace(base);
        Person alice = workspace.person("alice");
        UUID parent = alice.connect();
        List<String> loads = new ArrayList<>();
        for (int i = 0; i < mailboxes; i++) {
            String load = workspace.sharedMailbox("many" + i);
            workspace.tenant.seedMessages(load, "inbox", count, largeEvery, largeKb * 1024);
            workspace.tenant.grantFullAccess(load, alice.microsoft().upn());
            loads.add(load);
        }
        Duration cpuBefore = serverCpu();
        long started = System.nanoTime();
        List<UUID> shared = new ArrayList<>();
        for (String load : loads) {
            shared.add(alice.addSharedOk(parent, load));
        }
        for (UUID connection : shared) {
            alice.awaitConnection(connection, v -> v.get("sync").get("historyComplete").asBoolean(), Duration.ofMinutes(20));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = serverCpuSecondsSince(cpuBefore);
        long stored = Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.workspace_id = ?",
                workspace.id);
        write("backfill-many.txt", String.format(Locale.ROOT, """
                        %d mailboxes of %,d messages (every %d-th with %d KB of HTML) backfilled at once
                          %,d rows in %.2f s = %,.0f messages/s, %.1f s of the server's CPU
                        %s
                        """, mailboxes, count, largeEvery, largeKb, stored, seconds, stored / seconds, cpuSeconds,
                FIGURES.atLeast("backfill of " + mailboxes + " mailboxes at once: messages stored of the " + mailboxes * count
                        + " seeded", stored, (double) mailboxes * count, "").line()));
    }

    @Test
    @Order(2)
    void inboxQueries() throws Exception {
        Assumptions.assumeTrue(PHASES.contains("inbox"), "-Dbench.phases leaves inbox out");
        startHeapSampling();
        int mailboxes = 1_000;
        int perMailbox = Integer.getInteger("bench.inbox.per-mailbox", 1_000);
        String workspaceId = "w-bench-" + UUID.randomUUID().toString().substring(0, 8);
        long loadStarted = System.nanoTime();
        Sql.update("INSERT INTO mailbox (id, workspace_id, address, kind, created_at) SELECT gen_random_uuid(), ?, 'box' || g || '@bench.test',"
                + " 'SHARED', now() FROM generate_series(1, ?) g", workspaceId, mailboxes);
        Sql.update("""
                INSERT INTO message (mailbox_id, workspace_id, folder, graph_id, internet_message_id, conversation_id, subject, from_name, from_address,
                                     to_recipients, cc_recipients, received_at, is_read, has_attachments, preview, body_type, body,
                                     change_key, synced_at)
                SELECT b.id, ?, CASE WHEN k % 10 = 0 THEN 'SENT' ELSE 'INBOX' END, 'g-' || b.n || '-' || k, '<' || b.n || '.' || k || '@x>',
                       'c' || (k / 4), 'Subject ' || k || ' ' || (ARRAY['invoice', 'order', 'ticket', 'refund', 'hello'])[1 + (k + b.n) % 5],
                       'Sender ' || (k % 97), 'sender' || (k % 97) || '@example.com', '[]', '[]',
                       timestamptz '2025-01-01' + ((k * 1000 + b.n) * interval '1 second'), (k + b.n) % 4 <> 0, false,
                       'preview of message ' || k, 'text', repeat('body text ', 30), 'ck' || k, now()
                  FROM (SELECT row_number() OVER (ORDER BY address) AS n, id FROM mailbox WHERE workspace_id = ?) b
                  CROSS JOIN generate_series(1, ?) k
                """, workspaceId, workspaceId, perMailbox);
        // As autovacuum would have done on a table of this age: statistics and the visibility map (index-only scans).
        Sql.update("VACUUM ANALYZE message");
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        long rows = Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.workspace_id = ?", workspaceId);

        // A member who reads 10 of the 1,000 mailboxes, and one who reads all of them.
        Sql.update("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) SELECT id, ?, 'u-ten', now()"
                + " FROM mailbox WHERE workspace_id = ? ORDER BY address LIMIT 10", workspaceId, workspaceId);
        Sql.update("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) SELECT id, ?, 'u-all', now()"
                + " FROM mailbox WHERE workspace_id = ?", workspaceId, workspaceId);
        ApiClient ten = ApiClient.at(base).as(IntegrationEnvironment.tokens().member("u-ten", "ten@workestra.test", workspaceId));
        ApiClient all = ApiClient.at(base).as(IntegrationEnvironment.tokens().member("u-all", "all@workestra.test", workspaceId));

        String deepCursorTen = cursorAfter(ten, "folder=inbox&limit=200", 40);
        String deepCursorAll = cursorAfter(all, "folder=inbox&limit=200", 40);
        StringBuilder report = new StringBuilder(String.format("inbox queries: %,d messages in %,d mailboxes (loaded in %.1f s),"
                + " GET /api/v1/messages over HTTP, limit 50, every query in turn for %d s, then 50 and 300 timed requests of each%n",
                rows, mailboxes, loadSeconds, WARM_UP_SECONDS));
        List<TimedQuery> queries = List.of(
                floor(ten),
                inbox(ten, "reads 10 mailboxes, first page, no filter", ""),
                inbox(ten, "reads 10 mailboxes, filtered first page (inbox, unread)", "folder=inbox&unread=true"),
                inbox(ten, "reads 10 mailboxes, filtered first page (q=invoice)", "q=invoice"),
                inbox(ten, "reads 10 mailboxes, filtered first page (one mailbox, unread)", "mailbox=box1@bench.test&unread=true"),
                inbox(ten, "reads 10 mailboxes, deep page (8,000 rows in)", "folder=inbox&cursor=" + deepCursorTen),
                inbox(all, "reads 1,000 mailboxes, first page, no filter", ""),
                inbox(all, "reads 1,000 mailboxes, filtered first page (inbox, unread)", "folder=inbox&unread=true"),
                inbox(all, "reads 1,000 mailboxes, deep page (8,000 rows in)", "folder=inbox&cursor=" + deepCursorAll));
        List<BenchmarkFigures.Figure> figures = new ArrayList<>();
        report.append(measure(queries, figures));
        report.append("target: p95 <= 10 ms for a first page, filtered or not, and a deep page\n");
        figures.forEach(figure -> report.append(figure.line()).append('\n'));
        write("inbox-query.txt", report.toString());
        conversationQueries(workspaceId, rows, ten, all);
    }

    /**
     * Issue 16: GET /api/v1/conversations on the same messages, each mailbox's Outlook conversations (four messages each)
     * as threads, as V13 and the store would number them.
     */
    void conversationQueries(String workspaceId, long rows, ApiClient ten, ApiClient all) {
        long started = System.nanoTime();
        Sql.update("UPDATE message m SET thread_id = t.thread_id FROM (SELECT id, min(id) OVER (PARTITION BY mailbox_id,"
                + " conversation_id) AS thread_id FROM message WHERE workspace_id = ?) t WHERE m.id = t.id", workspaceId);
        Sql.update("VACUUM ANALYZE message");
        double threadSeconds = (System.nanoTime() - started) / 1e9;
        StringBuilder report = new StringBuilder(String.format("conversation queries: %,d messages (threads numbered in %.1f s),"
                + " GET /api/v1/conversations over HTTP, limit 50, every query in turn for %d s, then 50 and 300 timed requests of"
                + " each%n", rows, threadSeconds, WARM_UP_SECONDS));
        // Each mailbox holds 250 conversations: ten hold 2,500, so their deep page is halfway (as ConversationsBenchmark's).
        String deepTen = conversationCursorAfter(ten, 25, 50);
        String deepAll = conversationCursorAfter(all, 40, 200);
        List<TimedQuery> queries = List.of(
                conversations(ten, "reads 10 mailboxes, first page", ""),
                conversations(ten, "reads 10 mailboxes, filtered first page (unread)", "unread=true"),
                conversations(ten, "reads 10 mailboxes, deep page (1,250 conversations in)", "cursor=" + deepTen),
                conversations(all, "reads 1,000 mailboxes, first page", ""),
                conversations(all, "reads 1,000 mailboxes, deep page (8,000 conversations in)", "cursor=" + deepAll));
        List<BenchmarkFigures.Figure> figures = new ArrayList<>();
        report.append(measure(queries, figures));
        report.append("target: p95 <= 20 ms for a first and a deep page\n");
        figures.forEach(figure -> report.append(figure.line()).append('\n'));
        write("conversation-query.txt", report.toString());
    }

    static String conversationCursorAfter(ApiClient api, int pages, int limit) {
        String cursor = null;
        for (int i = 0; i < pages; i++) {
            JsonNode page = api.get("/api/v1/conversations?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor)).json();
            cursor = URLEncoder.encode(page.get("nextCursor").asText(), StandardCharsets.UTF_8);
        }
        return cursor;
    }

    @Test
    @Order(3)
    void freshnessWithPushAndWithPolling() throws Exception {
        Assumptions.assumeTrue(PHASES.contains("freshness"), "-Dbench.phases leaves freshness out");
        startHeapSampling();
        int mailboxCount = 100;
        int messages = 1_000;
        TestWorkspace workspace = new TestWorkspace(base);
        List<String> pushMailboxes = new ArrayList<>();
        List<UUID> connections = new ArrayList<>();
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < mailboxCount; i++) {
            Person person = workspace.person("p" + i);
            connections.add(person.connect());
            people.add(person);
            pushMailboxes.add(person.microsoft().upn().toLowerCase());
        }
        for (int i = 0; i < mailboxCount; i++) {
            people.get(i).awaitConnection(connections.get(i), v -> "healthy".equals(v.get("health").get("badge").asText()),
                    Duration.ofSeconds(60));
        }
        long pushed = connections.stream().filter(id -> Boolean.TRUE.equals(Sql.single("SELECT pushed FROM sync_state WHERE connection_id = ?", id))).count();

        // Polling: one person with 100 shared mailboxes (no app-only identity here, so they poll).
        Person poller = workspace.person("poller");
        UUID parent = poller.connect();
        List<String> polledMailboxes = new ArrayList<>();
        for (int i = 0; i < mailboxCount; i++) {
            String shared = workspace.sharedMailbox("team" + i);
            workspace.tenant.grantFullAccess(shared, poller.microsoft().upn());
            poller.addSharedOk(parent, shared);
            polledMailboxes.add(shared);
        }
        // One observer who may read all 200 mailboxes watches the inbox.
        String observer = "u-observer-" + workspace.suffix;
        Sql.update("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) SELECT id, ?, ?, now() FROM mailbox"
                + " WHERE workspace_id = ?", workspace.id, observer, workspace.id);
        ApiClient watch = ApiClient.at(base).as(IntegrationEnvironment.tokens().member(observer, "observer@workestra.test", workspace.id));
        TestWorkspace.sleep(3_000);

        String pollInterval = System.getProperty("bench.poll-interval", "PT10S");
        Freshness push = freshness(workspace, watch, pushMailboxes, messages, "push");
        Freshness polled = freshness(workspace, watch, polledMailboxes, messages, "poll");
        double pollTargetMs = Duration.parse(pollInterval).plusSeconds(2).toMillis();
        String figures = String.join("\n",
                FIGURES.atLeast("freshness, push: messages visible of " + messages, push.visible(), messages, "").line(),
                FIGURES.atMost("freshness, push: p50 delivery -> visible", push.p50(), PUSH_P50_MS, " ms").line(),
                FIGURES.atMost("freshness, push: p99 delivery -> visible", push.p99(), PUSH_P99_MS, " ms").line(),
                FIGURES.atLeast("freshness, polling: messages visible of " + messages, polled.visible(), messages, "").line(),
                FIGURES.atMost("freshness, polling (sync.poll-interval=" + pollInterval + "): p99 delivery -> visible", polled.p99(),
                        pollTargetMs, " ms").line());
        write("freshness.txt", String.format("""
                freshness: %,d messages delivered at 50/s across %d mailboxes; delivery in the emulator -> visible in GET /api/v1/messages
                  push (personal mailboxes, %d of %d with a webhook subscription): %s
                  polling (shared mailboxes, sync.poll-interval=%s): %s
                %s
                """, messages, mailboxCount, pushed, mailboxCount, push, pollInterval, polled, figures));
    }

    @Test
    @Order(4)
    void webhookAcknowledgement() throws Exception {
        Assumptions.assumeTrue(PHASES.contains("webhook"), "-Dbench.phases leaves webhook out");
        startHeapSampling();
        if (IntegrationEnvironment.emulator().tenant().subscriptions().isEmpty() && !PHASES.contains("freshness")) {
            subscribe(Integer.getInteger("bench.webhook.mailboxes", 100));
        }
        List<SubscriptionView> subscriptions = IntegrationEnvironment.emulator().tenant().subscriptions();
        if (subscriptions.isEmpty()) {
            write("webhook.txt", "webhook acknowledgement: no subscription exists (push not set up), not measured\n"
                    + FIGURES.atMost("webhook acknowledgement at 500/s, real subscriptions, p99", Double.NaN, WEBHOOK_P99_MS, " ms").line()
                    + "\n");
            return;
        }
        int rate = 500;
        int seconds = Integer.getInteger("bench.webhook.seconds", 60);
        String root = base.toString().replaceAll("/+$", "");
        // The trivial endpoint of the same server, same client, same rate and length: what the HTTP stack and this
        // machine cost without the receiver's work. A static file of the WAR (the servlet container's default servlet),
        // not /health/live: Payara's MicroProfile Health servlet looks the JSON-P provider up on every request (a
        // ServiceLoader walk through every jar under one class-path lock) and collapsed at 500/s in the first run.
        Acknowledgements trivial = fire(rate, seconds, i -> HttpRequest.newBuilder(URI.create(root + TRIVIAL)).GET().build());
        // The validation handshake of the receiver's own resource (no database): a reference.
        Acknowledgements handshake = fire(rate, 20, i -> HttpRequest.newBuilder(URI.create(root
                + "/api/v1/graph/notifications?validationToken=token" + i)).POST(HttpRequest.BodyPublishers.noBody()).build());
        // Receiver alone: notifications naming no known subscription are acknowledged and ignored (no sync follows).
        Acknowledgements ignored = fire(rate, 20, i -> post(root, notification("unknown-" + (i % 100), "wrong-state", i)));
        // The real thing: each notification names one of the real subscriptions, so every one requests a sync. Beside
        // it, the trivial endpoint again at a tenth of the rate: the same server under the same sync work (a reference).
        CompletableFuture<Acknowledgements> probe = CompletableFuture.supplyAsync(() -> {
            try {
                return fire(rate / 10, seconds, i -> HttpRequest.newBuilder(URI.create(root + TRIVIAL)).GET().build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Acknowledgements real = fire(rate, seconds, i -> {
            SubscriptionView subscription = subscriptions.get(i % subscriptions.size());
            return post(root, notification(subscription.id(), subscription.clientState(), i));
        });
        Acknowledgements beside = probe.get(2, TimeUnit.MINUTES);
        String figures = String.join("\n",
                FIGURES.reference("trivial endpoint (GET " + TRIVIAL + ") at 500/s for " + seconds + " s, p99", trivial.p99(), " ms").line(),
                FIGURES.reference("validation handshake at 500/s, p99", handshake.p99(), " ms").line(),
                FIGURES.reference("webhook acknowledgement at 500/s, receiver alone (unknown subscriptions), p99", ignored.p99(), " ms")
                        .line(),
                FIGURES.atMost("webhook acknowledgement at 500/s for " + seconds + " s, real subscriptions, p99", real.p99(), WEBHOOK_P99_MS,
                        " ms").line(),
                FIGURES.atMost("webhook acknowledgement p99 / trivial endpoint p99, same run", real.p99() / trivial.p99(),
                        WEBHOOK_TO_TRIVIAL, "×").line(),
                FIGURES.reference("trivial endpoint at 50/s during the real notifications, p99", beside.p99(), " ms").line(),
                FIGURES.reference("webhook acknowledgement p99 / that trivial endpoint's p99", real.p99() / beside.p99(), "×").line(),
                FIGURES.atMost("webhook acknowledgement, real subscriptions: answers other than 2xx", real.failures(), 0, "").line());
        write("webhook.txt", String.format("""
                webhook acknowledgement: POST /api/v1/graph/notifications at %d/s, one notification per POST
                  trivial endpoint (GET %s, a static file, %d s): %s
                  validation handshake (POST ?validationToken=, 20 s): %s
                  receiver alone (unknown subscriptions, 20 s): %s
                  real (%d subscriptions, every notification requests a sync, %d s): %s
                  trivial endpoint at %d/s during the real notifications: %s
                %s
                """, rate, TRIVIAL, seconds, trivial, handshake, ignored, subscriptions.size(), seconds, real, rate / 10, beside, figures));
    }

    static HttpRequest post(String root, String body) {
        return HttpRequest.newBuilder(URI.create(root + "/api/v1/graph/notifications")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** When the webhook phase runs alone: {@code count} people connect, so the service holds that many subscriptions. */
    void subscribe(int count) {
        TestWorkspace workspace = new TestWorkspace(base);
        List<Person> people = new ArrayList<>();
        List<UUID> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Person person = workspace.person("w" + i);
            connections.add(person.connect());
            people.add(person);
        }
        for (int i = 0; i < count; i++) {
            people.get(i).awaitConnection(connections.get(i), v -> "healthy".equals(v.get("health").get("badge").asText()),
                    Duration.ofSeconds(120));
        }
    }

    static String notification(String subscriptionId, String clientState, int i) {
        return "{\"value\":[{\"subscriptionId\":\"" + subscriptionId + "\",\"clientState\":\"" + clientState
                + "\",\"changeType\":\"created\",\"resource\":\"Users/x/Messages/m" + i + "\",\"tenantId\":\"t\","
                + "\"resourceData\":{\"@odata.type\":\"#Microsoft.Graph.Message\",\"id\":\"m" + i + "\"}}]}";
    }

    /** Acknowledgement times of {@code total} POSTs, in milliseconds. */
    record Acknowledgements(int total, double seconds, double p50, double p95, double p99, double max, long failures) {
        @Override
        public String toString() {
            return String.format("%,d in %.1f s; ack p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; non-2xx %d", total, seconds,
                    p50, p95, p99, max, failures);
        }
    }

    /**
     * Sends {@code rate × seconds} requests on a fixed schedule (open loop) from {@code bench.webhook.senders} (32)
     * threads, each with one request in flight on its own kept-alive connection, as a sender of notifications does. Each
     * time is counted from the request's scheduled moment, not from when a sender got to it, so a queue in front of a
     * slow server is in the figure (no coordinated omission). A request not sent within a minute after the schedule's
     * end counts as a failure, with the time it waited.
     *
     * <p>The first version handed every request to one {@code HttpClient.sendAsync}: the JDK's HTTP/1.1 client then
     * opens a new connection whenever none is idle, so a slow second made thousands of connections, and its single
     * selector thread spent its time scanning the connection pool's expiry list (JFR, 2026-12-01): the load generator
     * became a queue of its own (a static file measured p50 14.6 s with the server's threads idle).
     */
    Acknowledgements fire(int rate, int seconds, java.util.function.IntFunction<HttpRequest> request) throws Exception {
        int senders = Integer.getInteger("bench.webhook.senders", 32);
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(senders);
        // Not the senders' pool as the client's executor: with every sender blocked in send(), no thread would be left
        // to complete a response (the first try hung so).
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        AtomicLong failures = new AtomicLong();
        int total = rate * seconds;
        long[] micros = new long[total];
        long start = System.nanoTime();
        long giveUp = start + (seconds + 60) * 1_000_000_000L;
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < senders; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (System.nanoTime() > giveUp) {
                        micros[i] = (System.nanoTime() - due) / 1_000;
                        failures.incrementAndGet();
                        continue;
                    }
                    try {
                        int status = http.send(request.apply(i), HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status / 100 != 2) {
                            failures.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                    micros[i] = (System.nanoTime() - due) / 1_000;
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> worker : workers) {
            worker.get(seconds + 180, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(micros);
        return new Acknowledgements(total, elapsed, micros[total / 2] / 1e3, micros[(int) (total * 0.95)] / 1e3,
                micros[(int) (total * 0.99)] / 1e3, micros[total - 1] / 1e3, failures.get());
    }

    // ---- helpers

    /** How many of the delivered messages became visible, and how long after their delivery (NaN when none did). */
    record Freshness(int visible, int delivered, double p50, double p95, double p99, double max) {
        @Override
        public String toString() {
            return visible == 0 ? "nothing became visible" : String.format("%d of %d visible; p50 %.0f ms, p95 %.0f ms, p99 %.0f ms,"
                    + " max %.0f ms", visible, delivered, p50, p95, p99, max);
        }
    }

    static Freshness freshness(TestWorkspace workspace, ApiClient watch, List<String> mailboxes, int messages, String tag) {
        Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        String prefix = "fresh-" + tag + "-" + workspace.suffix + "-";
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                // A late (polled) message can sort below newer ones already visible: walk back over this run's messages.
                String cursor = null;
                for (int pageNumber = 0; pageNumber < 6 && watching.get(); pageNumber++) {
                    JsonNode page = watch.get("/api/v1/messages?folder=inbox&limit=200"
                            + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).json();
                    long now = System.nanoTime();
                    boolean older = false;
                    for (JsonNode item : page.get("items")) {
                        String subject = item.get("subject").asText();
                        if (subject.startsWith(prefix)) {
                            seenAt.putIfAbsent(subject, now);
                        } else {
                            older = true;
                        }
                    }
                    if (older || page.get("nextCursor").isNull()) {
                        break;
                    }
                    cursor = page.get("nextCursor").asText();
                }
                TestWorkspace.sleep(50);
            }
        });
        watcher.start();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long due = start + i * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TestWorkspace.sleep(wait / 1_000_000);
            }
            String subject = prefix + i;
            deliveredAt.put(subject, System.nanoTime());
            workspace.tenant.deliver(mailboxes.get(i % mailboxes.size()), "fresh@example.com", subject, "body");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (seenAt.size() < messages && System.nanoTime() < deadline) {
            TestWorkspace.sleep(100);
        }
        watching.set(false);
        try {
            watcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long[] millis = deliveredAt.entrySet().stream().filter(e -> seenAt.containsKey(e.getKey()))
                .mapToLong(e -> (seenAt.get(e.getKey()) - e.getValue()) / 1_000_000).sorted().toArray();
        if (millis.length == 0) {
            return new Freshness(0, messages, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Freshness(millis.length, messages, millis[millis.length / 2], millis[(int) (millis.length * 0.95)],
                millis[(int) (millis.length * 0.99)], millis[millis.length - 1]);
    }

    static String cursorAfter(ApiClient api, String query, int pages) {
        String cursor = null;
        for (int i = 0; i < pages; i++) {
            JsonNode page = api.get("/api/v1/messages?" + query + (cursor == null ? "" : "&cursor=" + cursor)).json();
            cursor = page.get("nextCursor").asText();
        }
        return URLEncoder.encode(cursor, StandardCharsets.UTF_8);
    }

    /** One query of a list timed through HTTP, with the target of its p95. */
    record TimedQuery(ApiClient api, String resource, String kind, double targetMs, String label, String query) {

        String path() {
            return resource + "?limit=50" + (query.isEmpty() ? "" : "&" + query);
        }
    }

    /** A query of GET /api/v1/messages; its p95 is a figure with the inbox's 10 ms target. */
    static TimedQuery inbox(ApiClient api, String label, String query) {
        return new TimedQuery(api, "/api/v1/messages", "inbox", INBOX_P95_MS, label, query);
    }

    /** A query of GET /api/v1/conversations; its p95 is a figure with the conversations' 20 ms target. */
    static TimedQuery conversations(ApiClient api, String label, String query) {
        return new TimedQuery(api, "/api/v1/conversations", "conversations", CONVERSATIONS_P95_MS, label, query);
    }

    /**
     * A static file of the WAR through the same client with the same token (the servlet container's default servlet; the
     * token is verified as on every request with one): what an authenticated request costs this machine and client
     * before the service reads anything (a reference).
     */
    static TimedQuery floor(ApiClient api) {
        return new TimedQuery(api, TRIVIAL, "reference", Double.NaN, "a static file, same client and token (the floor)", "");
    }

    /** How long every query is requested, in turn, before any is timed. */
    static final int WARM_UP_SECONDS = Integer.getInteger("bench.list.warm-up-seconds", 60);

    /**
     * Times each query: rounds of all of them for {@link #WARM_UP_SECONDS} first, then 50 more of each, then 300 timed
     * ones. A server minutes after its start is still compiling the request path: in a flight recording of this phase
     * with 200 rounds (about 20 s) of warm-up, the JIT's compiler threads took nearly as much CPU as the requests through
     * the whole timed part and went quiet about 60 s after the first request.
     */
    static String measure(List<TimedQuery> queries, List<BenchmarkFigures.Figure> figures) {
        long warmUntil = System.nanoTime() + WARM_UP_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            queries.forEach(query -> check(query.api().get(query.path())));
        }
        StringBuilder report = new StringBuilder();
        for (TimedQuery query : queries) {
            for (int i = 0; i < 50; i++) {
                check(query.api().get(query.path()));
            }
            long[] micros = new long[300];
            for (int i = 0; i < micros.length; i++) {
                long started = System.nanoTime();
                check(query.api().get(query.path()));
                micros[i] = (System.nanoTime() - started) / 1_000;
            }
            Arrays.sort(micros);
            double p95 = micros[285] / 1e3;
            String name = query.kind() + ", " + query.label() + ", p95";
            figures.add(Double.isNaN(query.targetMs()) ? FIGURES.reference(name, p95, " ms")
                    : FIGURES.atMost(name, p95, query.targetMs(), " ms"));
            report.append(String.format("  %-62s p50 %5.1f ms  p95 %5.1f ms  p99 %5.1f ms%n", query.label(), micros[150] / 1e3,
                    p95, micros[297] / 1e3));
        }
        return report.toString();
    }

    static void check(ApiClient.Reply reply) {
        if (reply.status() != 200) {
            throw new AssertionError(reply.toString());
        }
    }

    static void write(String file, String text) {
        try {
            Files.createDirectories(OUT);
            String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average " + load + ")\n";
            Files.writeString(OUT.resolve(file), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}

package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.MailFlowsBenchmark.Freshness;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The figures of issue 14 ("Figures"), measured with real Payara Micro processes of the built WAR ({@link ServerProcess},
 * as production starts them: full JIT, -Xmx512m, the defaults of microprofile-config.properties, push configured as in
 * {@link SeveralServersIT}) on the tests' PostgreSQL, with the Microsoft 365 emulator (answering without added latency):
 * <ol>
 * <li>a backfill of {@code bench.several.backfill.messages} (100,000) messages spread over
 * {@code bench.several.backfill.mailboxes} (4) shared mailboxes with one server, then the same on fresh mailboxes with
 * two: wall time from releasing background work to every mailbox's history complete (the API's connection list),
 * messages/s, each server's CPU time over the run (the process's own, from /proc), and every message once (stored
 * internetMessageIds against the emulator's);</li>
 * <li>{@code bench.several.mailbox-counts} (100 and 1,000) shared mailboxes of {@code bench.several.mailbox-messages}
 * (100) messages added while background work is held on both servers, then released at once: time until every one is
 * synced (history complete in the API's connection list), messages/s;</li>
 * <li>{@code bench.several.storm.sends} (50) sends at once from one mailbox Microsoft throttles (the emulator's 429 with
 * Retry-After for the mailbox's next requests), while {@code bench.several.freshness.messages} (500) messages are
 * delivered at 50/s to 20 other (push) mailboxes: the requests that waited for one of a server's 32 pooled database
 * connections ({@link PoolWaits}: the servers' own flight recorders), and the other mailboxes' freshness (delivery in the emulator to visible in GET /api/v1/messages) beside the same measured without the storm.</li>
 * </ol>
 * Targets only where the issue gives one ("pool never exhausted", "freshness unchanged", and exactly once); the rest are
 * references. Written to {@code target/benchmarks/several-servers.txt} with the load average beside each part.
 * {@code flock /work/notes/bench.lock mvn -B -o -Pbench verify -Dit.test=SeveralServersBenchmark}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralServersBenchmark {

    static final Path OUT = Path.of(System.getProperty("it.dir")).getParent().resolve("benchmarks");
    static final Duration WAIT = Duration.ofMinutes(10);
    /** Payara's SharedMailboxesPool (server-config/post-boot-commands.asadmin: --maxpoolsize=32), per server. */
    static final int POOL_SIZE = 32;

    static final BenchmarkFigures FIGURES = new BenchmarkFigures();
    static final StringBuilder REPORT = new StringBuilder();
    static final List<ServerProcess> servers = new ArrayList<>();
    /** Which parts run ({@code bench.several.parts}, default {@code a,b,c}). */
    static final Set<String> PARTS = Set.of(System.getProperty("bench.several.parts", "a,b,c").replace(" ", "").split(","));

    @BeforeAll
    static void startOneServer() throws IOException {
        Files.createDirectories(OUT);
        servers.add(start("a", Integer.getInteger("it.http.port"), Integer.getInteger("it.https.port")));
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(ServerProcess::close);
        REPORT.append(FIGURES.report());
        write("several-servers.txt", REPORT.toString());
        FIGURES.assertAllMet();
    }

    static ServerProcess start(String name, int httpPort, int httpsPort) {
        long started = System.nanoTime();
        List<String> jvm = new ArrayList<>(ServerProcess.PRODUCTION_JVM);
        jvm.addAll(PoolWaits.jvmOptions(name));
        ServerProcess server = ServerProcess.start(name, httpPort, httpsPort, jvm, ServerCluster.pushSettings(httpsPort), Map.of())
                .awaitReady();
        // Background work starts background.start-delay after the deployment (held until then): no figure includes it.
        Await.until("server " + name + " runs background work", () -> !ApiClient.at(server.base).get("/api/v1/testing/background")
                .json().get("held").asBoolean(), WAIT);
        line("server %s started and ready in %.0f s (pid %d)", name, seconds(started), server.pid());
        return server;
    }

    // ---- a. backfill with one server and with two

    @Test
    @Order(1)
    void backfillWithOneServerAndWithTwo() {
        Assumptions.assumeTrue(PARTS.contains("a"), "part a not asked for (bench.several.parts)");
        int messages = Integer.getInteger("bench.several.backfill.messages", 100_000);
        int mailboxes = Integer.getInteger("bench.several.backfill.mailboxes", 4);
        line("a. backfill of %,d messages in %d shared mailboxes of %,d (the emulator's seeded messages, as MailFlowsBenchmark's"
                + " backfill), add while background work is held -> release -> every mailbox's history complete", messages,
                mailboxes, messages / mailboxes);
        // A server's first backfill pays for its JIT warming up: each server backfills a small mailbox alone first.
        warmUp(servers.get(0), List.of());
        Backfill one = backfill("one server", mailboxes, messages / mailboxes);

        startSecondServer();
        Backfill two = backfill("two servers", mailboxes, messages / mailboxes);

        for (Backfill run : List.of(one, two)) {
            FIGURES.reference("backfill " + run.label + ": " + String.format(Locale.ROOT, "%,d", run.messages) + " messages, wall time",
                    run.seconds, " s");
            FIGURES.reference("backfill " + run.label + ": throughput", run.messages / run.seconds, " messages/s");
            run.cpu.forEach((server, cpu) -> FIGURES.reference("backfill " + run.label + ": server " + server + " CPU time", cpu, " s"));
            run.stored.forEach((server, stored) -> FIGURES.reference("backfill " + run.label + ": messages stored by server " + server,
                    stored, ""));
            FIGURES.atMost("backfill " + run.label + ": messages stored twice, missing or not Exchange's (by id)",
                    run.duplicates + run.missing + run.extra, 0, "");
        }
        FIGURES.reference("backfill: two servers' throughput / one server's", 100 * one.seconds / two.seconds, " %");
    }

    /** Server b, once: started, then warmed up by a small backfill of its own while server a holds its background work. */
    static void startSecondServer() {
        if (servers.size() < 2) {
            servers.add(start("b", Integer.getInteger("it.second.http.port"), Integer.getInteger("it.second.https.port")));
            warmUp(servers.get(1), List.of(servers.get(0)));
        }
    }

    record Backfill(String label, long messages, double seconds, Map<String, Double> cpu, Map<String, Double> stored,
                    long duplicates, long missing, long extra) {
    }

    static void warmUp(ServerProcess server, List<ServerProcess> held) {
        held.forEach(other -> new ServiceControls(other.base).holdBackgroundWork());
        try {
            TestWorkspace workspace = new TestWorkspace(server.base);
            Person person = workspace.person("warm");
            UUID parent = person.connect();
            List<UUID> added = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String address = workspace.sharedMailbox("warm" + i);
                workspace.tenant.seedMessages(address, "inbox", 5_000);
                workspace.tenant.grantFullAccess(address, person.microsoft().upn());
                added.add(person.addSharedOk(parent, address));
            }
            awaitHistoryComplete(person, Set.copyOf(added));
        } finally {
            held.forEach(other -> new ServiceControls(other.base).releaseBackgroundWork());
        }
    }

    static Backfill backfill(String label, int mailboxes, int perMailbox) {
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        Person alice = workspace.person("alice");
        UUID parent = alice.connect();
        Awaited parentSynced = awaitHistoryComplete(alice, Set.of(parent));
        hold();
        Map<UUID, String> added = new LinkedHashMap<>();
        try {
            for (int i = 0; i < mailboxes; i++) {
                String address = workspace.sharedMailbox("big" + i);
                workspace.tenant.seedMessages(address, "inbox", perMailbox);
                workspace.tenant.grantFullAccess(address, alice.microsoft().upn());
                added.put(ServerCluster.on(servers.get(i % servers.size()), alice, workspace).addSharedOk(parent, address), address);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        String loadBefore = loadAverage();
        Map<ServerProcess, Duration> cpuBefore = cpu();
        Map<ServerProcess, Double> storedBefore = ServerCluster.storedByEachServer(servers);
        long started = System.nanoTime();
        release();
        Awaited done = awaitHistoryComplete(alice, added.keySet());
        double seconds = seconds(started);
        Map<ServerProcess, Duration> cpuAfter = cpu();
        Map<ServerProcess, Double> storedAfter = ServerCluster.storedByEachServer(servers);
        String loadAfter = loadAverage();

        long duplicates = 0;
        long missing = 0;
        long extra = 0;
        long rows = 0;
        for (String address : added.values()) {
            ServerCluster.Stored stored = ServerCluster.stored(workspace, address);
            duplicates += stored.duplicates();
            missing += stored.missing();
            extra += stored.extra();
            rows += stored.rows();
        }
        Map<String, Double> cpu = new TreeMap<>();
        Map<String, Double> stored = new TreeMap<>();
        for (ServerProcess server : servers) {
            Duration before = cpuBefore.get(server);
            Duration after = cpuAfter.get(server);
            cpu.put(server.name, before == null || after == null ? Double.NaN : after.minus(before).toMillis() / 1e3);
            stored.put(server.name, (double) Math.round(storedAfter.get(server) - storedBefore.get(server)));
        }
        line("  %s: %,d rows stored in %.1f s = %,.0f messages/s; %s; CPU time per server %s s; stored per server %s;"
                        + " duplicates %d, missing %d, not Exchange's %d   (load average %s -> %s)", label, rows, seconds, rows / seconds,
                done.complete == added.size() ? "every mailbox's history complete" : done.complete + " of " + added.size()
                        + " complete within " + WAIT, cpu, stored, duplicates, missing, extra, loadBefore, loadAfter);
        if (!parentSynced.allComplete()) {
            line("  (alice's own mailbox was not synced before the measurement)");
        }
        return new Backfill(label, rows, seconds, cpu, stored, duplicates, missing, extra);
    }

    // ---- b. many mailboxes at once

    @Test
    @Order(2)
    void manyMailboxesSyncedAtOnce() {
        Assumptions.assumeTrue(PARTS.contains("b"), "part b not asked for (bench.several.parts)");
        startSecondServer();
        int perMailbox = Integer.getInteger("bench.several.mailbox-messages", 100);
        List<Integer> counts = Arrays.stream(System.getProperty("bench.several.mailbox-counts", "100,1000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        line("b. N shared mailboxes of %d messages each, added on %d servers while background work is held, released at once ->"
                + " every one's history complete (the API's connection list)", perMailbox, servers.size());
        Map<Integer, Double> rates = new LinkedHashMap<>();
        for (int count : counts) {
            TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
            Person bob = workspace.person("bob");
            UUID parent = bob.connect();
            awaitHistoryComplete(bob, Set.of(parent));
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String address = workspace.sharedMailbox("desk" + i);
                workspace.tenant.seedMessages(address, "inbox", perMailbox);
                workspace.tenant.grantFullAccess(address, bob.microsoft().upn());
                addresses.add(address);
            }
            hold();
            long adding = System.nanoTime();
            Set<UUID> added = ConcurrentHashMap.newKeySet();
            ExecutorService adders = Executors.newFixedThreadPool(8);
            try {
                List<Future<UUID>> replies = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Person on = ServerCluster.on(servers.get(i % servers.size()), bob, workspace);
                    String address = addresses.get(i);
                    replies.add(adders.submit(() -> on.addSharedOk(parent, address)));
                }
                for (Future<UUID> reply : replies) {
                    added.add(reply.get(5, TimeUnit.MINUTES));
                }
            } catch (Exception e) {
                release();
                throw new AssertionError("adding " + count + " shared mailboxes", e);
            } finally {
                adders.shutdownNow();
            }
            double addSeconds = seconds(adding);
            String loadBefore = loadAverage();
            Map<ServerProcess, Duration> cpuBefore = cpu();
            long started = System.nanoTime();
            release();
            Awaited done = awaitHistoryComplete(bob, added);
            double seconds = seconds(started);
            Map<ServerProcess, Duration> cpuAfter = cpu();
            long rows = Sql.count("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.workspace_id = ?"
                    + " AND b.kind = 'SHARED'", workspace.id);
            String cpu = servers.stream().map(s -> s.name + " " + cpuSeconds(cpuBefore.get(s), cpuAfter.get(s)) + " s")
                    .collect(Collectors.joining(", "));
            double rate = rows / seconds;
            rates.put(count, rate);
            line("  %,d mailboxes x %d: %s in %.1f s after the release, %,d messages stored = %,.0f messages/s, %.1f mailboxes/s;"
                            + " CPU time %s (adding them through the API, held: %.1f s)   (load average %s -> %s)", count, perMailbox,
                    done.allComplete() ? "all synced" : done.complete + " of " + count + " synced", seconds, rows, rate,
                    count / seconds, cpu, addSeconds, loadBefore, loadAverage());
            FIGURES.atLeast(String.format(Locale.ROOT, "%,d mailboxes x %d at once: mailboxes synced", count, perMailbox),
                    done.complete, count, "");
            FIGURES.reference(String.format(Locale.ROOT, "%,d mailboxes x %d at once: time until every one synced", count, perMailbox),
                    seconds, " s");
            FIGURES.reference(String.format(Locale.ROOT, "%,d mailboxes x %d at once: throughput", count, perMailbox), rate,
                    " messages/s");
        }
        if (counts.size() > 1) {
            int first = counts.get(0);
            int last = counts.get(counts.size() - 1);
            FIGURES.reference(String.format(Locale.ROOT, "throughput with %,d mailboxes / with %,d", last, first),
                    100 * rates.get(last) / rates.get(first), " %");
        }
    }

    // ---- c. a send storm on a throttled mailbox

    @Test
    @Order(3)
    void sendStormOnAThrottledMailbox() throws Exception {
        Assumptions.assumeTrue(PARTS.contains("c"), "part c not asked for (bench.several.parts)");
        startSecondServer();
        int sends = Integer.getInteger("bench.several.storm.sends", 50);
        int throttled = Integer.getInteger("bench.several.storm.throttled-requests", 60);
        Duration retryAfter = Duration.ofSeconds(Integer.getInteger("bench.several.storm.retry-after-seconds", 2));
        int freshMessages = Integer.getInteger("bench.several.freshness.messages", 500);
        int others = 20;
        TestWorkspace workspace = new TestWorkspace(servers.get(0).base);
        List<Person> people = new ArrayList<>();
        List<UUID> connections = new ArrayList<>();
        List<String> mailboxes = new ArrayList<>();
        for (int i = 0; i < others; i++) {
            Person person = workspace.person("p" + i);
            people.add(person);
            connections.add(ServerCluster.on(servers.get(i % servers.size()), person, workspace).connect());
            mailboxes.add(person.microsoft().upn().toLowerCase());
        }
        long pushed = 0;
        for (int i = 0; i < others; i++) {
            JsonNode view = people.get(i).awaitConnection(connections.get(i), v -> "webhook".equals(v.get("delivery").asText())
                    && v.get("sync").get("historyComplete").asBoolean(), Duration.ofSeconds(90));
            pushed += "webhook".equals(view.get("delivery").asText()) ? 1 : 0;
        }
        Person sender = workspace.person("sender");
        UUID senderConnection = sender.connect();
        sender.awaitConnection(senderConnection, v -> v.get("sync").get("historyComplete").asBoolean(), Duration.ofSeconds(90));
        // One observer who may read the workspace's mailboxes watches the inbox (as MailFlowsBenchmark's freshness does).
        String observer = "u-observer-" + workspace.suffix;
        Sql.update("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) SELECT id, ?, ?, now() FROM mailbox"
                + " WHERE workspace_id = ?", workspace.id, observer, workspace.id);
        ApiClient watch = ApiClient.at(servers.get(0).base)
                .as(IntegrationEnvironment.tokens().member(observer, "observer@workestra.test", workspace.id));

        // Without the storm.
        String calmLoad = loadAverage();
        Freshness without = MailFlowsBenchmark.freshness(workspace, watch, mailboxes, freshMessages, "calm");
        Map<String, PoolWaits.Waits> calm = poolWaits();

        // The storm: Microsoft throttles the sender's mailbox; 50 sends from it at once, spread over both servers.
        String stormLoad = loadAverage();
        String own = sender.microsoft().upn();
        workspace.tenant.throttleNext(own, throttled, retryAfter);
        ExecutorService senders = Executors.newFixedThreadPool(sends);
        List<Future<Sent>> results = new ArrayList<>();
        long stormStarted = System.nanoTime();
        for (int i = 0; i < sends; i++) {
            Person on = ServerCluster.on(servers.get(i % servers.size()), sender, workspace);
            String subject = "Storm " + i + " " + workspace.suffix;
            results.add(senders.submit(() -> send(on, own, subject)));
        }
        Freshness during = MailFlowsBenchmark.freshness(workspace, watch, mailboxes, freshMessages, "storm");
        Map<String, Integer> statuses = new TreeMap<>();
        double slowest = 0;
        int failed = 0;
        for (Future<Sent> result : results) {
            try {
                Sent sent = result.get(10, TimeUnit.MINUTES);
                statuses.merge(sent.status + sent.code, 1, Integer::sum);
                slowest = Math.max(slowest, sent.seconds);
            } catch (Exception e) {
                failed++;
            }
        }
        senders.shutdownNow();
        double stormSeconds = seconds(stormStarted);
        Map<String, PoolWaits.Waits> storm = poolWaits();
        long sentAtMicrosoft = workspace.tenant.sentMail().stream()
                .filter(mail -> mail.subject() != null && mail.subject().startsWith("Storm ") && mail.subject().endsWith(workspace.suffix)).count();
        long reached = workspace.tenant.mailboxRequests(own).size();

        line("c. %d sends at once from one mailbox Microsoft throttles (its next %d requests answered 429, Retry-After %d s), over"
                        + " %d servers, while %d messages are delivered at 50/s to %d other mailboxes (%d with push); freshness ="
                        + " delivery in the emulator -> visible in GET /api/v1/messages", sends, throttled, retryAfter.toSeconds(),
                servers.size(), freshMessages, others, pushed);
        line("  without the storm: %s; requests that waited for one of a server's %d database connections since it started: %s"
                + "   (load average %s)", without, POOL_SIZE, describe(calm), calmLoad);
        line("  during the storm:  %s; requests that waited for one of a server's %d database connections since it started: %s"
                + "   (load average %s -> %s)", during, POOL_SIZE, describe(storm), stormLoad, loadAverage());
        line("  the sends: answers %s%s, the slowest after %.1f s, all answered %.1f s after the first; %d went out at Microsoft;"
                        + " Graph requests that reached the mailbox past the throttle: %d",
                statuses, failed > 0 ? " (" + failed + " with no answer)" : "", slowest, stormSeconds, sentAtMicrosoft, reached);
        // Payara hands out a connection at once while one is free or may be opened: a request waits only when all 32 of
        // its server's pool are handed out, so none waiting, over the whole life of both servers, is a pool never exhausted.
        FIGURES.atMost("pool: requests that waited for a database connection, either server, since they started",
                storm.values().stream().mapToLong(PoolWaits.Waits::waits).sum(), 0, "");
        FIGURES.atLeast("pool: monitor waits the recordings saw, any (the recording saw the servers' waits at all)",
                storm.values().stream().mapToLong(PoolWaits.Waits::monitorWaits).min().orElseThrow(), 1, "");
        FIGURES.reference("pool: the longest such wait", storm.values().stream().mapToDouble(PoolWaits.Waits::longestMs).max()
                .orElseThrow(), " ms");
        FIGURES.reference("storm: sends answered 202 of " + sends, statuses.getOrDefault("202", 0), "");
        FIGURES.reference("storm: sends sent at Microsoft of " + sends, sentAtMicrosoft, "");
        FIGURES.reference("freshness without the storm, p50", without.p50(), " ms");
        FIGURES.reference("freshness without the storm, p99", without.p99(), " ms");
        FIGURES.atLeast("freshness during the storm: messages visible of " + freshMessages, during.visible(), freshMessages, "");
        // "Unchanged", as a bound: no worse than twice the calm figure, or the calm figure and a second, whichever is larger.
        FIGURES.atMost("freshness during the storm, p50 (unchanged: <= max(2 x calm, calm + 1 s))", during.p50(),
                Math.max(2 * without.p50(), without.p50() + 1_000), " ms");
        FIGURES.atMost("freshness during the storm, p99 (unchanged: <= max(2 x calm, calm + 1 s))", during.p99(),
                Math.max(2 * without.p99(), without.p99() + 1_000), " ms");
    }

    /** A send's answer: its status, the problem's code when it is not 202, and how long it took. */
    record Sent(int status, String code, double seconds) {
    }

    static Sent send(Person person, String from, String subject) {
        String json = "{\"from\":\"" + from + "\",\"to\":[{\"address\":\"customer@example.com\"}],\"subject\":\"" + subject
                + "\",\"body\":{\"contentType\":\"text\",\"content\":\"A reply while Microsoft throttles this mailbox\"}}";
        long started = System.nanoTime();
        ApiClient.Reply reply = person.api().send(person.api().request("/api/v1/messages").timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        String code = "";
        if (reply.status() != 202) {
            try {
                code = " " + reply.json().path("code").asText("");
            } catch (RuntimeException notProblemJson) {
                code = "";
            }
        }
        return new Sent(reply.status(), code, seconds(started));
    }

    static Map<String, PoolWaits.Waits> poolWaits() {
        Map<String, PoolWaits.Waits> waits = new TreeMap<>();
        servers.forEach(server -> waits.put(server.name, PoolWaits.read(server)));
        return waits;
    }

    static String describe(Map<String, PoolWaits.Waits> pools) {
        return pools.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %d (longest %.1f ms; %d monitor waits recorded)",
                e.getKey(), e.getValue().waits(), e.getValue().longestMs(), e.getValue().monitorWaits()))
                .collect(Collectors.joining(", "));
    }

    // ---- helpers

    record Awaited(int complete, int expected) {
        boolean allComplete() {
            return complete == expected;
        }
    }

    /** Waits (bounded) until every one of the connections shows its history complete in the person's connection list. */
    static Awaited awaitHistoryComplete(Person person, Set<UUID> connections) {
        int[] complete = {0};
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode list = person.api().get("/api/v1/outlook/connections").json();
            int done = 0;
            for (JsonNode view : list) {
                if (connections.contains(UUID.fromString(view.get("id").asText())) && view.get("sync").get("historyComplete").asBoolean()) {
                    done++;
                }
            }
            complete[0] = done;
            if (done == connections.size()) {
                break;
            }
            TestWorkspace.sleep(250);
        }
        return new Awaited(complete[0], connections.size());
    }

    static void hold() {
        servers.forEach(server -> new ServiceControls(server.base).holdBackgroundWork());
    }

    static void release() {
        servers.forEach(server -> new ServiceControls(server.base).releaseBackgroundWork());
    }

    static Map<ServerProcess, Duration> cpu() {
        Map<ServerProcess, Duration> cpu = new HashMap<>();
        servers.forEach(server -> cpu.put(server, server.cpuTime()));
        return cpu;
    }

    static String cpuSeconds(Duration before, Duration after) {
        return before == null || after == null ? "n/a" : String.format(Locale.ROOT, "%.1f", after.minus(before).toMillis() / 1e3);
    }

    static void line(String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        System.out.println("[SeveralServersBenchmark] " + text);
        REPORT.append(text).append('\n');
    }

    static String loadAverage() {
        try {
            Path loadavg = Path.of("/proc/loadavg");
            return Files.exists(loadavg) ? String.join(" ", Arrays.copyOf(Files.readString(loadavg).trim().split(" "), 3)) : "n/a";
        } catch (IOException e) {
            return "n/a";
        }
    }

    static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    static void write(String file, String text) {
        try {
            Files.createDirectories(OUT);
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + loadAverage() + ")\n";
            Files.writeString(OUT.resolve(file), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

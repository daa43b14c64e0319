package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The change feed (issue 16 §4): "p99 from stored to delivered on SSE ≤ 500 ms with 200 connected clients", against the
 * deployed WAR (Arquillian container {@code bench}), the emulator and PostgreSQL. {@code changefeed.bench.mailboxes}
 * people (default 10) connect their own mailboxes (push); {@code changefeed.bench.readers} members (default 40) may read
 * all of them (their mailbox access is written in SQL, as MailFlowsBenchmark's observer: the access is the set-up, the
 * feed's delivery is what is measured) and each opens {@code changes.max-streams-per-caller} (5) streams on
 * GET /api/v1/changes/stream: 200 clients, each a java.net.http client reading the event-stream line by line. Then
 * {@code changefeed.bench.rate} messages a second (default 10) are delivered in the emulator for
 * {@code changefeed.bench.seconds} (default 60), round robin over the mailboxes; push makes the service sync them. For
 * every event every client receives: its arrival (the client's clock) minus the change's {@code at}, the database's
 * clock_timestamp() when the change row was written in the storing transaction (just before its commit; the same
 * machine's clock). p50/p95/p99/max over all deliveries; target p99 ≤ 500 ms. Figures go to
 * target/benchmarks/change-feed.txt with the load average.
 */
@DeployedTo("bench")
class ChangeFeedBenchmark extends ServiceIT {

    static final int MAILBOXES = Integer.getInteger("changefeed.bench.mailboxes", 10);
    static final int READERS = Integer.getInteger("changefeed.bench.readers", 40);
    static final int STREAMS_PER_READER = 5;
    static final int RATE = Integer.getInteger("changefeed.bench.rate", 10);
    static final int SECONDS = Integer.getInteger("changefeed.bench.seconds", 60);
    static final double P99_TARGET_MS = 500;
    static final Path OUT = Path.of(System.getProperty("it.dir")).getParent().resolve("benchmarks");
    static final BenchmarkFigures FIGURES = new BenchmarkFigures();

    @Test
    void changesReach200StreamsWithinHalfASecond() throws Exception {
        String loadBefore = load();
        List<String> mailboxes = new ArrayList<>();
        List<UUID> connections = new ArrayList<>();
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < MAILBOXES; i++) {
            Person person = workspace.person("p" + i);
            connections.add(person.connect());
            people.add(person);
            mailboxes.add(person.microsoft().upn().toLowerCase());
        }
        for (int i = 0; i < MAILBOXES; i++) {
            people.get(i).awaitConnection(connections.get(i), v -> "healthy".equals(v.get("health").get("badge").asText()),
                    Duration.ofSeconds(120));
        }
        long pushed = connections.stream()
                .filter(id -> Boolean.TRUE.equals(Sql.single("SELECT pushed FROM sync_state WHERE connection_id = ?", id))).count();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Client> clients = new ArrayList<>();
        try {
            for (int r = 0; r < READERS; r++) {
                String reader = "u-reader" + r + "-" + workspace.suffix;
                Sql.update("INSERT INTO mailbox_access (mailbox_id, workspace_id, user_id, granted_at) SELECT id, ?, ?, now()"
                        + " FROM mailbox WHERE workspace_id = ?", workspace.id, reader, workspace.id);
                ApiClient api = ApiClient.at(base).as(IntegrationEnvironment.tokens().member(reader, "reader" + r + "@workestra.test",
                        workspace.id));
                for (int s = 0; s < STREAMS_PER_READER; s++) {
                    clients.add(Client.open(http, api));
                }
            }
            long openDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (clients.stream().anyMatch(client -> !client.open()) && System.nanoTime() < openDeadline) {
                TestWorkspace.sleep(100);
            }
            long open = clients.stream().filter(Client::open).count();
            String loadStart = load();

            int messages = RATE * SECONDS;
            Map<String, Long> deliveredAt = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
                if (wait > 0) {
                    TestWorkspace.sleep(wait / 1_000_000);
                }
                String subject = "feed-" + workspace.suffix + "-" + i;
                deliveredAt.put(subject, System.currentTimeMillis());
                workspace.tenant.deliver(mailboxes.get(i % MAILBOXES), "feed@example.com", subject, "body");
            }
            String loadDelivered = load();
            long drainDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (clients.stream().anyMatch(client -> client.added.get() < messages) && System.nanoTime() < drainDeadline) {
                TestWorkspace.sleep(200);
            }
            TestWorkspace.sleep(1_000);
            String loadEnd = load();

            // Reference: delivery in the emulator -> the change row written (push notification, sync, store).
            long[] syncMillis = Sql.column("SELECT m.subject || '|' || (extract(epoch FROM c.at) * 1000)::bigint FROM change c"
                    + " JOIN message m ON m.id = c.message_id WHERE c.workspace_id = ? AND c.type = 'message.added'", workspace.id)
                    .stream().map(String::valueOf).filter(row -> deliveredAt.containsKey(row.substring(0, row.indexOf('|'))))
                    .mapToLong(row -> Long.parseLong(row.substring(row.indexOf('|') + 1)) - deliveredAt.get(row.substring(0, row.indexOf('|'))))
                    .sorted().toArray();
            // Where the time goes: stored -> the first of the 200 clients to read it (the loop's tick, its statements, one
            // write), and the first -> the last client (the fan-out to every stream).
            long[] first = Client.ARRIVALS.values().stream().mapToLong(a -> a[1] - a[0]).sorted().toArray();
            long[] spread = Client.ARRIVALS.values().stream().mapToLong(a -> a[2] - a[1]).sorted().toArray();
            long[] micros = clients.stream().flatMap(client -> client.latencies.stream()).mapToLong(Long::longValue).sorted().toArray();
            long added = clients.stream().mapToLong(client -> client.added.get()).sum();
            long complete = clients.stream().filter(client -> client.added.get() >= messages).count();
            long closed = clients.stream().filter(Client::ended).count();
            double p50 = percentile(micros, 0.50);
            double p95 = percentile(micros, 0.95);
            double p99 = percentile(micros, 0.99);
            double max = micros.length == 0 ? Double.NaN : micros[micros.length - 1] / 1e3;
            String figures = String.join("\n",
                    FIGURES.atLeast("change feed: streams open of " + clients.size(), open, READERS * STREAMS_PER_READER, "").line(),
                    FIGURES.atLeast("change feed: message.added deliveries of " + messages + " x " + clients.size(), added,
                            (double) messages * clients.size(), "").line(),
                    FIGURES.reference("change feed, before it: p50 delivered in the emulator -> change stored (push, sync)",
                            percentile(syncMillis, 0.50) * 1e3, " ms").line(),
                    FIGURES.reference("change feed, before it: p99 delivered in the emulator -> change stored (push, sync)",
                            percentile(syncMillis, 0.99) * 1e3, " ms").line(),
                    FIGURES.reference("change feed: p50 stored -> delivered on SSE", p50, " ms").line(),
                    FIGURES.reference("change feed: p95 stored -> delivered on SSE", p95, " ms").line(),
                    FIGURES.atMost("change feed: p99 stored -> delivered on SSE, " + clients.size() + " clients", p99, P99_TARGET_MS,
                            " ms").line(),
                    FIGURES.reference("change feed, where the time goes: p50 stored -> first client", percentile(first, 0.50), " ms").line(),
                    FIGURES.reference("change feed, where the time goes: p99 stored -> first client", percentile(first, 0.99), " ms").line(),
                    FIGURES.reference("change feed, where the time goes: p50 first -> last client", percentile(spread, 0.50), " ms").line(),
                    FIGURES.reference("change feed, where the time goes: p99 first -> last client", percentile(spread, 0.99), " ms").line(),
                    FIGURES.reference("change feed: max stored -> delivered on SSE", max, " ms").line());
            write(String.format(Locale.ROOT, """
                            change feed: %d messages delivered in the emulator at %d/s for %d s, round robin over %d personal mailboxes\
                             (%d of %d with push); %d readers of all of them, %d streams each on GET /api/v1/changes/stream
                              %d of %d streams open; %,d events received (message.added %,d); %d of %d clients got every message.added;\
                             %d streams ended early
                              stored (change.at, clock_timestamp() in the storing transaction) -> line read by the client:\
                             p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms over %,d deliveries
                              load average: before set-up %s; streams open %s; delivery done %s; end %s
                            %s
                            """, messages, RATE, SECONDS, MAILBOXES, pushed, MAILBOXES, READERS, STREAMS_PER_READER, open, clients.size(),
                    micros.length, added, complete, clients.size(), closed, p50, p95, p99, max, micros.length, loadBefore, loadStart,
                    loadDelivered, loadEnd, figures));
        } finally {
            clients.forEach(Client::close);
        }
        FIGURES.assertAllMet();
    }

    static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p) - 1)] / 1e3;
    }

    /** One SSE client: reads the stream line by line on its own thread and keeps each event's delay after its change's at. */
    static final class Client {
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final AtomicInteger added = new AtomicInteger();
        /** Per change id: its at, its first and its last arrival on any client (epoch microseconds). */
        static final Map<String, long[]> ARRIVALS = new ConcurrentHashMap<>();
        private volatile boolean open;
        private volatile boolean ended;
        private volatile Stream<String> lines;

        static Client open(HttpClient http, ApiClient api) {
            Client client = new Client();
            http.sendAsync(api.request("/api/v1/changes/stream").header("Accept", "text/event-stream")
                    .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                if (response.statusCode() != 200) {
                    System.out.println("stream refused: " + response.statusCode());
                    client.ended = true;
                    return;
                }
                client.lines = response.body();
                Thread reader = new Thread(client::read, "sse-bench-client");
                reader.setDaemon(true);
                reader.start();
            }).exceptionally(failure -> {
                System.out.println("stream failed: " + failure);
                client.ended = true;
                return null;
            });
            return client;
        }

        boolean open() {
            return open;
        }

        boolean ended() {
            return ended;
        }

        private void read() {
            String name = null;
            String id = null;
            try {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith(":")) {
                        open = true;
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        Instant arrived = Instant.now();
                        int at = line.indexOf("\"at\":\"");
                        if (at >= 0) {
                            Instant stored = Instant.parse(line.substring(at + 6, line.indexOf('"', at + 6)));
                            latencies.add(Duration.between(stored, arrived).toNanos() / 1_000);
                            long storedMicros = micros(stored);
                            long arrivedMicros = micros(arrived);
                            if (id != null) {
                                ARRIVALS.merge(id, new long[] {storedMicros, arrivedMicros, arrivedMicros},
                                        (a, b) -> new long[] {a[0], Math.min(a[1], b[1]), Math.max(a[2], b[2])});
                            }
                        }
                        if ("message.added".equals(name)) {
                            added.incrementAndGet();
                        }
                    } else if (line.isEmpty()) {
                        name = null;
                        id = null;
                    }
                }
            } catch (RuntimeException closed) {
                // closed at the end
            }
            ended = true;
        }

        static long micros(Instant instant) {
            return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
        }

        void close() {
            Stream<String> body = lines;
            if (body != null) {
                body.close();
            }
        }
    }

    static String load() {
        try {
            return Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
        } catch (IOException e) {
            return "n/a";
        }
    }

    static void write(String text) {
        try {
            Files.createDirectories(OUT);
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + load() + ")\n";
            Files.writeString(OUT.resolve("change-feed.txt"), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package com.workestra.sharedmailboxes.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 18 target 1: from {@code java -jar payara-micro.jar … --deploy} to {@code /health/ready} UP in at most 12 s, with
 * the WAR that ships. Boots {@code target/shared-mailboxes.war} {@code bench.boot.runs} times (default 5) one after the
 * other as production starts it (docs/deployment.md: full JIT, {@code -Xmx512m}, {@code --nohazelcast}; {@link
 * ServerProcess} adds the test environment's database, emulator and secrets), then as many times with C1 only (the quick
 * boot deployment.md names; see {@link #setups}), each time measuring the wall time from starting the process to the
 * first 200 of {@code /health/ready} (polled every 50 ms), the CPU time the server used until then, and Payara's own
 * "ready in" figure from its log. The first boot also migrates an empty database; the others find it migrated, as a
 * restarted or added server does. Figures go to {@code target/benchmarks/boot.txt} beside the target, with the load
 * average before and after each boot; nothing is asserted on time. {@code mvn -B -Pbench verify -Dit.test=BootBenchmark}.
 */
class BootBenchmark {

    static final Path OUT = Path.of(System.getProperty("it.dir")).getParent().resolve("benchmarks");
    static final double TARGET_SECONDS = 12;
    static final Duration STARTUP = Duration.ofMinutes(10);
    static final Pattern READY_IN = Pattern.compile("ready in ([0-9,]+) \\(ms\\)");

    record Boot(int run, double wallSeconds, double cpuSeconds, double payaraReadySeconds, String loadBefore, String loadAfter) {
    }

    /** A way to start the server: its name in the report and its JVM options beside production's. */
    record Setup(String name, List<String> jvm) {
    }

    /**
     * Production's command (full JIT), then the same with C1 only ({@code -XX:TieredStopAtLevel=1}, the choice
     * docs/deployment.md names for a quick boot); {@code bench.boot.jvm} (space-separated) replaces both with one setup:
     * production's with those options, {@code {run}} in them becoming the boot's number, e.g.
     * {@code -Dbench.boot.jvm="-XX:StartFlightRecording=settings=profile,filename=target/boot-{run}.jfr"}.
     */
    static List<Setup> setups() {
        List<String> extra = options("bench.boot.jvm");
        if (!extra.isEmpty()) {
            return List.of(new Setup("full JIT with " + String.join(" ", extra), extra));
        }
        return List.of(new Setup("full JIT (production's command)", List.of()),
                new Setup("C1 only (-XX:TieredStopAtLevel=1)", List.of("-XX:TieredStopAtLevel=1")));
    }

    @Test
    void bootToReady() throws Exception {
        int runs = Integer.getInteger("bench.boot.runs", 5);
        StringBuilder report = new StringBuilder("boot to /health/ready, target/shared-mailboxes.war on Payara Micro as"
                + " docs/deployment.md starts it (-Xmx512m, --nohazelcast), one boot after the other\n");
        BenchmarkFigures figures = new BenchmarkFigures();
        List<Setup> setups = setups();
        for (Setup setup : setups) {
            List<Boot> boots = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                boots.add(boot(run, setup));
                System.out.println("boot " + run + ", " + setup.name() + ": " + boots.get(boots.size() - 1));
            }
            report.append(report(setup, boots, figures, setup == setups.get(0)));
        }
        write(report.append(figures.report()).toString());
    }

    Boot boot(int run, Setup setup) throws Exception {
        int httpPort = Integer.getInteger("it.http.port");
        int httpsPort = Integer.getInteger("it.https.port");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        deleteLogs(Path.of(System.getProperty("it.dir")), "payara-boot.log");
        String loadBefore = loadAverage();
        long started = System.nanoTime();
        try (ServerProcess server = ServerProcess.start("boot", httpPort, httpsPort, jvm(setup, run), List.of(), Map.of(), micro())) {
            long deadline = started + STARTUP.toNanos();
            String last = "no answer yet";
            while (true) {
                if (!server.isAlive()) {
                    throw new AssertionError("the server exited during boot (log: " + server.log + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not ready within " + STARTUP + "; /health/ready's last answer: " + last
                            + " (log: " + server.log + ")");
                }
                try {
                    HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        break;
                    }
                    last = answer.statusCode() + " " + answer.body();
                } catch (IOException notListeningYet) {
                    last = notListeningYet.toString();
                }
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - started) / 1e9;
            Duration cpu = server.cpuTime();
            Boot boot = new Boot(run, wall, cpu == null ? Double.NaN : cpu.toMillis() / 1e3, payaraReadyIn(server.log),
                    loadBefore, loadAverage());
            server.stop();
            return boot;
        }
    }

    /** The production JVM options and the setup's; {@code {run}} in them becomes the boot's number. */
    static List<String> jvm(Setup setup, int run) {
        List<String> options = new ArrayList<>(ServerProcess.PRODUCTION_JVM);
        setup.jvm().forEach(option -> options.add(option.replace("{run}", String.valueOf(run))));
        return options;
    }

    /** Payara Micro options beside production's, {@code bench.boot.micro}, e.g. {@code --nocluster}. */
    static List<String> micro() {
        return options("bench.boot.micro");
    }

    /** A system property's space-separated options; none when it is not set. */
    static List<String> options(String property) {
        String value = System.getProperty(property, "").trim();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    static String report(Setup setup, List<Boot> boots, BenchmarkFigures figures, boolean migrates) {
        StringBuilder out = new StringBuilder("  " + setup.name() + "\n");
        for (Boot boot : boots) {
            out.append(String.format(Locale.ROOT, "    boot %d%s: %5.1f s to ready, %5.1f s CPU, Payara's \"ready in\" %5.1f s   (load average %s -> %s)%n",
                    boot.run(), migrates && boot.run() == 1 ? " (migrates an empty database)" : "", boot.wallSeconds(), boot.cpuSeconds(),
                    boot.payaraReadySeconds(), boot.loadBefore(), boot.loadAfter()));
        }
        double median = median(boots.stream().mapToDouble(Boot::wallSeconds).toArray());
        double cpu = median(boots.stream().mapToDouble(Boot::cpuSeconds).toArray());
        figures.atMost("boot, " + setup.name() + ": to /health/ready UP, median of " + boots.size(), median, TARGET_SECONDS, " s");
        figures.reference("boot, " + setup.name() + ": server CPU time until ready, median of " + boots.size(), cpu, " s");
        return out.toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Payara Micro's own "ready in N (ms)" from the log the server wrote, NaN when it is not there. */
    static double payaraReadyIn(Path log) {
        try (var files = Files.list(log.getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString())).toList()) {
                Matcher matcher = READY_IN.matcher(Files.readString(file));
                String last = null;
                while (matcher.find()) {
                    last = matcher.group(1);
                }
                if (last != null) {
                    return Long.parseLong(last.replace(",", "")) / 1e3;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Each boot's "ready in" is read from a log of its own. */
    static void deleteLogs(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                Files.delete(file);
            }
        }
    }

    static String loadAverage() {
        try {
            Path loadavg = Path.of("/proc/loadavg");
            return Files.exists(loadavg) ? Files.readString(loadavg).trim().split(" ")[0] : "n/a";
        } catch (IOException e) {
            return "n/a";
        }
    }

    static void write(String text) {
        try {
            Files.createDirectories(OUT);
            String load = Files.exists(Path.of("/proc/loadavg")) ? Files.readString(Path.of("/proc/loadavg")).trim() : "n/a";
            text = text + "  (" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, load average " + load + ")\n";
            Files.writeString(OUT.resolve("boot.txt"), text);
            System.out.println(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

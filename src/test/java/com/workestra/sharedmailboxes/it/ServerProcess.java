package com.workestra.sharedmailboxes.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real Payara Micro process running the WAR as built, started the way the Arquillian containers start theirs
 * ({@code arquillian.xml}): the same Payara Micro jar, PostgreSQL driver ({@code --addlibs}) and post-boot commands
 * (the datasource from {@code DB_*}), the same environment (inherited from the test JVM, where Failsafe put what
 * production sets), {@code --nohazelcast} (servers coordinate through PostgreSQL, not Payara's Hazelcast), plus system
 * properties of its own. Several of them on one database are what {@link SeveralServersIT} runs. Readiness is the
 * service's own {@code /health/ready}, never the log (Payara Micro logs ready even when the deployment failed).
 */
final class ServerProcess implements AutoCloseable {

    /**
     * Generous: three servers booting at once on two cores shared with other builds (load average 15 to 27) took 5 to
     * 7.7 minutes here; one alone on an idle machine takes about 30 s.
     */
    private static final Duration STARTUP = Duration.ofMinutes(12);

    final String name;
    final URL base;
    final Path log;
    private final Process process;

    private ServerProcess(String name, URL base, Path log, Process process) {
        this.name = name;
        this.base = base;
        this.log = log;
        this.process = process;
    }

    /**
     * The JVM options of the tests' servers: the JIT stops at C1, which cuts a Payara Micro boot by about a third on two
     * cores (benchmarks use {@link #PRODUCTION_JVM} instead).
     */
    static final List<String> TEST_JVM = List.of("-XX:TieredStopAtLevel=1", "-Xmx384m");
    /** The JVM options docs/deployment.md gives production: the full JIT. */
    static final List<String> PRODUCTION_JVM = List.of("-Xmx512m");

    /**
     * Starts the process with these JVM options ({@link #TEST_JVM}, {@link #PRODUCTION_JVM}) before the system properties,
     * and some of the inherited environment replaced (such as {@code DB_PORT}: another database); {@link #awaitReady}
     * waits until the service answers ready.
     */
    static ServerProcess start(String name, int httpPort, int httpsPort, List<String> jvmOptions, List<String> systemProperties,
                               Map<String, String> environment) {
        return start(name, httpPort, httpsPort, jvmOptions, systemProperties, environment, List.of());
    }

    /** As above, with Payara Micro options of its own beside those production uses (e.g. {@code --nocluster}). */
    static ServerProcess start(String name, int httpPort, int httpsPort, List<String> jvmOptions, List<String> systemProperties,
                               Map<String, String> environment, List<String> microOptions) {
        Path itDir = Path.of(System.getProperty("it.dir"));
        Path home = itDir.resolve("server-" + name);
        try {
            Files.createDirectories(home);
            // Deployed as ROOT.war: the service at /, as Arquillian deploys it.
            Path war = Files.copy(Path.of(System.getProperty("it.war")), home.resolve("ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
            Path log = itDir.resolve("payara-" + name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-Duser.timezone=UTC");
            command.add("-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl");
            command.add("-Djava.io.tmpdir=" + home);
            command.addAll(systemProperties);
            command.addAll(List.of("-jar", System.getProperty("it.payara.micro.jar"),
                    "--nohazelcast", "--name", name,
                    "--port", Integer.toString(httpPort), "--sslport", Integer.toString(httpsPort),
                    "--addlibs", System.getProperty("it.postgresql.jar"),
                    "--postbootcommandfile", System.getProperty("it.postboot"),
                    "--deploy", war.toString(),
                    "--logtofile", log.toString()));
            command.addAll(microOptions);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("console.out").toFile())
                    .start();
            return new ServerProcess(name, new URL("http://127.0.0.1:" + httpPort + "/"), log, process);
        } catch (IOException e) {
            throw new UncheckedIOException("starting server " + name, e);
        }
    }

    /** Waits until the deployed service answers {@code /health/ready} with 200. */
    ServerProcess awaitReady() {
        ApiClient anonymous = ApiClient.at(base);
        Await.until("server " + name + " ready (log: " + log + ")", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("server " + name + " exited with " + process.exitValue() + " (log: " + log + ")");
            }
            try {
                return anonymous.get("/health/ready").status() == 200;
            } catch (RuntimeException notListeningYet) {
                return false;
            }
        }, STARTUP);
        return this;
    }

    /** The name this server's sync leases carry ({@code sync_state.lease_owner}), from its testing controls. */
    String syncLeaseOwner() {
        return ApiClient.at(base).get("/api/v1/testing/background").json().get("syncLeaseOwner").asText();
    }

    /** The CPU time the process has used so far (all its threads), or null where the platform does not tell. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(null);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** kill -9: the process ends at once, nothing of it runs any more (no shutdown hook, no @PreDestroy). */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** A graceful stop (SIGTERM): Payara Micro undeploys the service, which gives up what it holds. */
    void stop() {
        process.destroy();
        awaitExit();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }
}

package com.workestra.sharedmailboxes.it;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The requests that waited for a connection of a server's JDBC pool, as the server's own flight recorder saw them. Payara
 * hands out a connection at once while one is free or may be opened; only when all {@code --maxpoolsize} are handed out
 * does the request wait in {@code ConnectionPool.getResource}, on a monitor of its own ({@code Object.wait}). The
 * server records every monitor wait with its stack ({@code src/test/resources/bench/pool-waits.jfc}); none there means
 * the pool was never exhausted. (Payara's own pool statistics stay at zero in Payara Micro, which lacks the agent its
 * probes need.)
 */
final class PoolWaits {

    static final String RECORDING = "pool-waits";
    static final String POOL_PACKAGE = "com.sun.enterprise.resource.pool.";

    /**
     * @param waits         requests that waited for a connection
     * @param longestMs     the longest of those waits
     * @param monitorWaits  every monitor wait recorded, pool or not: the recording saw the server's waits at all
     */
    record Waits(long waits, double longestMs, long monitorWaits) {
    }

    private PoolWaits() {
    }

    /** The JVM options that start the server's recording. */
    static List<String> jvmOptions(String server) {
        Path settings = Path.of("src", "test", "resources", "bench", "pool-waits.jfc").toAbsolutePath();
        return List.of("-XX:StartFlightRecording=name=" + RECORDING + ",settings=" + settings + ",filename=" + file(server));
    }

    /** Everything the server recorded since it started. */
    static Waits read(ServerProcess server) {
        Path dump = file(server.name);
        try {
            Files.deleteIfExists(dump);
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.pid()), "JFR.dump", "name=" + RECORDING, "filename=" + dump).redirectErrorStream(true).start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0 || !Files.exists(dump)) {
                throw new IllegalStateException("server " + server.name + ": its flight recording was not dumped: " + said);
            }
            long waits = 0;
            long monitorWaits = 0;
            double longest = 0;
            for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
                if (!event.getEventType().getName().equals("jdk.JavaMonitorWait")) {
                    continue;
                }
                monitorWaits++;
                if (forAConnection(event)) {
                    waits++;
                    longest = Math.max(longest, event.getDuration().toNanos() / 1e6);
                }
            }
            return new Waits(waits, longest, monitorWaits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean forAConnection(RecordedEvent event) {
        if (event.getStackTrace() == null) {
            return false;
        }
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        return frames.stream().limit(4).anyMatch(frame -> frame.getMethod().getName().equals("getResource")
                && frame.getMethod().getType().getName().startsWith(POOL_PACKAGE));
    }

    private static Path file(String server) {
        return Path.of(System.getProperty("it.dir"), RECORDING + "-" + server + ".jfr");
    }
}

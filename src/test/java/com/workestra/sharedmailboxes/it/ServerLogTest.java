package com.workestra.sharedmailboxes.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerLogTest {

    @Test
    void onlyWhatTheServerLoggedSinceTheSnapshotCounts(@TempDir Path dir) throws IOException {
        Path log = Files.write(dir.resolve("payara-bench.log.0"), List.of("[earlier run] java.lang.OutOfMemoryError: Java heap space"));
        Files.write(dir.resolve("payara-polling.log.0"), List.of("java.lang.OutOfMemoryError in another server's log"));
        ServerLog atStart = ServerLog.now(dir, "payara-bench.log");

        Files.write(log, List.of("[this run] started", "[this run] java.lang.OutOfMemoryError: Java heap space"),
                StandardOpenOption.APPEND);
        Files.write(dir.resolve("payara-bench.log.1"), List.of("[this run, rotated] java.lang.OutOfMemoryError: Metaspace"));

        assertEquals(2, atStart.linesAddedContaining("OutOfMemoryError"));
        assertEquals(0, ServerLog.now(dir, "payara-bench.log").linesAddedContaining("OutOfMemoryError"));
    }

    @Test
    void aLogStartedAfreshIsReadWhole(@TempDir Path dir) throws IOException {
        Path log = Files.write(dir.resolve("payara-bench.log.0"), List.of("a long log of an earlier run", "more of it"));
        ServerLog atStart = ServerLog.now(dir, "payara-bench.log");
        Files.write(log, List.of("java.lang.OutOfMemoryError"));
        assertEquals(1, atStart.linesAddedContaining("OutOfMemoryError"));
    }
}

package com.workestra.sharedmailboxes.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcLogTest {

    @Test
    void theLargestHeapAnyPauseLeftBehindCountsNotTheHeapBeforeIt() {
        List<String> lines = List.of(
                "[0.012s][info][gc] Using G1",
                "[3.101s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 25M->4M(512M) 11.204ms",
                "[40.517s][info][gc] GC(7) Pause Young (Concurrent Start) (G1 Humongous Allocation) 402M->181M(512M) 20.118ms",
                "[40.611s][info][gc] GC(8) Concurrent Mark Cycle 93.640ms",
                "[40.598s][info][gc] GC(8) Pause Remark 190M->190M(512M) 3.300ms",
                "[41.002s][info][gc] GC(9) Pause Young (Mixed) (G1 Evacuation Pause) 300M->120M(512M) 9.001ms",
                "[55.000s][info][gc] GC(10) Pause Young (Normal) (G1 Evacuation Pause) 512000K->102400K(524288K) 8.000ms");
        assertEquals(190 * 1024 * 1024 / 1e6, GcLog.of(lines).afterAny(), 1e-9);
    }

    @Test
    void afterMixedCollectionsOnlyThePausesThatAlsoReclaimOldRegionsCount(@TempDir Path dir) throws IOException {
        Path log = Files.write(dir.resolve("gc.log"), List.of(
                "[40.517s][info][gc] GC(7) Pause Young (Concurrent Start) (G1 Humongous Allocation) 402M->381M(512M) 20.118ms",
                "[41.002s][info][gc] GC(9) Pause Young (Mixed) (G1 Evacuation Pause) 300M->120M(512M) 9.001ms",
                "[42.002s][info][gc] GC(11) Pause Young (Mixed) (G1 Evacuation Pause) 320M->150M(512M) 9.001ms"));
        assertEquals(150 * 1024 * 1024 / 1e6, GcLog.read(log).afterMixed(), 1e-9);
        assertEquals(381 * 1024 * 1024 / 1e6, GcLog.read(log).afterAny(), 1e-9);
        assertTrue(Double.isNaN(GcLog.read(dir.resolve("absent.log")).afterMixed()));
    }

    @Test
    void afterYoungCollectionsRemarkAndCleanupPausesDoNotCount(@TempDir Path dir) throws IOException {
        Path log = Files.write(dir.resolve("gc.log"), List.of(
                "[40.517s][info][gc] GC(7) Pause Young (Concurrent Start) (G1 Humongous Allocation) 402M->181M(512M) 20.118ms",
                "[40.598s][info][gc] GC(8) Pause Remark 415M->397M(512M) 3.300ms",
                "[40.700s][info][gc] GC(8) Pause Cleanup 422M->422M(512M) 0.200ms",
                "[41.002s][info][gc] GC(9) Pause Young (Mixed) (G1 Evacuation Pause) 300M->120M(512M) 9.001ms",
                "[42.002s][info][gc] GC(10) Pause Young (Normal) (G1 Evacuation Pause) 455M->213M(512M) 9.001ms"));
        GcLog.Maxima maxima = GcLog.read(log);
        assertEquals(213 * 1024 * 1024 / 1e6, maxima.afterYoung(), 1e-9);
        assertEquals(422 * 1024 * 1024 / 1e6, maxima.afterAny(), 1e-9);
    }

    @Test
    void aLogWithoutAnyPauseHasNoFigure() {
        GcLog.Maxima maxima = GcLog.of(List.of("[0.012s][info][gc] Using G1"));
        assertTrue(Double.isNaN(maxima.afterAny()) && Double.isNaN(maxima.afterYoung()) && Double.isNaN(maxima.afterMixed()));
    }
}

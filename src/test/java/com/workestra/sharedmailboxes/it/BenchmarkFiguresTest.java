package com.workestra.sharedmailboxes.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkFiguresTest {

    @Test
    void aFigureOnTheRightSideOfItsTargetIsMetAndOnTheTargetItselfToo() {
        BenchmarkFigures figures = new BenchmarkFigures();
        assertTrue(figures.atLeast("backfill", 7_575, 5_000, " messages/s").met());
        assertTrue(figures.atLeast("backfill at the target", 5_000, 5_000, " messages/s").met());
        assertTrue(figures.atMost("inbox p95", 11.8, 20, " ms").met());
        assertTrue(figures.atMost("inbox p95 at the target", 20, 20, " ms").met());
        assertTrue(figures.reference("raw limit", 37_982, " messages/s").met(), "a reference has nothing to miss");
        assertEquals(0, figures.missed().size());
        assertDoesNotThrow(figures::assertAllMet);
        assertTrue(figures.report().endsWith("all 4 targets met\n"), figures.report());
    }

    @Test
    void aFigureOnTheWrongSideOrNotMeasuredIsMissed() {
        BenchmarkFigures figures = new BenchmarkFigures();
        assertFalse(figures.atLeast("backfill", 4_300, 5_000, " messages/s").met());
        assertFalse(figures.atMost("webhook p99", 50.1, 50, " ms").met());
        assertFalse(figures.atMost("freshness p99", Double.NaN, 3_000, " ms").met(), "not measured is not met");
        assertFalse(figures.atLeast("visible", Double.NaN, 1_000, "").met());
        assertEquals(4, figures.missed().size());
    }

    @Test
    void theReportPrintsEveryFigureWithItsTargetAndVerdictAndTheFailureComesAfterwardsNamingTheMissedOnes() {
        BenchmarkFigures figures = new BenchmarkFigures();
        figures.atLeast("backfill through the service", 7_575, 5_000, " messages/s");
        figures.atMost("webhook acknowledgement p99", 123.4, 50, " ms");
        figures.reference("raw limit, PostgreSQL alone", 37_982, " messages/s");

        String report = figures.report();
        String[] lines = report.split("\n");
        assertEquals(4, lines.length, report);
        assertTrue(lines[0].contains("backfill through the service") && lines[0].contains("7,575 messages/s")
                && lines[0].contains("target >= 5,000 messages/s") && lines[0].endsWith("met"), lines[0]);
        assertTrue(lines[1].contains("123.4 ms") && lines[1].contains("target <= 50 ms") && lines[1].endsWith("MISSED"), lines[1]);
        assertTrue(lines[2].contains("37,982 messages/s") && lines[2].contains("no target"), lines[2]);
        assertEquals("1 of 2 targets MISSED", lines[3]);

        AssertionError failure = assertThrows(AssertionError.class, figures::assertAllMet);
        assertTrue(failure.getMessage().contains("webhook acknowledgement p99"), failure.getMessage());
        assertFalse(failure.getMessage().contains("backfill"), "only the missed figures: " + failure.getMessage());
    }
}

package com.workestra.sharedmailboxes.messages.boundary;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A sent mail's record, when the database cannot take it: written later, each step once, in order; never thrown at the sender. */
class UnrecordedSendsTest {

    private final UnrecordedSends unrecorded = new UnrecordedSends();
    private final List<String> written = new ArrayList<>();
    private final AtomicBoolean databaseAway = new AtomicBoolean();

    UnrecordedSendsTest() {
        unrecorded.lifetime = Duration.ofHours(24);
    }

    private Runnable step(String name) {
        return () -> {
            if (databaseAway.get()) {
                throw new IllegalStateException("the database is away");
            }
            written.add(name);
        };
    }

    @Test
    void writtenAtOnceWhenTheDatabaseTakesIt() {
        unrecorded.write("mail 1", List.of(step("audit"), step("key")));

        assertEquals(List.of("audit", "key"), written);
        assertEquals(0, unrecorded.waiting());
    }

    @Test
    void writtenByTheRetryOnceTheDatabaseIsBackEachStepOnce() {
        databaseAway.set(true);
        unrecorded.write("mail 1", List.of(step("audit"), step("key")));
        assertEquals(1, unrecorded.waiting(), "waits, and the sender is not told otherwise");

        unrecorded.retry();
        assertEquals(List.of(), written, "nothing while the database is away");

        databaseAway.set(false);
        unrecorded.retry();
        assertEquals(List.of("audit", "key"), written);
        assertEquals(0, unrecorded.waiting());
        unrecorded.retry();
        assertEquals(List.of("audit", "key"), written, "never written twice");
    }

    @Test
    void aStepThatCommittedIsNotWrittenAgainWhenALaterOneFails() {
        List<Runnable> steps = List.of(step("audit"), () -> {
            if (written.size() < 2) {
                written.add("key refused");
                throw new IllegalStateException("the database went away between the steps");
            }
            written.add("key");
        });
        unrecorded.write("mail 1", steps);
        unrecorded.retry();

        assertEquals(List.of("audit", "key refused", "key"), written);
        assertEquals(0, unrecorded.waiting());
    }

    @Test
    void givenUpAfterTheKeysLifetime() {
        unrecorded.lifetime = Duration.ZERO;
        databaseAway.set(true);
        unrecorded.write("mail 1", List.of(step("audit")));

        unrecorded.retry();
        assertEquals(0, unrecorded.waiting(), "no longer held (logged at SEVERE)");
    }
}

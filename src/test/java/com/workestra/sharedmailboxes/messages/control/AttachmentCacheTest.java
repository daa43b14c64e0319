package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.clock.control.ServiceClock;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a reader downloads is what the next reader gets from this server's memory or disk, for the configured time and
 * size only; with the default nothing is kept and every download asks Exchange. On disk, nothing outlives what is kept.
 */
class AttachmentCacheTest {

    static final UUID MAILBOX = UUID.randomUUID();
    final ServiceClock clock = new ServiceClock();
    final List<AttachmentCache> started = new ArrayList<>();

    @TempDir
    Path directory;

    AttachmentCache cache(String mode, long maxBytes) {
        AttachmentCache cache = new AttachmentCache(mode, maxBytes, Duration.ofMinutes(15), Optional.of(directory.toString()), clock);
        started.add(cache);
        return cache;
    }

    @AfterEach
    void stop() {
        started.forEach(AttachmentCache::stop);
    }

    static byte[] content(AttachmentCache.Hit hit) throws IOException {
        try (InputStream in = hit.content()) {
            return in.readAllBytes();
        }
    }

    /** Every file under the cache's directory but the locks. */
    List<Path> filesKept() throws IOException {
        try (var walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".lock")).toList();
        }
    }

    static Attachment file(String id, long size) {
        return new Attachment(id, "invoice.pdf", "application/pdf", size, false, null, "file");
    }

    /** A download from Exchange through the cache: every byte reaches the reader whether it is kept or not. */
    static byte[] download(AttachmentCache cache, Attachment attachment, byte[] fromExchange) throws IOException {
        ByteArrayOutputStream reader = new ByteArrayOutputStream();
        AttachmentCache.Copy copy = cache.copy(MAILBOX, "AAMk-1", attachment, null, reader);
        copy.write(fromExchange, 0, fromExchange.length / 2);
        copy.write(fromExchange, fromExchange.length / 2, fromExchange.length - fromExchange.length / 2);
        copy.finished();
        return reader.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "disk"})
    void aDownloadIsKeptForTheNextReaderUntilItsTimeIsUp(String mode) throws IOException {
        AttachmentCache cache = cache(mode, 64 * 1024);
        byte[] pdf = bytes(4_000, 7);
        assertArrayEquals(pdf, download(cache, file("att-1", pdf.length), pdf));

        AttachmentCache.Hit kept = cache.find(MAILBOX, "AAMk-1", "att-1").orElseThrow();
        assertArrayEquals(pdf, content(kept));
        assertEquals("invoice.pdf", kept.attachment().name());
        assertTrue(cache.find(UUID.randomUUID(), "AAMk-1", "att-1").isEmpty(), "another mailbox's message is another message");

        clock.advance(Duration.ofMinutes(14));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-1").isPresent());
        clock.advance(Duration.ofMinutes(2));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-1").isEmpty(), "kept 15 minutes after it was fetched, not longer");
        if (mode.equals("disk")) {
            download(cache, file("att-9", 10), bytes(10, 9));
            assertEquals(1, filesKept().size(), "the expired file is deleted; the new one is the only one on disk");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "disk"})
    void aFileLargerThanAnEighthOfTheCacheIsStreamedWhole_butNeverKept(String mode) throws IOException {
        AttachmentCache cache = cache(mode, 8 * 1024);
        byte[] large = bytes(1_025, 3);
        assertArrayEquals(large, download(cache, file("att-2", 100), large), "Exchange's size was wrong: still streamed whole");
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-2").isEmpty());
        assertArrayEquals(large, download(cache, file("att-3", large.length), large));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-3").isEmpty());
        assertEquals(List.of(), filesKept(), "no part file left behind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "disk"})
    void theCacheHoldsAtMostItsSizeInAll(String mode) throws IOException {
        AttachmentCache cache = cache(mode, 8 * 1024);
        for (int i = 0; i < 20; i++) {
            byte[] content = bytes(1_000, i);
            download(cache, file("att-" + i, content.length), content);
        }
        long kept = 0;
        for (int i = 0; i < 20; i++) {
            Optional<AttachmentCache.Hit> hit = cache.find(MAILBOX, "AAMk-1", "att-" + i);
            if (hit.isPresent()) {
                kept += content(hit.get()).length;
            }
        }
        assertTrue(kept <= 8 * 1024, "kept " + kept + " bytes");
        assertTrue(kept > 0, "something is kept");
        long onDisk = 0;
        for (Path file : filesKept()) {
            onDisk += Files.size(file);
        }
        assertTrue(onDisk <= 8 * 1024, "on disk " + onDisk + " bytes: evicted files are deleted");
        assertEquals(mode.equals("disk"), onDisk > 0);
    }

    @Test
    void aDownloadThatBreaksOffIsNotKeptAndLeavesNoFile() throws IOException {
        AttachmentCache cache = cache("disk", 64 * 1024);
        byte[] pdf = bytes(4_000, 5);
        try (AttachmentCache.Copy copy = cache.copy(MAILBOX, "AAMk-1", file("att-1", pdf.length), null, OutputStream.nullOutputStream())) {
            copy.write(pdf, 0, 1_000);
            // Exchange's stream broke off here: finished() is never called.
        }
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-1").isEmpty());
        assertEquals(List.of(), filesKept());
    }

    @Test
    void aKeptFileStaysReadableForAReaderWhileItIsEvicted() throws IOException {
        AttachmentCache cache = cache("disk", 64 * 1024);
        byte[] pdf = bytes(4_000, 6);
        download(cache, file("att-1", pdf.length), pdf);
        AttachmentCache.Hit reading = cache.find(MAILBOX, "AAMk-1", "att-1").orElseThrow();
        clock.advance(Duration.ofMinutes(16));
        download(cache, file("att-2", 10), bytes(10, 1));
        assertEquals(1, filesKept().size(), "the first file was deleted on its expiry");
        assertArrayEquals(pdf, content(reading), "the reader who opened it before still gets it whole");
    }

    @Test
    void onDiskEachServerKeepsItsOwnDirectoryAndWhatAServerThatDiedLeftIsDeletedByTheNext() throws IOException {
        AttachmentCache first = cache("disk", 64 * 1024);
        download(first, file("att-1", 100), bytes(100, 1));
        AttachmentCache second = cache("disk", 64 * 1024);
        download(second, file("att-1", 100), bytes(100, 2));
        assertEquals(2, filesKept().size(), "a running server's files are not touched by another");
        assertTrue(!first.directory().equals(second.directory()));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(first.directory())));

        second.stop();
        assertEquals(1, filesKept().size(), "a server that stops deletes what it kept");
        assertFalse(Files.exists(second.directory()));

        // A server killed without stopping: its directory stays, its lock is free once the process is gone.
        Path orphan = Files.createDirectories(first.directory().resolveSibling("server-killed"));
        Files.write(orphan.resolve("download-1.kept"), bytes(100, 3));
        cache("disk", 64 * 1024);
        assertFalse(Files.exists(orphan), "the next server to start deletes what a dead one left");
        assertTrue(Files.exists(first.directory()), "and leaves a live one's alone");
    }

    @Test
    void byDefaultNothingIsKeptAndAnUnknownSettingIsNoSetting() throws IOException {
        AttachmentCache none = cache("none", 64 * 1024);
        byte[] pdf = bytes(500, 1);
        assertArrayEquals(pdf, download(none, file("att-1", pdf.length), pdf));
        assertTrue(none.find(MAILBOX, "AAMk-1", "att-1").isEmpty());
        assertTrue(none.isKnownSetting());
        assertTrue(cache("disk", 64 * 1024).isKnownSetting());
        assertFalse(cache("redis", 64 * 1024).isKnownSetting());
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        bytes[0] = (byte) (seed + 1);
        return bytes;
    }
}

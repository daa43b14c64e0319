package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.clock.control.ServiceClock;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a reader downloads is what the next reader gets from memory, for the configured time and size only; with the
 * default nothing is kept and every download asks Exchange.
 */
class AttachmentCacheTest {

    static final UUID MAILBOX = UUID.randomUUID();
    final ServiceClock clock = new ServiceClock();

    AttachmentCache cache(String mode, long maxBytes) {
        return new AttachmentCache(mode, maxBytes, Duration.ofMinutes(15), clock);
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

    @Test
    void inMemoryADownloadIsKeptForTheNextReaderUntilItsTimeIsUp() throws IOException {
        AttachmentCache cache = cache("memory", 64 * 1024);
        byte[] pdf = bytes(4_000, 7);
        assertArrayEquals(pdf, download(cache, file("att-1", pdf.length), pdf));

        AttachmentCache.Kept kept = cache.find(MAILBOX, "AAMk-1", "att-1").orElseThrow();
        assertArrayEquals(pdf, kept.content());
        assertEquals("invoice.pdf", kept.attachment().name());
        assertTrue(cache.find(UUID.randomUUID(), "AAMk-1", "att-1").isEmpty(), "another mailbox's message is another message");

        clock.advance(Duration.ofMinutes(14));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-1").isPresent());
        clock.advance(Duration.ofMinutes(2));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-1").isEmpty(), "kept 15 minutes after it was fetched, not longer");
    }

    @Test
    void aFileLargerThanAnEighthOfTheCacheIsStreamedWhole_butNeverKept() throws IOException {
        AttachmentCache cache = cache("memory", 8 * 1024);
        byte[] large = bytes(1_025, 3);
        assertArrayEquals(large, download(cache, file("att-2", 100), large), "Exchange's size was wrong: still streamed whole");
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-2").isEmpty());
        assertArrayEquals(large, download(cache, file("att-3", large.length), large));
        assertTrue(cache.find(MAILBOX, "AAMk-1", "att-3").isEmpty());
    }

    @Test
    void theCacheHoldsAtMostItsSizeInAll() throws IOException {
        AttachmentCache cache = cache("memory", 8 * 1024);
        for (int i = 0; i < 20; i++) {
            byte[] content = bytes(1_000, i);
            download(cache, file("att-" + i, content.length), content);
        }
        long kept = 0;
        for (int i = 0; i < 20; i++) {
            kept += cache.find(MAILBOX, "AAMk-1", "att-" + i).map(k -> (long) k.content().length).orElse(0L);
        }
        assertTrue(kept <= 8 * 1024, "kept " + kept + " bytes");
        assertTrue(kept > 0, "something is kept");
    }

    @Test
    void byDefaultNothingIsKeptAndAnUnknownSettingIsNoSetting() throws IOException {
        AttachmentCache none = cache("none", 64 * 1024);
        byte[] pdf = bytes(500, 1);
        assertArrayEquals(pdf, download(none, file("att-1", pdf.length), pdf));
        assertTrue(none.find(MAILBOX, "AAMk-1", "att-1").isEmpty());
        assertTrue(none.isKnownSetting());
        assertFalse(cache("disk", 64 * 1024).isKnownSetting());
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        bytes[0] = (byte) (seed + 1);
        return bytes;
    }
}

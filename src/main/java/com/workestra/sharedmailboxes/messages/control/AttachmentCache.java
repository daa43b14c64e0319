package com.workestra.sharedmailboxes.messages.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Attachment content kept on this server, as {@code messages.attachment-cache} says: {@code none} (the default) keeps
 * nothing, so every download asks Exchange with the reader's own token; {@code memory} keeps what was downloaded, in
 * this server's memory, for {@code messages.attachment-cache-ttl} after it was fetched, within
 * {@code messages.attachment-cache-max-bytes} in all (Caffeine evicts what is least likely to be read again), a file larger than an
 * eighth of that never. Nothing is written to disk. A kept attachment is handed only to a reader the service's access
 * rule lets read its message (the caller checks, as for the message itself), also after they disconnected; an
 * attachment of a message a person may no longer read is never handed to them, kept or not.
 */
@ApplicationScoped
public class AttachmentCache {

    /** What is kept of one attachment: Exchange's description and the content. */
    public record Kept(Attachment attachment, String itemType, byte[] content) {
    }

    private record Key(UUID mailboxId, String graphMessageId, String attachmentId) {
    }

    @Inject
    @ConfigProperty(name = "messages.attachment-cache")
    String mode;

    @Inject
    @ConfigProperty(name = "messages.attachment-cache-max-bytes")
    long maxBytes;

    @Inject
    @ConfigProperty(name = "messages.attachment-cache-ttl")
    Duration ttl;

    @Inject
    Clock clock;

    private Cache<Key, Kept> kept;

    public AttachmentCache() {
    }

    /** A cache with these settings, outside the container. */
    public AttachmentCache(String mode, long maxBytes, Duration ttl, Clock clock) {
        this.mode = mode;
        this.maxBytes = maxBytes;
        this.ttl = ttl;
        this.clock = clock;
        start();
    }

    @PostConstruct
    void start() {
        if ("memory".equals(mode)) {
            kept = Caffeine.newBuilder()
                    .maximumWeight(maxBytes)
                    .<Key, Kept>weigher((key, value) -> value.content().length)
                    .expireAfterWrite(ttl.toNanos(), TimeUnit.NANOSECONDS)
                    // The service's clock: expiry follows the time the service lives in (tests move it).
                    .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                    // Evictions on the calling thread: no threads of the JVM's common pool in the container.
                    .executor(Runnable::run)
                    .build();
        }
    }

    /** Whether the setting is one this service knows ({@code none} or {@code memory}). */
    public boolean isKnownSetting() {
        return "none".equals(mode) || "memory".equals(mode);
    }

    public Optional<Kept> find(UUID mailboxId, String graphMessageId, String attachmentId) {
        return kept == null ? Optional.empty() : Optional.ofNullable(kept.getIfPresent(new Key(mailboxId, graphMessageId, attachmentId)));
    }

    /**
     * Where a download from Exchange goes: straight to {@code out} and, when this server keeps attachments, also into
     * memory until it is too large to keep; {@link Copy#finished()} keeps it once the whole content arrived.
     */
    public Copy copy(UUID mailboxId, String graphMessageId, Attachment attachment, String itemType, OutputStream out) {
        long largest = maxBytes / 8;
        boolean keeping = kept != null && attachment.size() <= largest;
        return new Copy(out, keeping ? new ByteArrayOutputStream() : null, largest,
                new Key(mailboxId, graphMessageId, attachment.id()), attachment, itemType);
    }

    /** The stream a download is written to; see {@link #copy}. */
    public final class Copy extends OutputStream {
        private final OutputStream out;
        private ByteArrayOutputStream kept;
        private final long largest;
        private final Key key;
        private final Attachment attachment;
        private final String itemType;

        private Copy(OutputStream out, ByteArrayOutputStream kept, long largest, Key key, Attachment attachment, String itemType) {
            this.out = out;
            this.kept = kept;
            this.largest = largest;
            this.key = key;
            this.attachment = attachment;
            this.itemType = itemType;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            if (kept != null) {
                if (kept.size() + (long) length > largest) {
                    kept = null;
                } else {
                    kept.write(bytes, offset, length);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** The whole content was copied: keep it, if it is being kept. */
        public void finished() {
            if (kept != null) {
                AttachmentCache.this.kept.put(key, new Kept(attachment, itemType, kept.toByteArray()));
            }
        }
    }
}

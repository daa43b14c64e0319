package com.workestra.sharedmailboxes.messages.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Attachment content kept on this server, as {@code messages.attachment-cache} says: {@code none} (the default) keeps
 * nothing, so every download asks Exchange with the reader's own token; {@code memory} keeps what was downloaded in this
 * server's memory, {@code disk} in files of this server's own directory under {@code messages.attachment-cache-dir};
 * either for {@code messages.attachment-cache-ttl} after it was fetched, within {@code messages.attachment-cache-max-bytes}
 * in all (Caffeine evicts what is least likely to be read again; an evicted file is deleted), a file larger than an
 * eighth of that never. A kept attachment is handed only to a reader the service's access rule lets read its message
 * (the caller checks, as for the message itself), also after they disconnected; an attachment of a message a person may
 * no longer read is never handed to them, kept or not.
 * <p>
 * On disk each server process has a directory of its own (owner-only permissions), locked while the process lives:
 * what the process kept is deleted when it stops, and what a killed process left is deleted by the next one to start
 * under the same directory (its lock is free). A download is written to a part file as it streams and becomes a kept
 * file only once it arrived whole.
 */
@ApplicationScoped
public class AttachmentCache {

    private static final Logger LOG = Logger.getLogger(AttachmentCache.class.getName());
    private static final String LOCK = ".lock";

    /** A kept attachment as a reader gets it: Exchange's description and the content, open for reading (close it). */
    public record Hit(Attachment attachment, String itemType, InputStream content) {
    }

    private record Key(UUID mailboxId, String graphMessageId, String attachmentId) {
    }

    /** What is kept of one attachment: in memory ({@code content}) or in a file ({@code file}). */
    private record Kept(Attachment attachment, String itemType, byte[] content, Path file, long size) {
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
    @ConfigProperty(name = "messages.attachment-cache-dir")
    Optional<String> directory;

    @Inject
    Clock clock;

    private Cache<Key, Kept> kept;
    /** With {@code disk}: this process's directory, and the lock that says it is in use. */
    private Path files;
    private FileChannel lockFile;

    public AttachmentCache() {
    }

    /** A cache with these settings, outside the container. */
    public AttachmentCache(String mode, long maxBytes, Duration ttl, Optional<String> directory, Clock clock) {
        this.mode = mode;
        this.maxBytes = maxBytes;
        this.ttl = ttl;
        this.directory = directory;
        this.clock = clock;
        start();
    }

    @PostConstruct
    void start() {
        if (!"memory".equals(mode) && !"disk".equals(mode)) {
            return;
        }
        if ("disk".equals(mode)) {
            try {
                files = ownDirectory(Path.of(directory.orElse(System.getProperty("java.io.tmpdir")))
                        .resolve("workestra-attachment-cache"));
            } catch (IOException e) {
                throw new UncheckedIOException("messages.attachment-cache=disk: no directory to keep attachments in", e);
            }
        }
        kept = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, Kept>weigher((key, value) -> (int) Math.min(Integer.MAX_VALUE, value.size()))
                .expireAfterWrite(ttl.toNanos(), TimeUnit.NANOSECONDS)
                // The service's clock: expiry follows the time the service lives in (tests move it).
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                // Evictions (and their files' deletion) on the calling thread: no threads of the JVM's common pool.
                .executor(Runnable::run)
                .removalListener((Key key, Kept value, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (value != null && value.file() != null) {
                        deleteQuietly(value.file());
                    }
                })
                .build();
    }

    /** Deletes what this process kept on disk; its directory is free for the next one. */
    @PreDestroy
    public void stop() {
        if (kept != null) {
            kept.invalidateAll();
        }
        if (files != null) {
            deleteTree(files);
            try {
                lockFile.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the attachment cache's lock", e);
            }
        }
    }

    /** Whether the setting is one this service knows ({@code none}, {@code memory} or {@code disk}). */
    public boolean isKnownSetting() {
        return "none".equals(mode) || "memory".equals(mode) || "disk".equals(mode);
    }

    /** This server's directory of kept files with {@code disk} (null otherwise). */
    public Path directory() {
        return files;
    }

    public Optional<Hit> find(UUID mailboxId, String graphMessageId, String attachmentId) {
        Kept found = kept == null ? null : kept.getIfPresent(new Key(mailboxId, graphMessageId, attachmentId));
        if (found == null) {
            return Optional.empty();
        }
        if (found.content() != null) {
            return Optional.of(new Hit(found.attachment(), found.itemType(), new ByteArrayInputStream(found.content())));
        }
        try {
            // Open now: a file evicted after this stays readable through the open stream until it is closed.
            return Optional.of(new Hit(found.attachment(), found.itemType(), Files.newInputStream(found.file())));
        } catch (NoSuchFileException evictedMeanwhile) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "a kept attachment could not be read; it is fetched again", e);
            kept.invalidate(new Key(mailboxId, graphMessageId, attachmentId));
            return Optional.empty();
        }
    }

    /**
     * Where a download from Exchange goes: straight to {@code out} and, when this server keeps attachments, also into
     * memory or a part file until it is too large to keep; {@link Copy#finished()} keeps it once the whole content
     * arrived, {@link Copy#close()} drops what was copied of a download that did not finish.
     */
    public Copy copy(UUID mailboxId, String graphMessageId, Attachment attachment, String itemType, OutputStream out) {
        long largest = maxBytes / 8;
        Copy copy = new Copy(out, largest, new Key(mailboxId, graphMessageId, attachment.id()), attachment, itemType);
        if (kept != null && attachment.size() <= largest) {
            if (files == null) {
                copy.memory = new ByteArrayOutputStream();
            } else {
                try {
                    copy.part = Files.createTempFile(files, "download-", ".part");
                    copy.disk = Files.newOutputStream(copy.part);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "an attachment could not be kept on disk; it is streamed only", e);
                    copy.abandon();
                }
            }
        }
        return copy;
    }

    /** The stream a download is written to; see {@link #copy}. */
    public final class Copy extends OutputStream {
        private final OutputStream out;
        private final long largest;
        private final Key key;
        private final Attachment attachment;
        private final String itemType;
        private ByteArrayOutputStream memory;
        private Path part;
        private OutputStream disk;
        private long copied;
        private boolean done;

        private Copy(OutputStream out, long largest, Key key, Attachment attachment, String itemType) {
            this.out = out;
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
            if (memory == null && disk == null) {
                return;
            }
            if (copied + length > largest) {
                abandon();
                return;
            }
            copied += length;
            if (memory != null) {
                memory.write(bytes, offset, length);
                return;
            }
            try {
                disk.write(bytes, offset, length);
            } catch (IOException full) {
                // The reader's download goes on; only keeping it stops (a full disk, say).
                LOG.log(Level.WARNING, "an attachment could not be kept on disk; it is streamed only", full);
                abandon();
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** The whole content was copied: keep it, if it is being kept. */
        public void finished() {
            done = true;
            if (memory != null) {
                kept.put(key, new Kept(attachment, itemType, memory.toByteArray(), null, copied));
                memory = null;
            } else if (disk != null) {
                try {
                    disk.close();
                    disk = null;
                    Path file = part.resolveSibling(part.getFileName().toString().replace(".part", ".kept"));
                    Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
                    part = null;
                    kept.put(key, new Kept(attachment, itemType, null, file, copied));
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "an attachment could not be kept on disk", e);
                    abandon();
                }
            }
        }

        /** Drops what was copied unless {@link #finished()} kept it; the reader's stream is not closed here. */
        @Override
        public void close() {
            if (!done) {
                abandon();
            }
        }

        private void abandon() {
            memory = null;
            if (disk != null) {
                try {
                    disk.close();
                } catch (IOException e) {
                    LOG.log(Level.FINE, "closing a part file", e);
                }
                disk = null;
            }
            if (part != null) {
                deleteQuietly(part);
                part = null;
            }
        }
    }

    /**
     * A new directory for this process under {@code base}, locked while it lives; a sibling whose lock is free belonged
     * to a process that is gone and is deleted.
     */
    private Path ownDirectory(Path base) throws IOException {
        Files.createDirectories(base);
        List<Path> others;
        try (Stream<Path> listed = Files.list(base)) {
            others = listed.filter(Files::isDirectory).toList();
        }
        for (Path other : others) {
            try (FileChannel channel = FileChannel.open(other.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock free = channel.tryLock()) {
                if (free != null) {
                    deleteTree(other);
                }
            } catch (OverlappingFileLockException | IOException inUse) {
                LOG.log(Level.FINE, "an attachment cache directory in use: " + other, inUse);
            }
        }
        Path own;
        try {
            own = Files.createTempDirectory(base, "server-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            own = Files.createTempDirectory(base, "server-");
        }
        lockFile = FileChannel.open(own.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lockFile.lock();
        return own;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AttachmentCache::deleteQuietly);
        } catch (IOException e) {
            LOG.log(Level.FINE, "deleting " + root, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "a kept attachment file could not be deleted: " + file, e);
        }
    }
}

package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.OutgoingAttachment;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sending with attachments as {@code multipart/form-data}: a {@code message} part with the JSON of the JSON request,
 * and one part per file (its file name and content type as sent). Each file is copied to a temporary file while its
 * SHA-256 is computed, never held in memory, and the copy stops at {@code messages.max-attachments-bytes} for all files
 * together (413, the limit in the sentence). {@link Staged#close()} deletes the copies.
 */
@ApplicationScoped
public class AttachmentUploads {

    private static final Logger LOG = Logger.getLogger(AttachmentUploads.class.getName());
    static final String MESSAGE_PART = "message";
    private static final int MAX_MESSAGE_PART_CHARS = 2_000_000;
    private static final int MAX_FILES = 100;

    private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

    @Inject
    @ConfigProperty(name = "messages.max-attachments-bytes")
    long maxAttachmentsBytes;

    @Inject
    Validator validator;

    /** The request's message and its files, on disk until closed. */
    public static final class Staged implements AutoCloseable {
        private final List<OutgoingAttachment> attachments = new ArrayList<>();
        private String messageJson;

        public List<OutgoingAttachment> attachments() {
            return List.copyOf(attachments);
        }

        @Override
        public void close() {
            for (OutgoingAttachment attachment : attachments) {
                try {
                    Files.deleteIfExists(attachment.file());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "Could not delete the staged attachment " + attachment.file(), e);
                }
            }
            attachments.clear();
        }
    }

    /** Copies the files of the request to temporary files and keeps the message part; closes them all on a refusal. */
    public Staged stage(List<EntityPart> parts) {
        Staged staged = new Staged();
        try {
            long total = 0;
            for (EntityPart part : parts == null ? List.<EntityPart>of() : parts) {
                if (MESSAGE_PART.equals(part.getName()) && part.getFileName().isEmpty()) {
                    staged.messageJson = text(part);
                    continue;
                }
                if (staged.attachments.size() == MAX_FILES) {
                    throw new ServiceException(ProblemCode.INVALID_REQUEST, "A message takes at most " + MAX_FILES + " files.");
                }
                OutgoingAttachment attachment = copy(part, total);
                staged.attachments.add(attachment);
                total += attachment.size();
            }
            if (staged.messageJson == null) {
                throw new ServiceException(ProblemCode.INVALID_REQUEST,
                        "A multipart request needs a part named \"message\" with the message's JSON.");
            }
            return staged;
        } catch (RuntimeException e) {
            staged.close();
            throw e;
        }
    }

    /** The message part read as {@code type}, with the same validation as the JSON request. */
    public <T> T message(Staged staged, Class<T> type) {
        T message;
        try {
            message = jsonb.fromJson(staged.messageJson, type);
        } catch (JsonbException e) {
            throw new ServiceException(ProblemCode.MALFORMED_REQUEST, "The \"message\" part is not the message's JSON.");
        }
        if (message == null) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "The \"message\" part is empty.");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(message);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return message;
    }

    private OutgoingAttachment copy(EntityPart part, long before) {
        String name = fileName(part);
        MediaType mediaType = part.getMediaType();
        String contentType = mediaType == null || MediaType.TEXT_PLAIN_TYPE.equals(mediaType) && part.getFileName().isEmpty()
                ? MediaType.APPLICATION_OCTET_STREAM : mediaType.toString();
        Path file = null;
        try {
            file = Files.createTempFile("attachment-", ".upload");
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = new DigestInputStream(part.getContent(), sha256); OutputStream out = Files.newOutputStream(file)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    size += n;
                    if (before + size > maxAttachmentsBytes) {
                        throw tooLarge();
                    }
                    out.write(buffer, 0, n);
                }
            }
            return new OutgoingAttachment(name, contentType, file, size, HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            delete(file);
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            delete(file);
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    ServiceException tooLarge() {
        return new ServiceException(ProblemCode.PAYLOAD_TOO_LARGE, "The attachments of one message may add up to "
                + megabytes(maxAttachmentsBytes) + "; these are larger. Send fewer or smaller files, or share a link instead.");
    }

    /** A byte count as people read it: "35 MB" (MiB, as Exchange counts its limits). */
    static String megabytes(long bytes) {
        double mb = bytes / (1024.0 * 1024.0);
        return mb == Math.rint(mb) ? String.format(Locale.ROOT, "%.0f MB", mb) : String.format(Locale.ROOT, "%.1f MB", mb);
    }

    private static String fileName(EntityPart part) {
        String name = part.getFileName().orElse(part.getName());
        name = name == null ? "" : name.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        if (name.isEmpty()) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "Every file part needs a file name.");
        }
        if (name.length() > 255) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "A file name has at most 255 characters: " + name.substring(0, 40) + "…");
        }
        return name;
    }

    private static String text(EntityPart part) {
        try (InputStream in = part.getContent()) {
            byte[] bytes = in.readNBytes(MAX_MESSAGE_PART_CHARS + 1);
            if (bytes.length > MAX_MESSAGE_PART_CHARS) {
                throw new ServiceException(ProblemCode.PAYLOAD_TOO_LARGE, "The \"message\" part is larger than "
                        + MAX_MESSAGE_PART_CHARS + " bytes.");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the temp directory is the server's
            }
        }
    }
}

package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.messages.control.AttachmentCache;
import com.workestra.sharedmailboxes.messages.control.ExchangeRefusals;
import com.workestra.sharedmailboxes.messages.control.GraphAttachments;
import com.workestra.sharedmailboxes.messages.control.GraphMail;
import com.workestra.sharedmailboxes.messages.control.MailHtmlSanitiser;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A received message's attachments: listed with the single read of the message, and downloaded one at a time, both
 * asked of Exchange with the reader's own delegated token (the connection to the message's mailbox; for a shared one,
 * the parent's token), so Exchange stays the gate. The message's access rule comes first: a message the caller may not
 * read, or an unknown id, is 404 before Microsoft is asked. Each read asks Exchange, with no transaction open (what it
 * needs is read in short transactions before), unless {@code messages.attachment-cache} kept the content of an earlier
 * download ({@link AttachmentCache}); the access rule comes first either way.
 */
@Stateless
public class Attachments {

    private static final Logger LOG = Logger.getLogger(Attachments.class.getName());

    @Inject
    Inbox inbox;

    @Inject
    OutlookConnections connections;

    @Inject
    GraphAttachments graph;

    @Inject
    ExchangeRefusals refusals;

    @Resource
    SessionContext session;

    /** Attachment lists of one conversation read asked of Microsoft at once (each also waits for its mailbox's gate). */
    @Inject
    @ConfigProperty(name = "messages.conversation-attachment-lists")
    int parallelLists;

    /**
     * Messages of one conversation read whose attachments are listed at most: the newest; the older ones are marked
     * {@link Listing#NOT_LISTED} (the single read of such a message lists them), so a long thread costs a bounded
     * number of Graph requests.
     */
    @Inject
    @ConfigProperty(name = "messages.conversation-attachment-list-limit")
    int listLimit;

    /** The container's executor: its threads carry the application's context (CDI, the token vault), no transaction. */
    @Resource
    ManagedExecutorService executor;

    /** {@code messages.attachment-cache}: nothing kept here ({@code none}), or downloads kept in memory or on disk for a while. */
    @Inject
    AttachmentCache cache;

    /**
     * What a download streams: the attachment as Exchange describes it, and its content as this server keeps it
     * ({@code kept}) or how to ask Exchange for it.
     */
    public record Download(Attachment attachment, String itemType, GraphMail.Acting acting, UUID mailboxId, String graphMessageId,
                           InputStream kept) {

        /** Copies the content to {@code out}: as kept, or from Exchange as it arrives; call it with no transaction open. */
        public void copyTo(GraphAttachments graph, AttachmentCache cache, OutputStream out) throws IOException {
            if (kept != null) {
                try (InputStream content = kept) {
                    content.transferTo(out);
                }
                return;
            }
            try (AttachmentCache.Copy copy = cache.copy(mailboxId, graphMessageId, attachment, itemType, out)) {
                graph.copyContent(acting, graphMessageId, attachment.id(), copy);
                copy.finished();
            }
        }
    }

    /**
     * A message's attachments as Exchange listed them just now ({@code unavailable} null), or why they could not be
     * listed: {@code attachments} null and {@code unavailable} the stable code of the problem that stopped it
     * ({@link ProblemCode#THROTTLED}, {@link ProblemCode#MICROSOFT_UNAVAILABLE}: try again shortly;
     * {@link ProblemCode#MAILBOX_ACCESS_DENIED}: Exchange refuses the reader this mailbox; {@link ProblemCode#FORBIDDEN}:
     * the reader holds no connection to the mailbox any more, connect again), or {@code NOT_LISTED}: not asked in this
     * conversation read (more messages with attachments than {@code messages.conversation-attachment-list-limit}); the
     * single read of the message lists them.
     */
    public record Listing(List<Attachment> attachments, String unavailable) {

        static final Listing NONE = new Listing(List.of(), null);

        static final Listing NOT_LISTED = new Listing(null, "NOT_LISTED");

        static Listing unavailable(ProblemCode why) {
            return new Listing(null, why.name());
        }
    }

    /**
     * The single read of a message, with its attachments and its inline images pointed at {@code urls} (the
     * service's download URL of an attachment id). Exchange is asked only when the message has attachments or its body
     * names a {@code cid:} (Exchange reports {@code hasAttachments} false for a message whose only attachments are
     * inline); when it cannot be asked, the message still reads, without {@code attachments} and with
     * {@code attachmentsUnavailable} saying why.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public MessageView read(Caller caller, String id, boolean raw, boolean remoteImages, AttachmentUrls urls) {
        StoredMessage message = inbox.find(caller, id);
        Listing listing = Listing.NONE;
        if (message.mayHaveAttachments()) {
            listing = listing(self().acting(caller, message), message);
        }
        Map<String, String> inline = new HashMap<>();
        if (listing.attachments() != null) {
            for (Attachment attachment : listing.attachments()) {
                if (attachment.contentId() != null) {
                    inline.putIfAbsent(MailHtmlSanitiser.contentId(attachment.contentId()), urls.of(message.id(), attachment.id()));
                }
            }
        }
        return inbox.view(message, raw, remoteImages, listing, inline);
    }

    /**
     * The attachment lists of a conversation's messages that have attachments ({@code hasAttachments}, or inline images
     * their body names), keyed by message id, asked of Exchange with the caller's own connection to each message's
     * mailbox: for the newest {@code messages.conversation-attachment-list-limit} of them that can be asked (the older
     * ones are {@link Listing#NOT_LISTED}; those of a mailbox the caller holds no connection to, FORBIDDEN), at most {@code messages.conversation-attachment-lists} at once (each also through its
     * mailbox's gate), on the container's managed executor, never in a transaction. A list Exchange cannot give now is a
     * {@link Listing} saying why; the others are unaffected. Messages without attachments are absent from the map
     * (nothing to ask).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Map<Long, Listing> listAll(Caller caller, List<StoredMessage> messages) {
        List<StoredMessage> withAttachments = messages.stream().filter(StoredMessage::mayHaveAttachments)
                .sorted(Comparator.comparing(StoredMessage::receivedAt).thenComparing(StoredMessage::id).reversed()).toList();
        Map<Long, Listing> listings = new ConcurrentHashMap<>();
        if (withAttachments.isEmpty()) {
            return listings;
        }
        Map<UUID, Optional<GraphMail.Acting>> acting = new HashMap<>();
        for (StoredMessage message : withAttachments) {
            acting.computeIfAbsent(message.mailboxId(), mailbox -> self().acting(caller, message));
        }
        // The limit counts requests to Microsoft: a message of a mailbox the caller holds no connection to costs none.
        List<StoredMessage> asked = new ArrayList<>();
        for (StoredMessage message : withAttachments) {
            if (acting.get(message.mailboxId()).isEmpty()) {
                listings.put(message.id(), Listing.unavailable(ProblemCode.FORBIDDEN));
            } else if (asked.size() < listLimit) {
                asked.add(message);
            } else {
                listings.put(message.id(), Listing.NOT_LISTED);
            }
        }
        if (asked.isEmpty()) {
            return listings;
        }
        Queue<StoredMessage> pending = new ConcurrentLinkedQueue<>(asked);
        Runnable worker = () -> {
            for (StoredMessage message = pending.poll(); message != null; message = pending.poll()) {
                listings.put(message.id(), listing(acting.get(message.mailboxId()), message));
            }
        };
        int workers = Math.max(1, Math.min(parallelLists, asked.size()));
        List<Future<?>> running = new ArrayList<>(workers);
        try {
            for (int i = 1; i < workers; i++) {
                running.add(executor.submit(worker));
            }
        } catch (RejectedExecutionException busy) {
            LOG.log(Level.FINE, "the managed executor refused a worker; the attachment lists are asked with fewer at once", busy);
        }
        worker.run();
        for (Future<?> work : running) {
            try {
                work.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "listing attachments of a conversation failed", e.getCause());
            }
        }
        for (StoredMessage message : asked) {
            listings.putIfAbsent(message.id(), Listing.unavailable(ProblemCode.MICROSOFT_UNAVAILABLE));
        }
        return listings;
    }

    /** One message's list, or why there is none now; never throws for Microsoft's answer. */
    private Listing listing(Optional<GraphMail.Acting> acting, StoredMessage message) {
        if (acting.isEmpty()) {
            return Listing.unavailable(ProblemCode.FORBIDDEN);
        }
        try {
            return new Listing(toExchange(acting.get(), () -> graph.list(acting.get(), message.graphId())), null);
        } catch (ServiceException unavailable) {
            LOG.log(Level.FINE, "attachments of message {0} not listed: {1}", new Object[] {message.id(), unavailable.detail()});
            return Listing.unavailable(unavailable.code());
        } catch (RuntimeException unavailable) {
            LOG.log(Level.FINE, "attachments of message " + message.id() + " not listed", unavailable);
            return Listing.unavailable(ProblemCode.MICROSOFT_UNAVAILABLE);
        }
    }

    /**
     * An attachment of a message the caller may read, described by Exchange (404 when the message is not theirs to
     * read or Exchange has no such attachment on it), ready to stream. A reference attachment (a link to a file in
     * the cloud) has no content Exchange hands out (Graph answers 405): 400 with that sentence.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Download download(Caller caller, String id, String attachmentId) {
        if (!cache.isKnownSetting()) {
            throw new ServiceException(ProblemCode.INTERNAL_ERROR, "messages.attachment-cache is set to a value this service"
                    + " does not know: none (stream every download from Microsoft 365), memory or disk (keep downloads for a while).");
        }
        StoredMessage message = inbox.find(caller, id);
        if (attachmentId == null || attachmentId.isBlank() || attachmentId.length() > 1024) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no such attachment on message " + id + ".");
        }
        Optional<AttachmentCache.Hit> kept = cache.find(message.mailboxId(), message.graphId(), attachmentId);
        if (kept.isPresent()) {
            return new Download(kept.get().attachment(), kept.get().itemType(), null, message.mailboxId(), message.graphId(),
                    kept.get().content());
        }
        GraphMail.Acting acting = self().acting(caller, message).orElseThrow(() -> new ServiceException(ProblemCode.FORBIDDEN,
                "Connect " + message.mailboxAddress() + " again to open its attachments: they stay in Microsoft 365 and are"
                        + " read with your own access; the message itself stays readable meanwhile."));
        GraphAttachments.Described described = toExchange(acting, () -> graph.describe(acting, message.graphId(), attachmentId));
        if (Attachment.Kind.REFERENCE.apiName().equals(described.attachment().kind())) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "\"" + described.attachment().name() + "\" is a link to a file"
                    + " in the cloud, not a file in the message: open it from Outlook.");
        }
        return new Download(described.attachment(), described.itemType(), acting, message.mailboxId(), message.graphId(), null);
    }

    /** The caller's connection to the message's mailbox, as values; empty when they hold none (history only). */
    public Optional<GraphMail.Acting> acting(Caller caller, StoredMessage message) {
        return connections.toMailbox(caller, message.mailboxId()).map(GraphMail.Acting::of);
    }

    /** Asks Exchange; a refusal of the mailbox itself ends the caller's reading of new mail there (as for every read). */
    private <T> T toExchange(GraphMail.Acting acting, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ServiceException refused) {
            if (refused.code() == ProblemCode.MAILBOX_ACCESS_DENIED) {
                refusals.refused(acting.connectionId());
            }
            throw refused;
        }
    }

    private Attachments self() {
        return session.getBusinessObject(Attachments.class);
    }

    /** Where the service serves an attachment of a message: the resource knows its own base path. */
    @FunctionalInterface
    public interface AttachmentUrls {
        String of(long messageId, String attachmentId);

        static AttachmentUrls under(String basePath) {
            String base = basePath.endsWith("/") ? basePath : basePath + "/";
            return (messageId, attachmentId) -> base + "messages/" + messageId + "/attachments/"
                    + URLEncoder.encode(attachmentId, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}

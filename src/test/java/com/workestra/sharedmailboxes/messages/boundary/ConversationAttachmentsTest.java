package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.messages.control.AttachmentCache;
import com.workestra.sharedmailboxes.messages.control.GraphAttachments;
import com.workestra.sharedmailboxes.messages.control.GraphMail;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.SessionContext;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A conversation's attachment lists without a container: asked concurrently but never more than
 * {@code messages.conversation-attachment-lists} at once, only for messages with attachments, and a list Microsoft
 * cannot give marks only its own message, with the code of why.
 */
class ConversationAttachmentsTest {

    static final Caller ALICE = new Caller("alice", "alice@acme.com", "acme", Set.of());
    static final UUID SUPPORT = UUID.randomUUID();
    static final UUID SALES = UUID.randomUUID();
    static final UUID HISTORY_ONLY = UUID.randomUUID();

    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void listsConcurrentlyAtMostTheBoundAndOneThrottledListMarksOnlyItsMessage() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch fourAtOnce = new CountDownLatch(4);
        GraphAttachments graph = new GraphAttachments() {
            @Override
            public List<Attachment> list(GraphMail.Acting acting, String graphMessageId) {
                asked.incrementAndGet();
                mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    fourAtOnce.countDown();
                    // Holds each call until four are in flight together (or gives up after 10 s: then the bound was not used).
                    fourAtOnce.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                if (graphMessageId.equals("graph-7")) {
                    throw new ServiceException(ProblemCode.THROTTLED, "Microsoft is throttling requests to this mailbox.");
                }
                return List.of(new Attachment("att-" + graphMessageId, "log.pdf", "application/pdf", 10, false, null, "file"));
            }
        };
        Attachments attachments = attachments(graph, 4);

        List<StoredMessage> thread = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            thread.add(message(i, i % 2 == 0 ? SUPPORT : SALES, true));
        }
        thread.add(message(21, SUPPORT, false));
        thread.add(message(22, HISTORY_ONLY, true));

        Map<Long, Attachments.Listing> listings = attachments.listAll(ALICE, thread);

        assertEquals(20, asked.get(), "one request per message with attachments in a mailbox the caller is connected to");
        assertEquals(4, mostAtOnce.get(), "concurrent, and never more than the bound");
        assertFalse(listings.containsKey(21L), "nothing asked for a message without attachments");
        for (int i = 1; i <= 20; i++) {
            Attachments.Listing listing = listings.get((long) i);
            if (i == 7) {
                assertNull(listing.attachments());
                assertEquals("THROTTLED", listing.unavailable());
            } else {
                assertNull(listing.unavailable(), "message " + i);
                assertEquals("att-graph-" + i, listing.attachments().get(0).id());
            }
        }
        assertNull(listings.get(22L).attachments());
        assertEquals("FORBIDDEN", listings.get(22L).unavailable(), "no connection to the mailbox: connect again");
    }

    @Test
    void aThreadWithoutAttachmentsAsksNothing() {
        AtomicInteger asked = new AtomicInteger();
        GraphAttachments graph = new GraphAttachments() {
            @Override
            public List<Attachment> list(GraphMail.Acting acting, String graphMessageId) {
                asked.incrementAndGet();
                return List.of();
            }
        };
        Map<Long, Attachments.Listing> listings = attachments(graph, 4).listAll(ALICE,
                List.of(message(1, SUPPORT, false), message(2, SALES, false)));
        assertTrue(listings.isEmpty());
        assertEquals(0, asked.get());
    }

    private Attachments attachments(GraphAttachments graph, int bound) {
        Attachments attachments = new Attachments() {
            @Override
            public Optional<GraphMail.Acting> acting(Caller caller, StoredMessage message) {
                return message.mailboxId().equals(HISTORY_ONLY) ? Optional.empty()
                        : Optional.of(new GraphMail.Acting(UUID.randomUUID(), message.mailboxId(), "mbx@acme.com", "Mailbox",
                        false, null));
            }
        };
        attachments.graph = graph;
        attachments.parallelLists = bound;
        attachments.listLimit = 20;
        attachments.executor = (ManagedExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class}, (proxy, method, args) -> method.invoke(pool, args));
        attachments.session = (SessionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SessionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBusinessObject")) {
                        return attachments;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return attachments;
    }

    @Test
    void aLongThreadListsTheNewestMessagesAttachmentsAndMarksTheOthersNotListed() {
        List<String> askedFor = java.util.Collections.synchronizedList(new ArrayList<>());
        GraphAttachments graph = new GraphAttachments() {
            @Override
            public List<Attachment> list(GraphMail.Acting acting, String graphMessageId) {
                askedFor.add(graphMessageId);
                return List.of(new Attachment("att-" + graphMessageId, "scan.pdf", "application/pdf", 10, false, null, "file"));
            }
        };
        Attachments attachments = attachments(graph, 4);
        attachments.listLimit = 5;
        // 200 messages, oldest first as a conversation reads them; every other one has attachments, message 2 only an
        // inline image its body names (Exchange: hasAttachments false).
        List<StoredMessage> thread = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            thread.add(message(i, SUPPORT, i % 2 == 1, i == 2));
        }

        Map<Long, Attachments.Listing> listings = attachments.listAll(ALICE, thread);

        assertEquals(5, askedFor.size(), "one read of a 200-message thread asks Microsoft at most the limit's number of times");
        assertEquals(Set.of("graph-199", "graph-197", "graph-195", "graph-193", "graph-191"), Set.copyOf(askedFor),
                "the newest messages with attachments are listed");
        assertEquals(101, listings.size(), "every message with attachments (and the inline-only one) is accounted for");
        for (long older : List.of(189L, 3L, 1L, 2L)) {
            assertNull(listings.get(older).attachments(), "message " + older);
            assertEquals("NOT_LISTED", listings.get(older).unavailable(), "message " + older + ": read it singly for its list");
        }
        assertFalse(listings.containsKey(200L), "nothing to list for a message without attachments or inline images");

        attachments.listLimit = 200;
        askedFor.clear();
        Map<Long, Attachments.Listing> all = attachments.listAll(ALICE, thread);
        assertTrue(askedFor.contains("graph-2"), "a message whose only attachments are inline images is listed too");
        assertEquals("att-graph-2", all.get(2L).attachments().get(0).id());
    }

    /**
     * With messages.attachment-cache=memory or disk: the first download asks Exchange and is kept; the next reader of
     * that message gets it from this server without a request to Microsoft, also once the connection is gone (history),
     * while a person the access rule does not let read the message gets 404, kept or not.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"memory", "disk"})
    void aKeptAttachmentGoesToReadersOfItsMessageWithoutAskingExchangeAndToNobodyElse(String mode,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) throws IOException {
        byte[] pdf = "%PDF-1.7 invoice".getBytes(StandardCharsets.US_ASCII);
        AtomicInteger asked = new AtomicInteger();
        GraphAttachments graph = new GraphAttachments() {
            @Override
            public Described describe(GraphMail.Acting acting, String graphMessageId, String attachmentId) {
                asked.incrementAndGet();
                return new Described(new Attachment(attachmentId, "invoice.pdf", "application/pdf", pdf.length, false, null, "file"), null);
            }

            @Override
            public void copyContent(GraphMail.Acting acting, String graphMessageId, String attachmentId, OutputStream out) {
                asked.incrementAndGet();
                try {
                    out.write(pdf);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        Set<UUID> connected = new java.util.HashSet<>(Set.of(SUPPORT));
        Attachments attachments = attachments(graph, 4);
        Attachments readers = new Attachments() {
            @Override
            public Optional<GraphMail.Acting> acting(Caller caller, StoredMessage message) {
                return connected.contains(message.mailboxId()) ? attachments.acting(caller, message) : Optional.empty();
            }
        };
        readers.graph = graph;
        readers.session = (SessionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SessionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBusinessObject")) {
                        return readers;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        readers.cache = new AttachmentCache(mode, 1 << 20, java.time.Duration.ofMinutes(15), Optional.of(directory.toString()),
                java.time.Clock.systemUTC());
        readers.inbox = new Inbox() {
            @Override
            public StoredMessage find(Caller caller, String id) {
                if (!caller.equals(ALICE)) {
                    throw new ServiceException(ProblemCode.NOT_FOUND, "There is no message " + id + ".");
                }
                return message(Long.parseLong(id), SUPPORT, true);
            }
        };

        assertArrayEquals(pdf, downloaded(readers, ALICE, "1", "att-1"));
        assertEquals(2, asked.get(), "the first download describes the file and streams it from Exchange");
        assertArrayEquals(pdf, downloaded(readers, ALICE, "1", "att-1"));
        assertEquals(2, asked.get(), "the second comes from this server's " + mode);
        connected.clear();
        assertArrayEquals(pdf, downloaded(readers, ALICE, "1", "att-1"), "history after a disconnect: still readable");
        ServiceException other = org.junit.jupiter.api.Assertions.assertThrows(ServiceException.class,
                () -> readers.download(new Caller("bob", "bob@acme.com", "acme", Set.of()), "1", "att-1"));
        assertEquals(ProblemCode.NOT_FOUND, other.code(), "kept or not, only for readers of the message");
        ServiceException notKept = org.junit.jupiter.api.Assertions.assertThrows(ServiceException.class,
                () -> readers.download(ALICE, "2", "att-2"));
        assertEquals(ProblemCode.FORBIDDEN, notKept.code(), "what was never downloaded needs a connection");
    }

    private static byte[] downloaded(Attachments attachments, Caller caller, String id, String attachmentId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Attachments.Download download = attachments.download(caller, id, attachmentId);
        download.copyTo(attachments.graph, attachments.cache, out);
        return out.toByteArray();
    }

    private static StoredMessage message(long id, UUID mailbox, boolean hasAttachments) {
        return message(id, mailbox, hasAttachments, false);
    }

    private static StoredMessage message(long id, UUID mailbox, boolean hasAttachments, boolean namesContentIds) {
        return new StoredMessage(id, mailbox, "mbx@acme.com", Folder.INBOX, "graph-" + id, "Printer", null, null, List.of(),
                List.of(), Instant.parse("2026-11-30T10:00:00Z").plusSeconds(id), true, hasAttachments, "", "conv",
                "<" + id + "@x>", "html", null, null, null, null, namesContentIds);
    }
}

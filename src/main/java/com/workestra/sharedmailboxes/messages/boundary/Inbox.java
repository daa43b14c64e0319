package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.messages.boundary.MessageView.BodyView;
import com.workestra.sharedmailboxes.messages.control.InboxCursor;
import com.workestra.sharedmailboxes.messages.control.ListRequests;
import com.workestra.sharedmailboxes.messages.control.ListRequests.ListRequest;
import com.workestra.sharedmailboxes.messages.control.MailHtmlSanitiser;
import com.workestra.sharedmailboxes.messages.control.MessageQueries;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reading mail: only the mailboxes the caller may read (connected now, or connected before: history stays visible after
 * a disconnect), in the caller's workspace; anything else is indistinguishable from nothing.
 */
@Stateless
public class Inbox {

    @PersistenceContext
    EntityManager em;

    @Inject
    OutlookConnections connections;

    @Inject
    MessageQueries queries;

    @Inject
    MailHtmlSanitiser sanitiser;

    @Inject
    ListRequests requests;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public MessagePage list(Caller caller, String mailbox, String folder, Boolean unread, String q, Integer limit,
                            String cursor, boolean includeRemoved) {
        ListRequest request = requests.parse(folder, unread, q, limit, cursor);
        int size = request.size();
        String address = mailbox == null || mailbox.isBlank() ? null : Mailbox.normalize(mailbox);
        List<StoredMessage> rows = queries.list(caller.workspaceId(), caller.userId(), address, request, includeRemoved);
        // An unknown folder, or one of a mailbox the caller may not read, is not found (never a hint that it exists).
        if (rows == null) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no folder " + request.folder() + " for you.");
        }
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            StoredMessage last = rows.get(size - 1);
            next = new InboxCursor(last.receivedAt(), last.id()).encode();
        }
        return new MessagePage(rows.stream().map(MessageView::of).toList(), next);
    }

    /** One message with the body the UI may render: sanitised HTML without remote images, or text as it is. */
    public MessageView get(Caller caller, String id) {
        return get(caller, id, false, false);
    }

    /**
     * One message with its body: sanitised on every read (the stored original stays intact for history), or the original
     * when {@code raw}; the caller must be allowed to read the message either way.
     */
    public MessageView get(Caller caller, String id, boolean raw, boolean remoteImages) {
        return view(find(caller, id), raw, remoteImages, null, Map.of());
    }

    /**
     * The single read of a message already found: its body (sanitised, with {@code cid:} images pointed at
     * {@code inlineUrls}, keyed by {@link MailHtmlSanitiser#contentId}), and its attachments (null: not asked; else as
     * Exchange listed them, or why it could not).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public MessageView view(StoredMessage message, boolean raw, boolean remoteImages, Attachments.Listing attachments,
                            Map<String, String> inlineUrls) {
        if (message.body() == null) {
            return MessageView.of(message, null, attachments);
        }
        return MessageView.of(message, raw ? BodyView.original(message) : safeBody(message, remoteImages, inlineUrls), attachments);
    }

    private BodyView safeBody(StoredMessage message, boolean remoteImages, Map<String, String> inlineUrls) {
        if (!"html".equalsIgnoreCase(message.bodyType())) {
            return BodyView.original(message);
        }
        MailHtmlSanitiser.SafeHtml safe = sanitiser.sanitise(message.body(), remoteImages, inlineUrls);
        return new BodyView("html", safe.html(), safe.remoteImagesBlocked());
    }

    /** A message the caller may read, with its body, or 404. */
    public StoredMessage find(Caller caller, String id) {
        long key;
        try {
            key = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notFound(id);
        }
        StoredMessage message = queries.find(key, caller.workspaceId(), caller.userId());
        if (message == null) {
            throw notFound(id);
        }
        return message;
    }

    /**
     * The mailboxes the caller has connected now and Exchange has not refused them on: what they can send from (the From
     * dropdown).
     */
    public List<MailboxView> mailboxes(Caller caller) {
        Set<UUID> ended = new HashSet<>();
        queries.readableMailboxes(caller.workspaceId(), caller.userId()).stream()
                .filter(mailbox -> mailbox.readableBefore() != null).forEach(mailbox -> ended.add(mailbox.id()));
        return connections.ofCaller(caller).stream()
                .filter(connection -> !ended.contains(connection.mailbox().id()))
                .map(connection -> new MailboxView(connection.mailbox().address(), connection.kind().name().toLowerCase(Locale.ROOT),
                        connection.id(), connection.mailbox().displayName() == null ? connection.displayName()
                        : connection.mailbox().displayName()))
                .toList();
    }

    private static ServiceException notFound(String id) {
        return new ServiceException(ProblemCode.NOT_FOUND, "There is no message " + id + " for you.");
    }
}

package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.ReadableMailbox;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.control.ConversationQueries;
import com.workestra.sharedmailboxes.messages.control.InboxCursor;
import com.workestra.sharedmailboxes.messages.control.ListRequests;
import com.workestra.sharedmailboxes.messages.control.ListRequests.ListRequest;
import com.workestra.sharedmailboxes.messages.control.MessageQueries;
import com.workestra.sharedmailboxes.messages.entity.Conversation;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Conversations: the threads of the mailboxes the caller may read, by the inbox's rule
 * ({@link MessageQueries#readableMailboxes}: a working connection reads everything, an ended access what was received
 * before it ended; nothing of another workspace), each
 * made of the messages the caller may read and nothing else. A conversation the caller may read nothing of does not
 * exist for them.
 */
@Stateless
public class Conversations {

    @Inject
    MessageQueries messages;

    @Inject
    ConversationQueries queries;

    @Inject
    ListRequests requests;

    @Inject
    Attachments attachments;

    @Resource
    SessionContext session;

    /**
     * The caller's conversations, newest activity first. The filters choose the conversations (one with a message in
     * {@code mailbox} and {@code folder}, unread, matching {@code q}) and their order (by the newest such message); each
     * conversation then shows all the caller may read of it.
     */
    public ConversationPage list(Caller caller, String mailbox, String folder, Boolean unread, String q, Integer limit,
                                 String cursor) {
        ListRequest request = requests.parse(folder, unread, q, limit, cursor);
        int size = request.size();
        // A reader of more mailboxes than a page merges is read with their access rows joined in SQL, as the inbox does.
        Readable readable = readable(messages.readableMailboxes(caller.workspaceId(), caller.userId(), null,
                MessageQueries.DEFAULT_MERGE_LIMIT + 1));
        boolean byReader = readable.addresses().size() > MessageQueries.DEFAULT_MERGE_LIMIT;
        boolean filtered = mailbox != null && !mailbox.isBlank();
        Readable scanned = filtered ? readable(messages.readableMailboxes(caller.workspaceId(), caller.userId(),
                Mailbox.normalize(mailbox), MessageQueries.DEFAULT_MERGE_LIMIT + 1)) : readable;
        boolean scanByReader = byReader && !filtered;
        // An unknown folder, or one of a mailbox the caller may not read, is not found (never a hint that it exists).
        Set<Folder> folders = scanByReader ? messages.readerFolders(caller.workspaceId(), caller.userId(), request.folder())
                : messages.folders(scanned.addresses().keySet(), request.folder());
        if (folders == null) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no folder " + request.folder() + " for you.");
        }
        List<ConversationQueries.Position> positions = queries.page(scanByReader
                ? request.readerQuery(caller.workspaceId(), caller.userId(), folders, false)
                : request.query(caller.workspaceId(), scanned.addresses().keySet(), folders, false, scanned.before()));
        String next = null;
        if (positions.size() > size) {
            positions = positions.subList(0, size);
            ConversationQueries.Position last = positions.get(size - 1);
            next = new InboxCursor(last.receivedAt(), last.messageId()).encode();
        }
        List<Long> threads = positions.stream().map(ConversationQueries.Position::threadId).toList();
        // Each conversation shows all the caller may read of it, whichever mailbox the filter chose it by.
        Map<Long, List<StoredMessage>> messages = byReader ? queries.messagesOfReader(caller.workspaceId(), caller.userId(), threads)
                : queries.messages(caller.workspaceId(), threads, readable.addresses(), readable.before());
        List<ConversationView> items = new ArrayList<>(positions.size());
        for (ConversationQueries.Position position : positions) {
            Conversation conversation = Conversation.of(position.threadId(), messages.getOrDefault(position.threadId(), List.of()));
            if (conversation != null) {
                items.add(ConversationView.summary(conversation));
            }
        }
        return new ConversationPage(items, next);
    }

    /**
     * One conversation with its messages, oldest first, as far as the caller may read them (else 404), each message that
     * has attachments with Exchange's list of them, asked with the caller's own connections outside any transaction
     * ({@link Attachments#listAll}).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public ConversationView get(Caller caller, String id) {
        Conversation conversation = session.getBusinessObject(Conversations.class).find(caller, id);
        return ConversationView.withMessages(conversation, attachments.listAll(caller, conversation.messages()));
    }

    /** One conversation with its messages, oldest first, as far as the caller may read them; else 404. */
    public Conversation find(Caller caller, String id) {
        long thread;
        try {
            thread = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw notFound(id);
        }
        Conversation conversation = Conversation.of(thread, queries.messagesOfReader(caller.workspaceId(), caller.userId(),
                List.of(thread)).getOrDefault(thread, List.of()));
        if (conversation == null) {
            throw notFound(id);
        }
        return conversation;
    }

    /** The caller's readable mailboxes and, for those whose access ended, when: as {@link Inbox} reads them. */
    private static Readable readable(List<ReadableMailbox> mailboxes) {
        Map<UUID, String> addresses = new LinkedHashMap<>();
        Map<UUID, Instant> before = new HashMap<>();
        for (ReadableMailbox mailbox : mailboxes) {
            addresses.put(mailbox.id(), mailbox.address());
            if (mailbox.readableBefore() != null) {
                before.put(mailbox.id(), mailbox.readableBefore());
            }
        }
        return new Readable(addresses, before);
    }

    private record Readable(Map<UUID, String> addresses, Map<UUID, Instant> before) {
    }

    private static ServiceException notFound(String id) {
        return new ServiceException(ProblemCode.NOT_FOUND, "There is no conversation " + id + " for you.");
    }
}

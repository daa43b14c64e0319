package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conversations: the threads of the mailboxes the caller may read, by the inbox's rule
 * ({@link MessageQueries#scope}: a working connection reads everything, an ended access what was received
 * before it ended; nothing of another workspace), each
 * made of the messages the caller may read and nothing else. A conversation the caller may read nothing of does not
 * exist for them.
 */
@Stateless
public class Conversations {

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
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public ConversationPage list(Caller caller, String mailbox, String folder, Boolean unread, String q, Integer limit,
                                 String cursor) {
        ListRequest request = requests.parse(folder, unread, q, limit, cursor);
        int size = request.size();
        String address = mailbox == null || mailbox.isBlank() ? null : Mailbox.normalize(mailbox);
        ConversationQueries.Listing listing = queries.list(caller.workspaceId(), caller.userId(), address, request);
        // An unknown folder, or one of a mailbox the caller may not read, is not found (never a hint that it exists).
        if (listing == null) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "There is no folder " + request.folder() + " for you.");
        }
        List<ConversationQueries.Position> positions = listing.positions();
        String next = null;
        if (positions.size() > size) {
            positions = positions.subList(0, size);
            ConversationQueries.Position last = positions.get(size - 1);
            next = new InboxCursor(last.receivedAt(), last.messageId()).encode();
        }
        // Each conversation shows all the caller may read of it, whichever mailbox the filter chose it by.
        Map<Long, List<StoredMessage>> messages = listing.threads();
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
        Conversation conversation = Conversation.of(thread, queries.messages(caller.workspaceId(), caller.userId(),
                List.of(thread)).getOrDefault(thread, List.of()));
        if (conversation == null) {
            throw notFound(id);
        }
        return conversation;
    }

    private static ServiceException notFound(String id) {
        return new ServiceException(ProblemCode.NOT_FOUND, "There is no conversation " + id + " for you.");
    }
}

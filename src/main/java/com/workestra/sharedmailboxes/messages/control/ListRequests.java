package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.InboxQuery;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.Set;

/**
 * The listing parameters that {@code GET /api/v1/messages} and {@code GET /api/v1/conversations} share (limit, folder,
 * unread, q, cursor), checked in one place with one set of sentences and bounds.
 */
@ApplicationScoped
public class ListRequests {

    /** The longest {@code q} accepted. */
    public static final int MAX_SEARCH_LENGTH = 200;

    /**
     * A checked listing request: one page of {@code size} after the cursor's position (none: the first page), in the
     * folder the API names ({@code folder}, null: every synced folder), which only the mailboxes read can resolve.
     */
    public record ListRequest(String folder, boolean unreadOnly, String search, int size, InboxCursor after) {

        /**
         * The query for this page in the scope's mailboxes and these of their folders; one row more than the page is asked
         * for, to know if more follow.
         */
        public InboxQuery query(ListScope scope, Set<Folder> folders, boolean includeRemoved) {
            Instant afterAt = after == null ? null : after.receivedAt();
            Long afterId = after == null ? null : after.id();
            return new InboxQuery(scope, folders, unreadOnly, search, includeRemoved, afterAt, afterId, size + 1);
        }
    }

    @Inject
    @ConfigProperty(name = "inbox.default-page-size")
    int defaultPageSize;

    @Inject
    @ConfigProperty(name = "inbox.max-page-size")
    int maxPageSize;

    /** The request, or 400 (invalid-request) with a sentence naming the parameter and its bounds. */
    public ListRequest parse(String folder, Boolean unread, String q, Integer limit, String cursor) {
        int size = limit == null ? defaultPageSize : limit;
        if (size < 1 || size > maxPageSize) {
            throw invalid("limit must be between 1 and " + maxPageSize + ".");
        }
        if (q != null && q.length() > MAX_SEARCH_LENGTH) {
            throw invalid("q is limited to " + MAX_SEARCH_LENGTH + " characters.");
        }
        return new ListRequest(folder == null || folder.isBlank() ? null : folder.trim(), Boolean.TRUE.equals(unread), q == null || q.isBlank() ? null : q.trim(), size,
                InboxCursor.decode(cursor));
    }

    private static ServiceException invalid(String sentence) {
        return new ServiceException(ProblemCode.INVALID_REQUEST, sentence);
    }
}

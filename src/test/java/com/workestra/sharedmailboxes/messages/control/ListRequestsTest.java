package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.control.ListRequests.ListRequest;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.ListScope;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one parser of the listing parameters of messages and conversations: defaults, bounds, sentences. */
class ListRequestsTest {

    final ListRequests requests = new ListRequests();

    {
        requests.defaultPageSize = 50;
        requests.maxPageSize = 200;
    }

    @Test
    void defaultsReadEveryFolderFromTheTop() {
        ListRequest request = requests.parse(null, null, "  ", null, null);
        assertEquals(50, request.size());
        assertNull(request.folder(), "no folder: every synced folder");
        assertNull(request.search());
        assertNull(request.after());
        assertEquals(51, request.query(new ListScope("w", "u", Map.of(), Map.of(), false), Set.of(Folder.INBOX), false).limit(),
                "one more row tells whether more follow");
    }

    @Test
    void theFiltersAndTheCursorAreCarriedIntoTheQuery() {
        String cursor = new InboxCursor(Instant.parse("2026-05-01T08:00:00Z"), 42).encode();
        ListRequest request = requests.parse("sent", true, " invoice 50% ", 10, cursor);
        UUID mailbox = UUID.randomUUID();
        assertEquals("sent", request.folder());
        Instant ended = Instant.parse("2026-04-01T00:00:00Z");
        ListScope listed = new ListScope("w", "u", Map.of(mailbox, "support@acme.test"), Map.of(mailbox, ended), false);
        var query = request.query(listed, Set.of(Folder.SENT), true);
        assertEquals(Set.of(Folder.SENT), query.folders());
        assertEquals("invoice 50%", query.search());
        assertEquals(true, query.unreadOnly());
        assertEquals(true, query.includeRemoved());
        assertEquals(42L, query.afterId());
        assertEquals(Instant.parse("2026-05-01T08:00:00Z"), query.afterReceivedAt());
        assertEquals(11, query.limit());
        assertEquals(listed, query.scope(), "the listed mailboxes, with the end of the access");
        assertEquals(ended, query.scope().readableBefore(mailbox));

        ListScope byReader = new ListScope("w", "u", Map.of(), Map.of(), true);
        var wide = request.query(byReader, Set.of(Folder.SENT), false);
        assertEquals(byReader, wide.scope(), "a reader of more mailboxes than a page merges: by their access rows");
        assertEquals(42L, wide.afterId());
        assertEquals("invoice 50%", wide.search());
        assertEquals(11, wide.limit());
    }

    @Test
    void badParametersAreRefusedWithASentenceNamingTheBound() {
        assertEquals("limit must be between 1 and 200.", message(() -> requests.parse(null, null, null, 0, null)));
        assertEquals("limit must be between 1 and 200.", message(() -> requests.parse(null, null, null, 201, null)));
        assertEquals("q is limited to 200 characters.", message(() -> requests.parse(null, null, "x".repeat(201), null, null)));
        assertEquals("The cursor is not one this service handed out.", message(() -> requests.parse(null, null, null, null, "%%")));
        requests.parse(null, null, "x".repeat(200), 200, null);
    }

    private static String message(Runnable parse) {
        ServiceException refused = assertThrows(ServiceException.class, parse::run);
        assertEquals(com.workestra.sharedmailboxes.problems.entity.ProblemCode.INVALID_REQUEST, refused.code());
        return refused.detail();
    }
}

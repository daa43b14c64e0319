package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.changes.control.ChangeLog;
import com.workestra.sharedmailboxes.changes.entity.Change;
import com.workestra.sharedmailboxes.changes.entity.ChangeBatch;
import com.workestra.sharedmailboxes.changes.entity.ChangePage;
import com.workestra.sharedmailboxes.changes.entity.ChangeReader;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /changes}: a caller's page of their workspace's feed after a cursor (a position), the changes they may see,
 * in commit order. A page reads at most {@code changes.max-scan} stored changes, so a caller who may see few of them
 * still gets a bounded answer; its nextCursor moves past what was read. A cursor older than {@code changes.retention}
 * (changes after it were removed) is refused with {@link ProblemCode#CURSOR_EXPIRED}, never continued with a gap.
 */
@ApplicationScoped
public class ChangeFeed {

    @Inject
    ChangeLog log;

    @Inject
    @ConfigProperty(name = "changes.default-page-size")
    int defaultPageSize;

    @Inject
    @ConfigProperty(name = "changes.max-page-size")
    int maxPageSize;

    @Inject
    @ConfigProperty(name = "changes.max-scan")
    int maxScan;

    public ChangePage page(Caller caller, String cursor, Integer limit) {
        int size = limit == null ? defaultPageSize : limit;
        if (size < 1 || size > maxPageSize) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "limit must be between 1 and " + maxPageSize + ".");
        }
        if (cursor == null || cursor.isBlank()) {
            // No cursor: the feed starts now; the answer's nextCursor is where the caller's feed begins.
            return new ChangePage(List.of(), Long.toString(log.latest(caller.workspaceId())));
        }
        long position = position(cursor);
        ChangeReader reader = reader(caller);
        List<Change> items = new ArrayList<>();
        long at = position;
        int scanned = 0;
        while (items.size() < size && scanned < maxScan) {
            int want = Math.min(maxScan - scanned, Math.max(size, 100));
            ChangeBatch read = log.read(caller.workspaceId(), at, want);
            if (read.forgotAfter(at)) {
                throw expired();
            }
            List<StoredChange> batch = read.changes();
            for (StoredChange change : batch) {
                at = change.seq();
                if (reader.sees(change)) {
                    items.add(change.view());
                    if (items.size() == size) {
                        break;
                    }
                }
            }
            scanned += batch.size();
            if (batch.size() < want) {
                break; // caught up
            }
        }
        return new ChangePage(items, Long.toString(at));
    }

    /**
     * The answer to a cursor whose changes the feed no longer holds (older than {@code changes.retention}): continuing
     * would silently skip changes, so the caller is told to re-read what it keeps in sync and start again from now.
     */
    public static ServiceException expired() {
        return new ServiceException(ProblemCode.CURSOR_EXPIRED, "Changes after this cursor were removed (the feed keeps"
                + " changes.retention of them), so some were missed. Re-read what you keep (the messages, conversations and"
                + " connections you show), then continue from a fresh cursor: GET /api/v1/changes without a cursor gives it.");
    }

    ChangeReader reader(Caller caller) {
        return log.readers(caller.workspaceId(), Set.of(caller.userId()), caller.isAdmin() ? Set.of(caller.userId()) : Set.of())
                .get(caller.userId());
    }

    /** A cursor or Last-Event-ID: a position in the feed, as a change's id or a page's nextCursor gave it. */
    public static long position(String cursor) {
        try {
            long position = Long.parseLong(cursor.trim());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ServiceException(ProblemCode.INVALID_REQUEST, "cursor is not a position of the change feed.");
    }
}

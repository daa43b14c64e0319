package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a message that left a synced folder went. Delta only says {@code @removed} (Microsoft documents the reason
 * {@code deleted} for messages and nothing for a move), so each removal of a page is looked up by its immutable id,
 * which a move keeps: found in another folder, it was moved there (Deleted Items, when someone deleted it in Outlook,
 * or a folder this service does not sync) and the row says so; 404, it was deleted. A lookup that fails otherwise
 * leaves the reason unknown; the removal itself never waits on it. At most {@link #MAX_LOOKUPS_PER_PAGE} per page, so a
 * bulk deletion costs a bounded number of requests.
 */
@ApplicationScoped
public class MessageWhereabouts {

    static final int MAX_LOOKUPS_PER_PAGE = 25;
    private static final Logger LOG = Logger.getLogger(MessageWhereabouts.class.getName());

    @Inject
    MailboxGate gate;

    /** The page's removals with what Exchange says about each (no entry: unknown); asks Microsoft, so never in a transaction. */
    public Map<String, Removal> of(GraphServiceClient client, SyncTarget target, DeltaPage page) {
        Map<String, Removal> removals = new HashMap<>();
        Map<String, String> folderNames = new HashMap<>();
        int lookups = 0;
        for (MessageChange change : page.changes()) {
            if (!change.removed() || change.graphId() == null || removals.containsKey(change.graphId())) {
                continue;
            }
            if (lookups++ >= MAX_LOOKUPS_PER_PAGE) {
                break;
            }
            UserItemRequestBuilder user = target.graphUser() == null ? client.me() : client.users().byUserId(target.graphUser());
            try {
                Message found = gate.call(target.mailboxId(), () -> user.messages().byMessageId(change.graphId())
                        .get(request -> request.queryParameters.select = new String[] {"id", "parentFolderId"}));
                String folderId = found == null ? null : found.getParentFolderId();
                if (folderId != null) {
                    String name = folderNames.computeIfAbsent(folderId, id -> folderName(user, target, id));
                    removals.put(change.graphId(), Removal.movedTo(name));
                }
            } catch (RuntimeException failure) {
                GraphFailure graphFailure = GraphFailure.of(failure);
                if (graphFailure != null && graphFailure.status() == 404) {
                    removals.put(change.graphId(), Removal.deleted());
                } else {
                    LOG.log(Level.FINE, "where message " + change.graphId() + " went is not known", failure);
                }
            }
        }
        return removals;
    }

    private String folderName(UserItemRequestBuilder user, SyncTarget target, String folderId) {
        try {
            MailFolder folder = gate.call(target.mailboxId(), () -> user.mailFolders().byMailFolderId(folderId)
                    .get(request -> request.queryParameters.select = new String[] {"displayName"}));
            return folder == null || folder.getDisplayName() == null ? "another folder" : folder.getDisplayName();
        } catch (RuntimeException failure) {
            return "another folder";
        }
    }
}

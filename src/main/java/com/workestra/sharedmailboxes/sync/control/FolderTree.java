package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.MailFolderCollectionResponse;
import com.microsoft.graph.models.MailSearchFolder;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.graph.users.item.mailfolders.delta.DeltaGetResponse;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.messages.entity.MailFolderEntry;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists a mailbox's folder tree at Microsoft. {@code GET .../mailFolders} answers only the folders under the root, so
 * each folder with children is listed in turn ({@code .../mailFolders/{id}/childFolders}), page by page
 * (https://learn.microsoft.com/graph/api/user-list-mailfolders, .../mailfolder-list-childfolders). Graph's v1.0
 * mailFolder has no well-known name property, and display names are localised ("Gesendete Elemente"), so the
 * folders with a well-known name that matters here are asked for by that name
 * (https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names) and matched by id. Mail search
 * folders (virtual; no message delta) and hidden folders are left out. Asks Microsoft: never in a transaction.
 */
@ApplicationScoped
public class FolderTree {

    /** The well-known folders this service tells apart: the two synced as before, the three not synced by default. */
    static final List<String> WELL_KNOWN = List.of("inbox", "sentitems", "deleteditems", "junkemail", "drafts");
    static final String[] SELECT = {"id", "displayName", "parentFolderId", "childFolderCount"};
    static final int PAGE_SIZE = 100;
    /** A bound on a pathological tree: Exchange allows deep nesting, a sync run should not walk thousands of folders. */
    static final int MAX_FOLDERS = 1000;

    @Inject
    MailboxGate gate;

    public List<MailFolderEntry> list(GraphServiceClient client, SyncTarget target) {
        UserItemRequestBuilder user = target.graphUser() == null ? client.me() : client.users().byUserId(target.graphUser());
        Map<String, String> wellKnownById = new HashMap<>();
        for (String name : WELL_KNOWN) {
            try {
                MailFolder folder = gate.call(target.mailboxId(), () -> user.mailFolders().byMailFolderId(name)
                        .get(request -> request.queryParameters.select = new String[] {"id"}));
                if (folder != null && folder.getId() != null) {
                    wellKnownById.put(folder.getId(), name);
                }
            } catch (RuntimeException failure) {
                GraphFailure graphFailure = GraphFailure.of(failure);
                // A mailbox without that folder (Junk Email can be missing) has nothing to exclude; Inbox must be there.
                if (name.equals("inbox") || graphFailure == null || graphFailure.status() != 404) {
                    throw failure;
                }
            }
        }
        List<MailFolderEntry> tree = new ArrayList<>();
        Deque<MailFolderEntry> withChildren = new ArrayDeque<>();
        add(tree, withChildren, wellKnownById, null, gate.call(target.mailboxId(), () -> user.mailFolders().get(request -> {
            request.queryParameters.top = PAGE_SIZE;
            request.queryParameters.select = SELECT;
        })), next -> gate.call(target.mailboxId(), () -> user.mailFolders().withUrl(next).get()));
        while (!withChildren.isEmpty() && tree.size() < MAX_FOLDERS) {
            MailFolderEntry parent = withChildren.poll();
            var children = user.mailFolders().byMailFolderId(parent.graphId()).childFolders();
            add(tree, withChildren, wellKnownById, parent, gate.call(target.mailboxId(), () -> children.get(request -> {
                request.queryParameters.top = PAGE_SIZE;
                request.queryParameters.select = SELECT;
            })), next -> gate.call(target.mailboxId(), () -> children.withUrl(next).get()));
        }
        return tree;
    }

    /**
     * Whether folders changed since {@code deltaLink}, read to the end of the round: {@code GET .../mailFolders/delta}
     * lists "mail folders that have been added, deleted, or removed from the user's mailbox"
     * (https://learn.microsoft.com/graph/api/mailfolder-delta), so a run can tell a new, renamed, moved or deleted folder
     * in one request instead of listing the tree. With no link, a round starts: its pages list every folder (what the
     * listing reads anyway) and count as no change; its delta link is what to ask next time. A link Graph no longer
     * takes (410, or refused outright) and a mailbox over its storage quota (403 {@code ErrorQuotaExceeded}: delta keeps
     * sync state in the mailbox; ordinary folder reads still work) answer "changed, no link": the tree is listed and a
     * new round tried then. Other failures are the run's.
     */
    public FolderChanges changesSince(GraphServiceClient client, SyncTarget target, String deltaLink) {
        UserItemRequestBuilder user = target.graphUser() == null ? client.me() : client.users().byUserId(target.graphUser());
        var delta = user.mailFolders().delta();
        try {
            DeltaGetResponse page = deltaLink == null
                    ? gate.call(target.mailboxId(), () -> delta.get(request -> {
                        request.queryParameters.select = new String[] {"id"};
                        request.headers.add("Prefer", "odata.maxpagesize=" + PAGE_SIZE);
                    }))
                    : gate.call(target.mailboxId(), () -> delta.withUrl(deltaLink).get(
                        request -> request.headers.add("Prefer", "odata.maxpagesize=" + PAGE_SIZE)));
            boolean changed = false;
            for (int pages = 1; page != null; pages++) {
                changed |= deltaLink != null && page.getValue() != null && !page.getValue().isEmpty();
                if (page.getOdataDeltaLink() != null) {
                    return new FolderChanges(changed, page.getOdataDeltaLink());
                }
                String next = page.getOdataNextLink();
                if (next == null || pages * PAGE_SIZE >= MAX_FOLDERS) {
                    return new FolderChanges(true, null);
                }
                page = gate.call(target.mailboxId(), () -> delta.withUrl(next).get(
                        request -> request.headers.add("Prefer", "odata.maxpagesize=" + PAGE_SIZE)));
            }
            return new FolderChanges(true, null);
        } catch (RuntimeException failure) {
            GraphFailure graphFailure = GraphFailure.of(failure);
            if (graphFailure != null && (graphFailure.isSyncStateLost() || graphFailure.isRefusedRequest()
                    || graphFailure.status() == 403 && "ErrorQuotaExceeded".equalsIgnoreCase(graphFailure.code()))) {
                return new FolderChanges(true, null);
            }
            throw failure;
        }
    }

    /** What a folder delta said: whether anything changed, and the link for the next time (null: none to keep). */
    public record FolderChanges(boolean any, String deltaLink) {
    }

    private interface NextPage {
        MailFolderCollectionResponse get(String link);
    }

    private static void add(List<MailFolderEntry> tree, Deque<MailFolderEntry> withChildren, Map<String, String> wellKnownById,
                            MailFolderEntry parent, MailFolderCollectionResponse page, NextPage next) {
        while (page != null) {
            if (page.getValue() != null) {
                for (MailFolder folder : page.getValue()) {
                    if (folder instanceof MailSearchFolder || folder.getId() == null || Boolean.TRUE.equals(folder.getIsHidden())) {
                        continue;
                    }
                    String name = folder.getDisplayName() == null ? "" : folder.getDisplayName();
                    MailFolderEntry entry = new MailFolderEntry(folder.getId(), parent == null ? null : parent.graphId(),
                            wellKnownById.get(folder.getId()), name, parent == null ? name : parent.path() + "/" + name);
                    tree.add(entry);
                    if (folder.getChildFolderCount() != null && folder.getChildFolderCount() > 0) {
                        withChildren.add(entry);
                    }
                }
            }
            String link = page.getOdataNextLink();
            page = link == null || tree.size() >= MAX_FOLDERS ? null : next.get(link);
        }
    }
}

package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.control.FolderSelection;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Which folders of its mailbox one of the caller's connections syncs: read, and chosen. A folder that is deselected
 * stops syncing at the next run (its cursor is dropped); what was synced from it stays, readable as before under the
 * access rule, as it was when it stopped. Choosing asks for a sync, which also lists the folder tree again.
 */
@Stateless
public class ConnectionFolders {

    @Inject
    OutlookConnections connections;

    @Inject
    FolderSelection selection;

    @Inject
    SyncRequests requests;

    @Inject
    Clock clock;

    public FolderChoices of(Caller caller, UUID id) {
        OutlookConnection connection = connections.owned(caller, id);
        List<FolderChoiceView> folders = selection.choices(connection.id(), connection.mailbox().id()).stream()
                .map(FolderChoiceView::of).toList();
        return new FolderChoices(!folders.isEmpty(), folders);
    }

    public FolderChoices choose(Caller caller, UUID id, FolderChoices.Selection body) {
        OutlookConnection connection = connections.owned(caller, id);
        if (body == null || body.selected() == null) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "selected must list the folders to sync.");
        }
        Set<Folder> selected = new LinkedHashSet<>();
        for (String name : body.selected()) {
            Folder folder = Folder.ofApiName(name);
            if (folder == null) {
                throw new ServiceException(ProblemCode.INVALID_REQUEST, "selected must not hold blank folder values.");
            }
            selected.add(folder);
        }
        if (!selection.choose(connection.id(), connection.mailbox().id(), selected, clock.instant())) {
            throw new ServiceException(ProblemCode.NOT_FOUND, "selected names a folder this connection's mailbox does not have.");
        }
        requests.request(connection.id(), SyncReason.SYNC_NOW);
        return of(caller, id);
    }
}

package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.util.UUID;

/** Sync now: marks the connection due; the scheduler runs it as soon as a worker is free. */
@Stateless
public class SyncNow {

    @Inject
    OutlookConnections connections;

    @Inject
    SyncRequests requests;

    /** For one of the caller's own connections. */
    public void request(Caller caller, UUID id) {
        requests.request(connections.owned(caller, id).id(), SyncReason.SYNC_NOW);
    }

    /** By a workspace admin, for any connection of their own workspace. */
    public void requestAsAdmin(Caller admin, UUID id) {
        requests.request(connections.ofWorkspace(admin, id).id(), SyncReason.SYNC_NOW);
    }
}

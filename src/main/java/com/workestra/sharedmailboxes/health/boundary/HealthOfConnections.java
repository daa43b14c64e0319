package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionStatus;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionView;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.control.Badges;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import com.workestra.sharedmailboxes.notifications.control.PushRecords;
import com.workestra.sharedmailboxes.sync.control.SyncSchedule;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A connection's badge, its sync's progress and how its changes reach the service, as API.md's Connection shows them. */
@ApplicationScoped
public class HealthOfConnections implements ConnectionStatus {

    @Inject
    Badges badges;

    @Inject
    SyncSchedule schedule;

    @Inject
    PushRecords push;

    @Override
    public ConnectionView.Status of(OutlookConnection connection) {
        return status(connection, schedule.status(connection.id()), push.note(connection.id()));
    }

    @Override
    public List<ConnectionView.Status> of(List<OutlookConnection> connections) {
        List<UUID> ids = connections.stream().map(OutlookConnection::id).toList();
        Map<UUID, SyncStatus> syncs = schedule.statuses(ids);
        Map<UUID, String> notes = push.notes(ids);
        return connections.stream().map(connection -> status(connection, syncs.getOrDefault(connection.id(), SyncStatus.NONE),
                notes.get(connection.id()))).toList();
    }

    private ConnectionView.Status status(OutlookConnection connection, SyncStatus sync, String note) {
        ConnectionHealth health = badges.of(connection, sync);
        ConnectionView.ErrorView error = health.errorCode() == null ? null
                : new ConnectionView.ErrorView(health.errorCode(), health.errorMessage());
        return new ConnectionView.Status(new ConnectionView.HealthView(health.badge().apiName(), health.lastSyncAt(), error),
                new ConnectionView.SyncView(sync.messagesSynced(), sync.historyComplete(), sync.lastFailure(), sync.lastFailureAt()),
                sync.pushed() ? "webhook" : "polling", note);
    }
}

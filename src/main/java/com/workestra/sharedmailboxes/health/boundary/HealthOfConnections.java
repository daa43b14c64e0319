package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionStatus;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionView;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.control.Badges;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import com.workestra.sharedmailboxes.notifications.boundary.PushDelivery;
import com.workestra.sharedmailboxes.sync.control.SyncLedger;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A connection's badge, its sync's progress and how its changes reach the service, as API.md's Connection shows them. */
@ApplicationScoped
public class HealthOfConnections implements ConnectionStatus {

    @Inject
    Badges badges;

    @Inject
    SyncLedger ledger;

    @Inject
    PushDelivery push;

    @Override
    public ConnectionView.Status of(OutlookConnection connection) {
        SyncStatus sync = ledger.status(connection.id());
        ConnectionHealth health = badges.of(connection, sync);
        ConnectionView.ErrorView error = health.errorCode() == null ? null
                : new ConnectionView.ErrorView(health.errorCode(), health.errorMessage());
        return new ConnectionView.Status(new ConnectionView.HealthView(health.badge().apiName(), health.lastSyncAt(), error),
                new ConnectionView.SyncView(sync.messagesSynced(), sync.historyComplete(), sync.lastFailure(), sync.lastFailureAt()),
                sync.pushed() ? "webhook" : "polling", push.note(connection.id()));
    }
}

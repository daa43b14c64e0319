package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionStatus;
import com.workestra.sharedmailboxes.connections.boundary.ConnectionView;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.control.Badges;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import com.workestra.sharedmailboxes.sync.control.SyncLedger;
import com.workestra.sharedmailboxes.sync.entity.SyncProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** A connection's badge and its sync's progress, as API.md's Connection shows them. */
@ApplicationScoped
public class HealthOfConnections implements ConnectionStatus {

    @Inject
    Badges badges;

    @Inject
    SyncLedger ledger;

    @Override
    public ConnectionView.HealthView health(OutlookConnection connection) {
        ConnectionHealth health = badges.of(connection);
        ConnectionView.ErrorView error = health.errorCode() == null ? null
                : new ConnectionView.ErrorView(health.errorCode(), health.errorMessage());
        return new ConnectionView.HealthView(health.badge().apiName(), health.lastSyncAt(), error);
    }

    @Override
    public ConnectionView.SyncView sync(UUID connectionId) {
        SyncProgress progress = ledger.progress(connectionId);
        return new ConnectionView.SyncView(progress.messagesSynced(), progress.historyComplete(), progress.lastFailure(),
                progress.lastFailureAt());
    }
}

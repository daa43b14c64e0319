package com.workestra.sharedmailboxes.health.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * PRODUCT.md's table: Error when the row or the personal connection it borrows its token from is in error;
 * Never synced until the first sync succeeds; Healthy when the last sync is under 25 hours old; Stale after that.
 */
@ApplicationScoped
public class Badges {

    public static final String PARENT_IN_ERROR =
            "Your personal Outlook connection needs attention: reconnect your Outlook connection and this shared mailbox will recover by itself.";

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "health.stale-after")
    Duration staleAfter;

    public ConnectionHealth of(OutlookConnection connection) {
        return of(connection, clock.instant(), staleAfter);
    }

    static ConnectionHealth of(OutlookConnection connection, Instant now, Duration staleAfter) {
        Instant lastSync = connection.lastSyncAt();
        if (connection.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, connection.errorCode(), connection.errorMessage());
        }
        OutlookConnection parent = connection.parent();
        if (parent != null && parent.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, "PARENT_NOT_HEALTHY", PARENT_IN_ERROR);
        }
        if (lastSync == null) {
            return new ConnectionHealth(Badge.NEVER_SYNCED, null, null, null);
        }
        Badge badge = Duration.between(lastSync, now).compareTo(staleAfter) < 0 ? Badge.HEALTHY : Badge.STALE;
        return new ConnectionHealth(badge, lastSync, null, null);
    }
}

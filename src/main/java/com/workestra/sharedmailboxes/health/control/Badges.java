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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

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

    public static final String SYNC_FAILING = "SYNC_FAILING";
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    @Inject
    @ConfigProperty(name = "health.stale-after")
    Duration staleAfter;

    @Inject
    @ConfigProperty(name = "health.failing-after")
    Duration failingAfter;

    public ConnectionHealth of(OutlookConnection connection) {
        return of(connection, clock.instant(), staleAfter, failingAfter);
    }

    static ConnectionHealth of(OutlookConnection connection, Instant now, Duration staleAfter) {
        return of(connection, now, staleAfter, staleAfter);
    }

    /**
     * As PRODUCT.md's table, and a row whose syncs have kept failing for {@code failingAfter} (Microsoft down or
     * throttling for hours, a request Graph keeps refusing) shows Stale with the reason, never Healthy.
     */
    static ConnectionHealth of(OutlookConnection connection, Instant now, Duration staleAfter, Duration failingAfter) {
        Instant lastSync = connection.lastSyncAt();
        if (connection.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, connection.errorCode(), connection.errorMessage());
        }
        OutlookConnection parent = connection.parent();
        if (parent != null && parent.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, "PARENT_NOT_HEALTHY", PARENT_IN_ERROR);
        }
        Instant failingSince = connection.syncFailingSince();
        if (failingSince != null && Duration.between(failingSince, now).compareTo(failingAfter) >= 0) {
            return new ConnectionHealth(Badge.STALE, lastSync, SYNC_FAILING, "Syncing has failed since " + SINCE.format(failingSince)
                    + ": " + (connection.syncFailure() == null ? "Microsoft 365 did not answer" : connection.syncFailure())
                    + ". Workestra keeps retrying by itself; click Sync now to try at once.");
        }
        if (lastSync == null) {
            return new ConnectionHealth(Badge.NEVER_SYNCED, null, null, null);
        }
        Badge badge = Duration.between(lastSync, now).compareTo(staleAfter) < 0 ? Badge.HEALTHY : Badge.STALE;
        return new ConnectionHealth(badge, lastSync, null, null);
    }
}

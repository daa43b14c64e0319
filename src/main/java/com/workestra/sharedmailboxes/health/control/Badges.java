package com.workestra.sharedmailboxes.health.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    /** {@link #of} for every connection at once, counted in the database: bounded work whatever the number of rows. */
    static final String COUNT = """
            SELECT CASE
                     WHEN c.error_code IS NOT NULL OR p.error_code IS NOT NULL THEN 'ERROR'
                     WHEN s.failing_since IS NOT NULL AND s.failing_since <= ? THEN 'STALE'
                     WHEN s.last_success_at IS NULL THEN 'NEVER_SYNCED'
                     WHEN s.last_success_at > ? THEN 'HEALTHY'
                     ELSE 'STALE' END, count(*)
              FROM outlook_connection c LEFT JOIN outlook_connection p ON p.id = c.parent_id
                   LEFT JOIN sync_state s ON s.connection_id = c.id
             GROUP BY 1
            """;

    @PersistenceContext
    EntityManager em;

    public Map<Badge, Long> count() {
        Instant now = clock.instant();
        Map<Badge, Long> counts = new EnumMap<>(Badge.class);
        for (Badge badge : Badge.values()) {
            counts.put(badge, 0L);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(COUNT)
                .setParameter(1, OffsetDateTime.ofInstant(now.minus(failingAfter), ZoneOffset.UTC))
                .setParameter(2, OffsetDateTime.ofInstant(now.minus(staleAfter), ZoneOffset.UTC))
                .getResultList();
        for (Object[] row : rows) {
            counts.put(Badge.valueOf((String) row[0]), ((Number) row[1]).longValue());
        }
        return counts;
    }

    public ConnectionHealth of(OutlookConnection connection, SyncStatus sync) {
        return of(connection, sync, clock.instant(), staleAfter, failingAfter);
    }

    /**
     * As PRODUCT.md's table, and a row whose syncs have kept failing for {@code failingAfter} (Microsoft down or
     * throttling for hours, a request Graph keeps refusing) shows Stale with the reason, never Healthy.
     */
    static ConnectionHealth of(OutlookConnection connection, SyncStatus sync, Instant now, Duration staleAfter, Duration failingAfter) {
        Instant lastSync = sync.lastSuccessAt();
        if (connection.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, connection.errorCode(), connection.errorMessage());
        }
        OutlookConnection parent = connection.parent();
        if (parent != null && parent.isInError()) {
            return new ConnectionHealth(Badge.ERROR, lastSync, "PARENT_NOT_HEALTHY", PARENT_IN_ERROR);
        }
        Instant failingSince = sync.failingSince();
        if (failingSince != null && Duration.between(failingSince, now).compareTo(failingAfter) >= 0) {
            return new ConnectionHealth(Badge.STALE, lastSync, SYNC_FAILING, "Syncing has failed since " + SINCE.format(failingSince)
                    + ": " + (sync.lastFailure() == null ? "Microsoft 365 did not answer" : sync.lastFailure())
                    + ". Workestra keeps retrying by itself; click Sync now to try at once.");
        }
        if (lastSync == null) {
            return new ConnectionHealth(Badge.NEVER_SYNCED, null, null, null);
        }
        Badge badge = Duration.between(lastSync, now).compareTo(staleAfter) < 0 ? Badge.HEALTHY : Badge.STALE;
        return new ConnectionHealth(badge, lastSync, null, null);
    }
}

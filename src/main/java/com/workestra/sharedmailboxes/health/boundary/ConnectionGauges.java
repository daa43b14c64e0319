package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code connections{badge=healthy|never_synced|stale|error}}: how many connections show each badge, for an operator's
 * graph. Counted at most every {@code metrics.badge-counts-max-age}, so frequent scrapes cost one query.
 */
@ApplicationScoped
public class ConnectionGauges {

    public static final String NAME = "connections";
    private static final Logger LOG = Logger.getLogger(ConnectionGauges.class.getName());

    @Inject
    ServiceMetrics metrics;

    @Inject
    @Readiness
    BadgeCounts badgeCounts;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "metrics.badge-counts-max-age")
    Duration maxAge;

    private volatile Map<Badge, Long> counts = new EnumMap<>(Badge.class);
    private volatile Instant countedAt = Instant.MIN;

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (Badge badge : Badge.values()) {
            metrics.gauge(NAME, "Outlook connections (personal and shared) per health badge", () -> count(badge),
                    "badge", badge.apiName());
        }
    }

    long count(Badge badge) {
        Instant now = clock.instant();
        if (countedAt.plus(maxAge).isBefore(now)) {
            try {
                counts = badgeCounts.count();
                countedAt = now;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "badge counts unavailable", e);
            }
        }
        return counts.getOrDefault(badge, 0L);
    }
}

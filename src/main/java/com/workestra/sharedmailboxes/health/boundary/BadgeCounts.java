package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.control.Badges;
import com.workestra.sharedmailboxes.health.entity.Badge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.EnumMap;
import java.util.Map;

/**
 * Connections per badge, for operators. Informational: a stale or failing mailbox is a person's problem to fix, not a
 * reason to take this server out of rotation, so the check is always UP.
 */
@Readiness
@ApplicationScoped
public class BadgeCounts implements HealthCheck {

    @PersistenceContext
    EntityManager em;

    @Inject
    Badges badges;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("mailboxes").up();
        try {
            Map<Badge, Long> counts = count();
            counts.forEach((badge, n) -> response.withData(badge.apiName(), n));
        } catch (RuntimeException e) {
            response.withData("unavailable", true);
        }
        return response.build();
    }

    public Map<Badge, Long> count() {
        Map<Badge, Long> counts = new EnumMap<>(Badge.class);
        for (Badge badge : Badge.values()) {
            counts.put(badge, 0L);
        }
        for (OutlookConnection connection : em.createQuery("SELECT c FROM OutlookConnection c LEFT JOIN FETCH c.parent",
                OutlookConnection.class).getResultList()) {
            counts.merge(badges.of(connection).badge(), 1L, Long::sum);
        }
        return counts;
    }
}

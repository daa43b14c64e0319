package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.health.control.Badges;
import com.workestra.sharedmailboxes.health.entity.Badge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Connections per badge, for operators. Informational: a stale or failing mailbox is a person's problem to fix, not a
 * reason to take this server out of rotation, so the check is always UP.
 */
@Readiness
@ApplicationScoped
public class BadgeCounts implements HealthCheck {

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
        return badges.count();
    }
}

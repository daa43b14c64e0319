package com.workestra.sharedmailboxes.metrics.control;

import com.workestra.sharedmailboxes.it.Metrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the server has no MicroProfile Metrics (WildFly), /metrics is the application's Micrometer registry: an
 * operator's scraper must find the names docs/architecture.md promises, as Payara's MicroProfile Metrics names them.
 */
class MicrometerBackendTest {

    @Test
    void theMetricsKeepTheirPrometheusNamesAndLabels() {
        MicrometerBackend backend = new MicrometerBackend();
        backend.count("graph_errors_total", 1, new String[] {"status", "429", "code", "TooManyRequests"});
        backend.count("graph_throttled_total", 1, new String[0]);
        backend.count("syncs_total", 1, new String[] {"outcome", "current"});
        backend.count("messages_synced_total", 250, new String[0]);
        backend.count("webhook_notifications_total", 1, new String[] {"outcome", "accepted"});
        backend.time("sync_duration", "a sync run", Duration.ofMillis(1500));
        backend.time("webhook_acknowledgement", "acknowledging a notification", Duration.ofMillis(20));
        backend.gauge("connections", "per badge", () -> 3, new String[] {"badge", "healthy"});

        Metrics metrics = Metrics.parse(backend.scrape());

        assertEquals(1, metrics.value("graph_errors_total", Map.of("status", "429", "code", "TooManyRequests")), metrics.toString());
        assertEquals(1, metrics.value("graph_throttled_total"), metrics.toString());
        assertEquals(1, metrics.value("syncs_total", Map.of("outcome", "current")), metrics.toString());
        assertEquals(250, metrics.value("messages_synced_total"), metrics.toString());
        assertEquals(1, metrics.value("webhook_notifications_total", Map.of("outcome", "accepted")), metrics.toString());
        assertEquals(1, metrics.value("sync_duration_seconds_count"), metrics.toString());
        assertEquals(1.5, metrics.value("sync_duration_seconds_sum"), 1e-9, metrics.toString());
        assertEquals(1, metrics.value("webhook_acknowledgement_seconds_count"), metrics.toString());
        assertTrue(metrics.value("webhook_acknowledgement_seconds_max") > 0, metrics.toString());
        assertEquals(3, metrics.value("connections", Map.of("badge", "healthy")), metrics.toString());
    }
}

package com.workestra.sharedmailboxes.metrics.control;

import java.time.Duration;
import java.util.function.Supplier;

/** Where {@link ServiceMetrics} writes: the server's MicroProfile Metrics or the application's own Micrometer registry. */
interface MetricsBackend {

    void count(String name, long amount, String[] labels);

    void time(String name, String description, Duration duration);

    void gauge(String name, String description, Supplier<Number> value, String[] labels);

    /** The Prometheus text this application serves itself, or null when the server serves {@code /metrics}. */
    String scrape();
}

package com.workestra.sharedmailboxes.metrics.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A Micrometer Prometheus registry of the application's own, served at {@code /metrics} by {@code
 * metrics.boundary.MetricsServlet}, for servers without MicroProfile Metrics. Counters keep their {@code _total} names,
 * timers are exported in seconds ({@code name_seconds_count}, {@code _sum}, {@code _max}), like MicroProfile Metrics.
 */
final class MicrometerBackend implements MetricsBackend {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Override
    public void count(String name, long amount, String[] labels) {
        Counter.builder(name).tags(Tags.of(labels)).register(registry).increment(amount);
    }

    @Override
    public void time(String name, String description, Duration duration) {
        Timer.builder(name).description(description).register(registry).record(duration);
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value, String[] labels) {
        Gauge.builder(name, value).description(description).tags(Tags.of(labels)).register(registry);
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }
}

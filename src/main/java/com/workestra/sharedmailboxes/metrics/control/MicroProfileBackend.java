package com.workestra.sharedmailboxes.metrics.control;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The server's MicroProfile Metrics application registry; the server serves it at {@code /metrics}. Only loaded when
 * the server has MicroProfile Metrics (this class names its types).
 */
final class MicroProfileBackend implements MetricsBackend {

    private final MetricRegistry registry;

    MicroProfileBackend(Object registry) {
        this.registry = (MetricRegistry) registry;
    }

    @Override
    public void count(String name, long amount, String[] labels) {
        registry.counter(name, tags(labels)).inc(amount);
    }

    @Override
    public void time(String name, String description, Duration duration) {
        // In nanoseconds, as @Timed and timer(name) record: exported in seconds as name_seconds_count, _sum, _max, _mean.
        registry.timer(Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NANOSECONDS)
                .build()).update(duration);
    }

    @Override
    public void gauge(String name, String description, Supplier<Number> value, String[] labels) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), value, Supplier::get,
                tags(labels));
    }

    @Override
    public String scrape() {
        return null;
    }

    private static Tag[] tags(String[] labels) {
        Tag[] tags = new Tag[labels.length / 2];
        for (int i = 0; i < tags.length; i++) {
            tags[i] = new Tag(labels[2 * i], labels[2 * i + 1]);
        }
        return tags;
    }
}

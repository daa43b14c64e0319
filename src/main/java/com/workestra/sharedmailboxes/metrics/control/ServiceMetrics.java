package com.workestra.sharedmailboxes.metrics.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Counters, timers and gauges by name and labels ({@code "key", "value"} pairs). Written to the server's MicroProfile
 * Metrics when the server has it (a {@code MetricRegistry} bean), otherwise to the application's own Micrometer
 * Prometheus registry, which {@link #scrape()} returns for {@code /metrics}. Same names either way.
 */
@ApplicationScoped
public class ServiceMetrics {

    private static final Logger LOG = Logger.getLogger(ServiceMetrics.class.getName());

    /**
     * Looked up through an injected {@code Instance}, not the {@code BeanManager}: a server's {@code MetricRegistry}
     * producer reads the injection point (its {@code @RegistryScope}), which only an injected {@code Instance} gives.
     */
    @Inject
    Instance<Object> beans;

    private MetricsBackend backend;

    @PostConstruct
    void choose() {
        Object registry = serverRegistry();
        backend = registry != null ? new MicroProfileBackend(registry) : new MicrometerBackend();
        LOG.info(() -> registry != null ? "metrics: the server's MicroProfile Metrics"
                : "metrics: no MicroProfile Metrics on this server, the application serves /metrics (Micrometer)");
    }

    public void count(String name, String... labels) {
        count(name, 1, labels);
    }

    public void count(String name, long amount, String... labels) {
        backend.count(name, amount, labels);
    }

    public void time(String name, String description, Duration duration) {
        backend.time(name, description, duration);
    }

    public void gauge(String name, String description, Supplier<Number> value, String... labels) {
        backend.gauge(name, description, value, labels);
    }

    /** The Prometheus text the application serves at {@code /metrics}, or null when the server serves it. */
    public String scrape() {
        return backend.scrape();
    }

    private Object serverRegistry() {
        Class<?> type;
        try {
            type = Class.forName("org.eclipse.microprofile.metrics.MetricRegistry", false, ServiceMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
        Instance<?> registry = beans.select(type);
        return registry.isResolvable() ? registry.get() : null;
    }
}

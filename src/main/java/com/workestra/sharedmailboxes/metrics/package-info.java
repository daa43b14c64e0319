/**
 * The service's own metrics (Prometheus text at {@code /metrics}): one small API, {@link
 * com.workestra.sharedmailboxes.metrics.control.ServiceMetrics}, for the components that count, time and gauge. It writes
 * to MicroProfile Metrics when the server provides it (Payara, which serves {@code /metrics} itself) and otherwise to a
 * Micrometer Prometheus registry the application carries and serves at {@code /metrics} (WildFly, whose recent
 * releases have no MicroProfile Metrics). The choice is by capability, never by server name; the metric names are the same.
 */
package com.workestra.sharedmailboxes.metrics;

package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Locale;

/**
 * What an operator graphs about syncing: {@code syncs_total{outcome}}, {@code sync_duration} (a timer) and
 * {@code messages_synced_total}. The sync engine calls {@link #recordSync} once per finished sync run of a connection.
 */
@ApplicationScoped
public class SyncMetrics {

    public static final String SYNCS = "syncs_total";
    public static final String DURATION = "sync_duration";
    public static final String MESSAGES = "messages_synced_total";

    @Inject
    ServiceMetrics metrics;

    /**
     * @param outcome  how the run ended: {@code current}, {@code yielded} (time budget used, more to come),
     *                 {@code failed} (Exchange refused the mailbox) or {@code deferred} (transient, retried)
     * @param messages messages stored or updated by this run
     */
    public void recordSync(Duration duration, int messages, DeltaSync.Outcome outcome) {
        metrics.count(SYNCS, "outcome", outcome.name().toLowerCase(Locale.ROOT));
        metrics.time(DURATION, "Duration of a sync run of one connection", duration);
        if (messages > 0) {
            metrics.count(MESSAGES, messages);
        }
    }
}

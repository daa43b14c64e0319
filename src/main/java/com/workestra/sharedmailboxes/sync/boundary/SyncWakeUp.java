package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.sync.entity.SyncRequested;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/** Once a request to sync is committed, this server's scheduler looks for due work at once (webhook freshness). */
@ApplicationScoped
public class SyncWakeUp {

    @Inject
    SyncScheduler scheduler;

    void requested(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncRequested request) {
        scheduler.wake();
    }
}

package com.workestra.sharedmailboxes.notifications.control;

import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import jakarta.persistence.EntityManager;

import java.time.Duration;

/** {@link PushRecords} wired by hand, for tests of push delivery without a server. */
public final class PushRecordsFixture {

    private PushRecordsFixture() {
    }

    public static PushRecords of(EntityManager em, AppOnlyIdentity appOnly, SyncRequests syncRequests, int maxFailures,
                                 Duration pollInterval, Duration setUpLease) {
        PushRecords records = new PushRecords();
        records.em = em;
        records.appOnly = appOnly;
        records.syncRequests = syncRequests;
        records.maxFailures = maxFailures;
        records.pollInterval = pollInterval;
        records.setUpLease = setUpLease;
        return records;
    }
}

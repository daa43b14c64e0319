package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.admin.control.ConnectionRow;
import com.workestra.sharedmailboxes.health.entity.Badge;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The toast after adding a shared mailbox says what is true when the page comes back, whatever the first sync did. */
class AddedToastTest {

    private static ConnectionRow row(Badge badge) {
        return new ConnectionRow(UUID.randomUUID(), true, "support@acme.example", "support@acme.example", UUID.randomUUID(),
                badge, badge == Badge.NEVER_SYNCED ? null : Instant.now(), null, "polling", null, false, null, null, List.of());
    }

    @Test
    void alreadySyncedSaysSoAndNeverClaimsNeverSynced() {
        String text = OutlookIntegration.added(row(Badge.HEALTHY));
        assertEquals("support@acme.example was added and its first sync has completed.", text);
        assertFalse(text.contains("Never synced"));
    }

    @Test
    void notYetSyncedSaysTheSyncIsRequestedAndWhereItsProgressShows() {
        assertEquals("support@acme.example was added and its first sync requested: its row shows the progress and turns"
                + " Healthy when the sync completes.", OutlookIntegration.added(row(Badge.NEVER_SYNCED)));
    }

    @Test
    void aFirstSyncThatFailedPointsToTheReason() {
        assertEquals("support@acme.example was added, but its first sync failed: the reason is under its address.",
                OutlookIntegration.added(row(Badge.ERROR)));
    }
}

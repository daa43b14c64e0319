package com.workestra.sharedmailboxes.health.control;

import com.workestra.sharedmailboxes.connections.entity.MicrosoftAccount;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
import com.workestra.sharedmailboxes.sync.entity.SyncStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadgesTest {

    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    static final Duration STALE_AFTER = Duration.ofHours(25);

    OutlookConnection personal = OutlookConnection.personal("w", "u", "u@w", new Mailbox("w", MailboxIdentity.ofUser("oid-alice"), "alice@contoso.test", "Alice", MailboxKind.PERSONAL, T0),
            new MicrosoftAccount("oid", "tid", "alice@contoso.test", "Alice", Set.of("Mail.Read.Shared")), T0);
    OutlookConnection shared = OutlookConnection.shared(personal, new Mailbox("w", MailboxIdentity.ofInbox("inbox-support"), "support@contoso.test", "Support", MailboxKind.SHARED, T0), T0);

    /** What sync has recorded of the shared row's runs, as SyncLedger writes it (a success also clears the row's error). */
    SyncStatus sync = SyncStatus.NONE;

    void synced(Instant at) {
        sync = new SyncStatus(at, null, sync.lastFailure(), sync.lastFailureAt(), false, 0, false);
        shared.clearError(at);
    }

    void syncFailed(String failure, Instant at) {
        sync = new SyncStatus(sync.lastSuccessAt(), sync.failingSince() == null ? at : sync.failingSince(), failure, at, false, 0, false);
    }

    @Test
    void neverSyncedUntilTheFirstSyncSucceedsThenHealthyUnder25HoursThenStale() {
        assertEquals(Badge.NEVER_SYNCED, Badges.of(shared, sync, T0, STALE_AFTER, STALE_AFTER).badge());
        synced(T0);
        assertEquals(Badge.HEALTHY, Badges.of(shared, sync, T0.plus(Duration.ofHours(24)).plusSeconds(3599), STALE_AFTER, STALE_AFTER).badge());
        assertEquals(Badge.STALE, Badges.of(shared, sync, T0.plus(Duration.ofHours(25)), STALE_AFTER, STALE_AFTER).badge());
    }

    @Test
    void anErrorShowsItsSentenceUntilTheNextSuccessfulSync() {
        synced(T0);
        shared.failWith("MAILBOX_ACCESS_DENIED", "Microsoft rejected access to this mailbox", T0.plusSeconds(60));
        var health = Badges.of(shared, sync, T0.plusSeconds(61), STALE_AFTER, STALE_AFTER);
        assertEquals(Badge.ERROR, health.badge());
        assertEquals("Microsoft rejected access to this mailbox", health.errorMessage());
        synced(T0.plusSeconds(120));
        assertEquals(Badge.HEALTHY, Badges.of(shared, sync, T0.plusSeconds(121), STALE_AFTER, STALE_AFTER).badge());
    }

    @Test
    void aSharedRowIsInErrorWhileItsPersonalConnectionIs() {
        synced(T0);
        personal.failWith("RECONNECT_REQUIRED", "Reconnect", T0);
        var health = Badges.of(shared, sync, T0, STALE_AFTER, STALE_AFTER);
        assertEquals(Badge.ERROR, health.badge());
        assertEquals("PARENT_NOT_HEALTHY", health.errorCode());
        assertTrue(health.errorMessage().contains("reconnect your Outlook connection"));
        personal.clearError(T0);
        assertEquals(Badge.HEALTHY, Badges.of(shared, sync, T0, STALE_AFTER, STALE_AFTER).badge());
    }

    @Test
    void syncsThatKeepFailingShowStaleWithTheReasonOnceTheyHaveFailedLongEnough() {
        Duration failingAfter = Duration.ofMinutes(30);
        synced(T0);
        syncFailed("Microsoft 365 did not answer", T0.plusSeconds(60));
        syncFailed("Microsoft is throttling requests to this mailbox (429)", T0.plusSeconds(600));
        assertEquals(Badge.HEALTHY, Badges.of(shared, sync, T0.plusSeconds(60).plus(failingAfter).minusSeconds(1), STALE_AFTER, failingAfter).badge());
        var health = Badges.of(shared, sync, T0.plusSeconds(60).plus(failingAfter), STALE_AFTER, failingAfter);
        assertEquals(Badge.STALE, health.badge());
        assertEquals("SYNC_FAILING", health.errorCode());
        assertEquals("Syncing has failed since 24 Nov 2026 08:01 UTC: Microsoft is throttling requests to this mailbox (429)."
                + " Workestra keeps retrying by itself; click Sync now to try at once.", health.errorMessage());
        synced(T0.plus(Duration.ofHours(1)));
        assertEquals(Badge.HEALTHY, Badges.of(shared, sync, T0.plus(Duration.ofHours(2)), STALE_AFTER, failingAfter).badge());
    }

    @Test
    void aRowInErrorShowsTheErrorEvenWhileItsSyncsAlsoFail() {
        syncFailed("Microsoft 365 did not answer", T0);
        personal.failWith("RECONNECT_REQUIRED", "Reconnect", T0);
        assertEquals(Badge.ERROR, Badges.of(shared, sync, T0.plus(Duration.ofHours(3)), STALE_AFTER, Duration.ofMinutes(30)).badge());
    }
}

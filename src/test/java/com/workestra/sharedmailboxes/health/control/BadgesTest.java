package com.workestra.sharedmailboxes.health.control;

import com.workestra.sharedmailboxes.connections.entity.MicrosoftAccount;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
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

    @Test
    void neverSyncedUntilTheFirstSyncSucceedsThenHealthyUnder25HoursThenStale() {
        assertEquals(Badge.NEVER_SYNCED, Badges.of(shared, T0, STALE_AFTER).badge());
        shared.synced(T0);
        assertEquals(Badge.HEALTHY, Badges.of(shared, T0.plus(Duration.ofHours(24)).plusSeconds(3599), STALE_AFTER).badge());
        assertEquals(Badge.STALE, Badges.of(shared, T0.plus(Duration.ofHours(25)), STALE_AFTER).badge());
    }

    @Test
    void anErrorShowsItsSentenceUntilTheNextSuccessfulSync() {
        shared.synced(T0);
        shared.failWith("MAILBOX_ACCESS_DENIED", "Microsoft rejected access to this mailbox", T0.plusSeconds(60));
        var health = Badges.of(shared, T0.plusSeconds(61), STALE_AFTER);
        assertEquals(Badge.ERROR, health.badge());
        assertEquals("Microsoft rejected access to this mailbox", health.errorMessage());
        shared.synced(T0.plusSeconds(120));
        assertEquals(Badge.HEALTHY, Badges.of(shared, T0.plusSeconds(121), STALE_AFTER).badge());
    }

    @Test
    void aSharedRowIsInErrorWhileItsPersonalConnectionIs() {
        shared.synced(T0);
        personal.failWith("RECONNECT_REQUIRED", "Reconnect", T0);
        var health = Badges.of(shared, T0, STALE_AFTER);
        assertEquals(Badge.ERROR, health.badge());
        assertEquals("PARENT_NOT_HEALTHY", health.errorCode());
        assertTrue(health.errorMessage().contains("reconnect your Outlook connection"));
        personal.clearError(T0);
        assertEquals(Badge.HEALTHY, Badges.of(shared, T0, STALE_AFTER).badge());
    }

    @Test
    void syncsThatKeepFailingShowStaleWithTheReasonOnceTheyHaveFailedLongEnough() {
        Duration failingAfter = Duration.ofMinutes(30);
        shared.synced(T0);
        shared.syncFailed("Microsoft 365 did not answer", T0.plusSeconds(60));
        shared.syncFailed("Microsoft is throttling requests to this mailbox (429)", T0.plusSeconds(600));
        assertEquals(Badge.HEALTHY, Badges.of(shared, T0.plusSeconds(60).plus(failingAfter).minusSeconds(1), STALE_AFTER, failingAfter).badge());
        var health = Badges.of(shared, T0.plusSeconds(60).plus(failingAfter), STALE_AFTER, failingAfter);
        assertEquals(Badge.STALE, health.badge());
        assertEquals("SYNC_FAILING", health.errorCode());
        assertEquals("Syncing has failed since 24 Nov 2026 08:01 UTC: Microsoft is throttling requests to this mailbox (429)."
                + " Workestra keeps retrying by itself; click Sync now to try at once.", health.errorMessage());
        shared.synced(T0.plus(Duration.ofHours(1)));
        assertEquals(Badge.HEALTHY, Badges.of(shared, T0.plus(Duration.ofHours(2)), STALE_AFTER, failingAfter).badge());
    }

    @Test
    void aRowInErrorShowsTheErrorEvenWhileItsSyncsAlsoFail() {
        shared.syncFailed("Microsoft 365 did not answer", T0);
        personal.failWith("RECONNECT_REQUIRED", "Reconnect", T0);
        assertEquals(Badge.ERROR, Badges.of(shared, T0.plus(Duration.ofHours(3)), STALE_AFTER, Duration.ofMinutes(30)).badge());
    }
}

package com.workestra.sharedmailboxes.sync.control;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run may still do, as this server knows its leases: a run talks to Microsoft only while the claim or the last
 * renewal it knows of is younger than a lease; one the heartbeat found lost, or given up as the server stops, stops.
 */
class SyncLeasesTest {

    static final long LEASE = TimeUnit.SECONDS.toNanos(20);
    final SyncLeases leases = new SyncLeases();
    final UUID connection = UUID.randomUUID();

    @Test
    void aClaimHoldsForOneLeaseFromWhenItWasSentAndARenewalExtendsIt() {
        long now = System.nanoTime();
        SyncLeases.Held claim = leases.claimed(connection, now - LEASE - 1, LEASE);
        assertFalse(leases.holds(connection), "claimed longer than a lease ago and never renewed");

        leases.renewed(Map.of(connection, claim), Set.of(connection), now, LEASE);
        assertTrue(leases.holds(connection));
    }

    @Test
    void aLeaseTheHeartbeatFoundLostStopsItsRun() {
        SyncLeases.Held claim = leases.claimed(connection, System.nanoTime(), LEASE);
        leases.renewed(Map.of(connection, claim), Set.of(), System.nanoTime(), LEASE);
        assertFalse(leases.holds(connection));
    }

    @Test
    void theEndOfARunDoesNotForgetTheNextRunOfTheSameConnection() {
        SyncLeases.Held first = leases.claimed(connection, System.nanoTime(), LEASE);
        // The run yielded, and the connection was claimed again before the first run's bookkeeping ended.
        SyncLeases.Held second = leases.claimed(connection, System.nanoTime(), LEASE);
        leases.ended(connection, first);
        // A renewal sent for the first claim that found it released does not touch the second.
        leases.renewed(Map.of(connection, first), Set.of(), System.nanoTime(), LEASE);
        assertTrue(leases.holds(connection));
        assertTrue(leases.running().containsKey(connection));

        leases.ended(connection, second);
        assertFalse(leases.holds(connection));
    }

    @Test
    void aStoppingServerStopsEveryRun() {
        leases.claimed(connection, System.nanoTime(), LEASE);
        leases.dropAll();
        assertFalse(leases.holds(connection));
    }
}

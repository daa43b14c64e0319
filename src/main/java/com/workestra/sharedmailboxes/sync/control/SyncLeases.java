package com.workestra.sharedmailboxes.sync.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this server holds for the runs it has in flight, as this server knows them: until when (on this JVM's
 * monotonic clock) each is surely still its own. A lease in the database lasts {@code sync.lease} from the database's
 * clock when it was claimed or last renewed; the heartbeat renews it while the run is alive. Counting here from the
 * moment the claim or renewal was <em>sent</em> keeps this server's idea of its lease shorter than the database's, so a
 * run stops asking Microsoft before another server may take the connection over, even when the heartbeat could not
 * reach the database (or this process was paused). Each claim is a {@link Held} of its own: a run that ends (its lease
 * released) never forgets the claim of the next run of the same connection, which may already have started.
 */
@ApplicationScoped
public class SyncLeases {

    /** One claim of one connection by this server. */
    public static final class Held {
        private volatile long until;

        private Held(long until) {
            this.until = until;
        }
    }

    private final Map<UUID, Held> held = new ConcurrentHashMap<>();

    /** Claimed by a statement sent at {@code sentAt} ({@link System#nanoTime()}) for {@code leaseNanos}. */
    public Held claimed(UUID connectionId, long sentAt, long leaseNanos) {
        Held claim = new Held(sentAt + leaseNanos);
        held.put(connectionId, claim);
        return claim;
    }

    /** The claims the heartbeat renews now. */
    public Map<UUID, Held> running() {
        return Map.copyOf(held);
    }

    /**
     * The heartbeat's answer for the claims it asked about: those it renewed are held for another lease from when it
     * was sent; the others were lost (taken over, or released) and their runs stop at their next request.
     */
    public void renewed(Map<UUID, Held> asked, Set<UUID> renewed, long sentAt, long leaseNanos) {
        asked.forEach((id, claim) -> claim.until = renewed.contains(id) ? sentAt + leaseNanos : Long.MIN_VALUE);
    }

    /** Whether the run of this connection may still talk to Microsoft for it. */
    public boolean holds(UUID connectionId) {
        Held claim = held.get(connectionId);
        return claim != null && claim.until != Long.MIN_VALUE && System.nanoTime() - claim.until < 0;
    }

    /** The run of this claim ended (its lease released, or lost). */
    public void ended(UUID connectionId, Held claim) {
        held.remove(connectionId, claim);
    }

    /** This server stops: no run of it may go on. */
    public void dropAll() {
        held.values().forEach(claim -> claim.until = Long.MIN_VALUE);
    }
}

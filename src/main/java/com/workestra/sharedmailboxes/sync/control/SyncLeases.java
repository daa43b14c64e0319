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
 * reach the database (or this process was paused).
 */
@ApplicationScoped
public class SyncLeases {

    private final Map<UUID, Long> heldUntil = new ConcurrentHashMap<>();

    /** Claimed, or renewed, by a statement sent at {@code sentAt} ({@link System#nanoTime()}) for {@code leaseNanos}. */
    public void held(UUID connectionId, long sentAt, long leaseNanos) {
        heldUntil.put(connectionId, sentAt + leaseNanos);
    }

    /** The heartbeat's answer: the leases it renewed are held longer, the others were lost. */
    public void renewed(Set<UUID> asked, Set<UUID> renewed, long sentAt, long leaseNanos) {
        for (UUID id : asked) {
            if (renewed.contains(id)) {
                heldUntil.computeIfPresent(id, (key, until) -> sentAt + leaseNanos);
            } else {
                heldUntil.computeIfPresent(id, (key, until) -> Long.MIN_VALUE);
            }
        }
    }

    /** Whether the run of this connection may still talk to Microsoft for it. */
    public boolean holds(UUID connectionId) {
        Long until = heldUntil.get(connectionId);
        return until != null && until != Long.MIN_VALUE && System.nanoTime() - until < 0;
    }

    /** The connections whose runs are in flight here (what the heartbeat renews). */
    public Set<UUID> running() {
        return Set.copyOf(heldUntil.keySet());
    }

    /** The run ended (its lease released, or lost). */
    public void ended(UUID connectionId) {
        heldUntil.remove(connectionId);
    }

    /** This server stops: no run of it may go on. */
    public void dropAll() {
        heldUntil.replaceAll((id, until) -> Long.MIN_VALUE);
    }
}

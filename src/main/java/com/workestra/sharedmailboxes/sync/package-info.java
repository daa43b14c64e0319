/**
 * Keeping every connection's mailbox in sync. Triggers mark a connection due in {@code sync_state} (requests coalesce);
 * a scheduler claims due connections under a lease and runs delta sync per folder, each page and its cursor committed
 * together. {@code sync_state} is written only here; others read it through {@link
 * com.workestra.sharedmailboxes.sync.control.SyncSchedule#status}.
 *
 * <h2>A webhook to a stored row</h2>
 * <ol>
 * <li>{@code notifications.boundary.GraphWebhooksResource} answers Graph's POST: the validation handshake, or a batch
 *     (at most {@code notifications.max-items-per-post} items) handed to {@code GraphWebhooks};</li>
 * <li>{@code GraphWebhooks.notifications} keeps only items of a subscription this service holds, with its clientState
 *     (checked against {@code notifications.control.SubscriptionKeys}, kept in memory), and calls
 *     {@link com.workestra.sharedmailboxes.sync.control.SyncRequests#requestEach} (reason WEBHOOK) for the connections
 *     named, in one statement committed at once: {@code sync_state.requested_at} is set unless already due;</li>
 * <li>after that commit, {@link com.workestra.sharedmailboxes.sync.boundary.SyncWakeUp} wakes the
 *     {@link com.workestra.sharedmailboxes.sync.boundary.SyncScheduler}, which claims it (continue below).</li>
 * </ol>
 *
 * <h2>The scheduler to the store</h2>
 * <ol>
 * <li>{@code SyncScheduler.dispatch} (every second, or when woken) claims as many due connections as it has free
 *     workers: {@link com.workestra.sharedmailboxes.sync.control.SyncSchedule#claim} sets a lease in {@code sync_state}
 *     with {@code FOR UPDATE SKIP LOCKED}, so two servers never run one connection; the lease is short ({@code sync.lease},
 *     database time) and the scheduler's heartbeat renews it every quarter of that while the run lives
 *     ({@link com.workestra.sharedmailboxes.sync.control.SyncLeases} is what this server knows of it; a run checks it
 *     before each Graph request), and a stopping server releases all of its leases at once;</li>
 * <li>a worker runs {@link com.workestra.sharedmailboxes.sync.control.DeltaSync#run}: it loads the
 *     {@link com.workestra.sharedmailboxes.sync.entity.SyncTarget} (values, not an entity), takes the token holder's
 *     Graph client from {@code connections.control.OutlookSignIn#graphFor}, lists the mailbox's folder tree when due
 *     ({@link com.workestra.sharedmailboxes.sync.control.FolderTree}, stored through {@code SyncLedger.foldersListed}),
 *     and for each folder the connection syncs ({@link com.workestra.sharedmailboxes.sync.control.FolderSelection}:
 *     Inbox, Sent Items, then the others; all of them for a change notification too, which names no folder) reads
 *     {@code sync_cursor}, fetches a page through {@code graph.control.MailboxGate} with
 *     {@link com.workestra.sharedmailboxes.sync.control.DeltaReader}, and commits it with the cursor in one transaction
 *     ({@code SyncLedger.commitPage} → {@code messages.control.MessageStore.apply}) while the next page is fetched;
 *     before it reads or prefetches a page a worker takes room for its text in the
 *     {@link com.workestra.sharedmailboxes.sync.control.PageBudget} all workers share, and gives it back once the page
 *     is stored (no room: no prefetch; no room before the run's budget ends: the run yields);</li>
 * <li>the run ends with {@code SyncSchedule.succeeded} (next routine sync scheduled, the connection's error cleared and
 *     reading resumed through {@code connections.control.ConnectionErrors}), {@code yielded} (time budget used, or no room
 *     for the next page by then: due again at once), or {@link com.workestra.sharedmailboxes.sync.control.SyncFailures#settle} ({@code failed}:
 *     Exchange refused the mailbox, the row turns red and reading ends; {@code deferred}: transient, retried after a
 *     backoff);</li>
 * <li>{@code SyncMetrics.recordSync} counts the run; the worker frees its slot and wakes the dispatcher.</li>
 * </ol>
 * A sweep every 10 s (one server's turn, {@code database.control.ClusterTurns}) requests the routine polls and safety
 * syncs not scheduled yet; {@code health}'s stale sweep requests rows that have not synced for {@code health.stale-after}.
 */
package com.workestra.sharedmailboxes.sync;

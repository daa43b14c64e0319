package com.workestra.sharedmailboxes.m365emulator;

import java.time.Instant;

/**
 * One Graph request that reached a mailbox (after authentication, faults and throttling), as the emulator saw it: when
 * it arrived and when the emulator began to answer it (the client cannot have the answer before then), so two requests
 * whose spans overlap were certainly in flight at the same time. The emulator's request log, a witness for tests of
 * several servers.
 *
 * @param pathAndQuery the request's raw path and query: a delta round's links differ by their skip or delta token
 */
public record MailboxRequest(String method, String pathAndQuery, Instant arrivedAt, long arrivedNanos, long answeredNanos) {

    /** Whether this request and {@code other} were in flight at the same time. */
    public boolean overlaps(MailboxRequest other) {
        return arrivedNanos < other.answeredNanos && other.arrivedNanos < answeredNanos;
    }

    /** A page of a folder's message delta (not the folder tree's delta, whose unchanged link a run asks each time). */
    public boolean isMessageDelta() {
        return pathAndQuery.toLowerCase(java.util.Locale.ROOT).contains("/messages/delta");
    }
}

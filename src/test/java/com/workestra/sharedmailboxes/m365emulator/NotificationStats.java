package com.workestra.sharedmailboxes.m365emulator;

/**
 * Counters of change and lifecycle notification delivery.
 *
 * @param delivered notifications (items, not POSTs) acknowledged with a 2xx
 * @param failedAttempts POSTs that failed (non-2xx, timeout or connection error)
 * @param retried POSTs that were sent again after a failure
 * @param dropped notifications given up on (retry period over, subscription gone, or dropping switched on)
 * @param slow POSTs answered after more than 2,900 ms
 * @param posts POSTs attempted
 */
public record NotificationStats(long delivered, long failedAttempts, long retried, long dropped, long slow, long posts) {
}

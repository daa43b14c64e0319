package com.workestra.sharedmailboxes.m365emulator;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail folder: a well-known one ({@code wellKnownName} set) or one a person created, under {@code parentId}. {@code changes} orders the folder's messages and tombstones by change
 * sequence number, so a delta token is just a position in it; {@code byReceived} orders the live
 * messages by receivedDateTime for lists, $orderby and $filter.
 */
final class MailFolder {

    final int number;
    final String wellKnownName;
    final String displayName;
    final String id;
    final String parentId;
    final ConcurrentSkipListMap<Long, MailMessage> changes = new ConcurrentSkipListMap<>();
    final ConcurrentSkipListMap<Long, MailMessage> byReceived = new ConcurrentSkipListMap<>();
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger unread = new AtomicInteger();

    MailFolder(int mailboxNumber, int number, String wellKnownName, String displayName, String parentId) {
        this.parentId = parentId;
        this.number = number;
        this.wellKnownName = wellKnownName;
        this.displayName = displayName;
        this.id = MessageIds.folder(mailboxNumber, number);
    }
}

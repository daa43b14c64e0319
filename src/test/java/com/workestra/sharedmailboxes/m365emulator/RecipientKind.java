package com.workestra.sharedmailboxes.m365emulator;

enum RecipientKind {
    USER, SHARED_MAILBOX, DISTRIBUTION_LIST
}

package com.workestra.sharedmailboxes.messages.entity;

public enum MailboxKind {
    PERSONAL, SHARED
}

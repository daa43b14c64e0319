package com.workestra.sharedmailboxes.mailboxes.entity;

public enum MailboxKind {
    PERSONAL, SHARED
}

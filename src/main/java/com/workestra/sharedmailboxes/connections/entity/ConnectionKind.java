package com.workestra.sharedmailboxes.connections.entity;

public enum ConnectionKind {
    PERSONAL, SHARED
}

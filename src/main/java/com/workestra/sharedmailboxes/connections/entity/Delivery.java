package com.workestra.sharedmailboxes.connections.entity;

/** How a connection learns about new mail: Graph change notifications, or delta polling. */
public enum Delivery {
    WEBHOOK, POLLING
}

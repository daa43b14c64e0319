package com.workestra.sharedmailboxes.sync.entity;

/** Why a connection was marked due. */
public enum SyncReason {
    INITIAL, SYNC_NOW, WEBHOOK, POLL, STALE_SWEEP, MISSED, SAFETY, RECOVERY, CONTINUE, SENT
}

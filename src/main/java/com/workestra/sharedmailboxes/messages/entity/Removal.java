package com.workestra.sharedmailboxes.messages.entity;

/**
 * Why a message left a synced folder, as Exchange tells it when asked by the message's immutable id: deleted, or moved
 * to another folder (named, as the mailbox shows it), such as Deleted Items or a folder this service does not sync.
 */
public record Removal(Reason reason, String movedTo) {

    public enum Reason { DELETED, MOVED }

    public static Removal deleted() {
        return new Removal(Reason.DELETED, null);
    }

    public static Removal movedTo(String folderName) {
        return new Removal(Reason.MOVED, folderName);
    }
}

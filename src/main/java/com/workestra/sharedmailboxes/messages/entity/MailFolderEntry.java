package com.workestra.sharedmailboxes.messages.entity;

/**
 * One folder of a mailbox's tree as Microsoft listed it: its Graph id, its parent's Graph id (null at the top), Graph's
 * well-known name where it has one (inbox, sentitems, deleteditems, junkemail, drafts, …), the name the mailbox shows,
 * and its place in the tree ("Inbox/Customers").
 */
public record MailFolderEntry(String graphId, String parentGraphId, String wellKnownName, String displayName, String path) {

    /** The folders not synced unless a person chooses them (identified by well-known name, never by display name). */
    public static final java.util.Set<String> NOT_SYNCED_BY_DEFAULT = java.util.Set.of("deleteditems", "junkemail", "drafts");

    public Folder folder() {
        return Folder.ofGraph(graphId, wellKnownName, path);
    }
}

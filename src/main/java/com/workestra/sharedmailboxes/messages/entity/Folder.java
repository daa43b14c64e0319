package com.workestra.sharedmailboxes.messages.entity;

import java.util.Locale;
import java.util.Objects;

/**
 * A mail folder of a mailbox, by its key: {@code INBOX} and {@code SENT} for Inbox and Sent Items (the API's
 * {@code inbox} and {@code sent}, as before folders were data), any other folder by its Graph id (stable for the
 * folder's life, also when it is renamed or moved). The key is what {@code message.folder}, {@code sync_cursor.folder}
 * and {@code mail_folder.folder} hold. Equal by key; {@code path} (as the mailbox shows it, "Inbox/Customers") is only
 * carried for display, when known.
 */
public final class Folder {

    public static final Folder INBOX = new Folder("INBOX", "Inbox");
    public static final Folder SENT = new Folder("SENT", "Sent Items");

    private final String key;
    private final String path;

    private Folder(String key, String path) {
        this.key = Objects.requireNonNull(key);
        this.path = path;
    }

    /** The folder stored under {@code key} (INBOX, SENT or a Graph folder id), with its display path when known. */
    public static Folder of(String key, String path) {
        if (INBOX.key.equals(key)) {
            return path == null || path.equals(INBOX.path) ? INBOX : new Folder(key, path);
        }
        if (SENT.key.equals(key)) {
            return path == null || path.equals(SENT.path) ? SENT : new Folder(key, path);
        }
        return new Folder(key, path);
    }

    public static Folder valueOf(String key) {
        return of(key, null);
    }

    /** The folder of a mailbox's tree: Inbox and Sent Items by their well-known names, any other by its Graph id. */
    public static Folder ofGraph(String graphId, String wellKnownName, String path) {
        if ("inbox".equals(wellKnownName)) {
            return of(INBOX.key, path);
        }
        if ("sentitems".equals(wellKnownName)) {
            return of(SENT.key, path);
        }
        return of(graphId, path);
    }

    /** The key stored in the database. */
    public String name() {
        return key;
    }

    /** What Graph's {@code mailFolders/{…}} takes: the well-known name of Inbox and Sent Items, else the folder's id. */
    public String graphName() {
        return this.equals(INBOX) ? "inbox" : this.equals(SENT) ? "sentitems" : key;
    }

    /** What the API shows and takes: {@code inbox}, {@code sent}, or the folder's Graph id. */
    public String apiName() {
        return this.equals(INBOX) ? "inbox" : this.equals(SENT) ? "sent" : key;
    }

    public boolean isWellKnown() {
        return this.equals(INBOX) || this.equals(SENT);
    }

    /** The folder's place in the mailbox ("Inbox/Customers"), or null when not known. */
    public String path() {
        return path;
    }

    /**
     * The folder the API names {@code name}: {@code inbox} and {@code sent} (or {@code sentitems}), any other value is
     * taken as a folder id (whether the caller may read such a folder is for the caller to check); null when blank.
     */
    public static Folder ofApiName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String wanted = name.trim();
        String lower = wanted.toLowerCase(Locale.ROOT);
        if (lower.equals("inbox")) {
            return INBOX;
        }
        if (lower.equals("sent") || lower.equals("sentitems")) {
            return SENT;
        }
        return new Folder(wanted, null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Folder folder && folder.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key.length() > 24 ? key.substring(0, 12) + "…" + key.substring(key.length() - 8) : key;
    }
}

package com.workestra.sharedmailboxes.m365emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An Exchange mailbox: a user's own or a shared one. Writes are serialised per mailbox; reads run
 * concurrently on the folders' skip lists. {@code committedSeq} only moves after a change is fully in
 * place, so a delta round bounded by it never misses an item.
 */
public final class Mailbox {

    static final String[][] WELL_KNOWN_FOLDERS = {
            {"inbox", "Inbox"}, {"drafts", "Drafts"}, {"sentitems", "Sent Items"}, {"deleteditems", "Deleted Items"},
            {"junkemail", "Junk Email"}, {"archive", "Archive"}};
    static final int INBOX = 0;
    static final int SENT_ITEMS = 2;
    static final int ROOT_FOLDER = Integer.MAX_VALUE;
    private static final long MAX_KEY = (1L << 22) - 1;

    final int number;
    final String oid;
    volatile String displayName;
    final RecipientKind kind;
    /** Well-known folders first (their index is their number), then folders people created, by number. */
    final List<MailFolder> folders = new CopyOnWriteArrayList<>();
    /** The id of the top of the folder tree (well-known name msgfolderroot), parent of Inbox and its siblings. */
    final String rootFolderId;
    final ConcurrentHashMap<Long, MailMessage> messages = new ConcurrentHashMap<>();
    /** The attachments of a message, by its key, in Exchange's order (none: absent). */
    final ConcurrentHashMap<Long, List<Attachment>> attachments = new ConcurrentHashMap<>();
    volatile String address;
    volatile long committedSeq;
    volatile int syncGeneration;
    /** Tokens of this generation are answered as corrupt rather than expired (-1: none). */
    volatile int corruptGeneration = -1;
    private long nextKey = 1;
    private long nextSeq = 1;

    Mailbox(int number, String oid, String address, String displayName, RecipientKind kind) {
        this.number = number;
        this.oid = oid;
        this.address = address;
        this.displayName = displayName;
        this.kind = kind;
        this.rootFolderId = MessageIds.folder(number, ROOT_FOLDER);
        for (int i = 0; i < WELL_KNOWN_FOLDERS.length; i++) {
            folders.add(new MailFolder(number, i, WELL_KNOWN_FOLDERS[i][0], WELL_KNOWN_FOLDERS[i][1], rootFolderId));
        }
    }

    public String address() {
        return address;
    }

    public String displayName() {
        return displayName;
    }

    public String oid() {
        return oid;
    }

    /** The Inbox folder's id: the same for the mailbox's whole life, whatever its address. */
    public String inboxId() {
        return folders.get(INBOX).id;
    }

    public boolean isShared() {
        return kind == RecipientKind.SHARED_MAILBOX;
    }

    EmailAddress emailAddress() {
        return new EmailAddress(displayName, address);
    }

    /** A well-known folder name (case-insensitive) or a folder id of this mailbox; null if neither. */
    MailFolder folder(String nameOrId) {
        String lower = nameOrId.toLowerCase(Locale.ROOT);
        for (MailFolder folder : folders) {
            if (folder.wellKnownName != null && folder.wellKnownName.equals(lower)) {
                return folder;
            }
        }
        int[] parsed = MessageIds.parseFolder(nameOrId);
        if (parsed != null && parsed[0] == number && parsed[1] >= 0 && parsed[1] < folders.size()) {
            return folders.get(parsed[1]);
        }
        return null;
    }

    /** The folders directly under {@code parentId} (the root's id: the top-level folders), oldest first. */
    List<MailFolder> children(String parentId) {
        return folders.stream().filter(folder -> folder.parentId.equals(parentId)).toList();
    }

    /**
     * Creates a folder under {@code parent} (null: at the top, beside Inbox), as {@code POST .../childFolders} does.
     * Exchange refuses a second folder of the same name under one parent (409 ErrorFolderExists).
     */
    synchronized MailFolder createFolder(MailFolder parent, String displayName) {
        String parentId = parent == null ? rootFolderId : parent.id;
        for (MailFolder sibling : children(parentId)) {
            if (sibling.displayName.equalsIgnoreCase(displayName)) {
                throw new GraphException(409, "ErrorFolderExists", "A folder with the specified name already exists.");
            }
        }
        MailFolder folder = new MailFolder(number, folders.size(), null, displayName, parentId);
        folders.add(folder);
        return folder;
    }

    interface MessageFactory {
        MailMessage create(long key, long seq);
    }

    synchronized MailMessage add(MessageFactory factory) {
        long key = nextKey++;
        if (key > MAX_KEY) {
            throw new IllegalStateException("mailbox " + address + " is full");
        }
        MailMessage message = factory.create(key, nextSeq++);
        insert(message);
        committedSeq = message.seq();
        return message;
    }

    /** Bulk insert for seeding: one lock, no notifications. */
    synchronized void addAll(int count, MessageFactory factory) {
        for (int i = 0; i < count; i++) {
            long key = nextKey++;
            if (key > MAX_KEY) {
                throw new IllegalStateException("mailbox " + address + " is full");
            }
            insert(factory.create(key, nextSeq++));
        }
        committedSeq = nextSeq - 1;
    }

    private void insert(MailMessage message) {
        MailFolder folder = folders.get(message.folder());
        messages.put(message.key(), message);
        folder.changes.put(message.seq(), message);
        folder.byReceived.put(message.receivedOrder(), message);
        folder.total.incrementAndGet();
        if (!message.isRead()) {
            folder.unread.incrementAndGet();
        }
    }

    interface MessageChange {
        MailMessage apply(MailMessage current, long newSeq);
    }

    /** Applies a change; returns the new record, or null when the message does not exist. */
    synchronized MailMessage update(long key, MessageChange change) {
        MailMessage current = messages.get(key);
        if (current == null) {
            return null;
        }
        MailMessage changed = change.apply(current, nextSeq);
        if (changed == current) {
            return current;
        }
        nextSeq++;
        MailFolder folder = folders.get(changed.folder());
        messages.put(key, changed);
        // The new position goes in before the old one leaves: a reader may see the item twice, never not at all.
        folder.changes.put(changed.seq(), changed);
        folder.changes.remove(current.seq());
        folder.byReceived.put(changed.receivedOrder(), changed);
        if (current.isRead() != changed.isRead()) {
            if (changed.isRead()) {
                folder.unread.decrementAndGet();
            } else {
                folder.unread.incrementAndGet();
            }
        }
        committedSeq = changed.seq();
        return changed;
    }

    synchronized MailMessage delete(long key, long nowMillis) {
        MailMessage current = messages.remove(key);
        if (current == null) {
            return null;
        }
        MailFolder folder = folders.get(current.folder());
        MailMessage tombstone = MailMessage.tombstone(current, nextSeq++, nowMillis);
        folder.changes.put(tombstone.seq(), tombstone);
        folder.changes.remove(current.seq());
        folder.byReceived.remove(current.receivedOrder());
        folder.total.decrementAndGet();
        if (!current.isRead()) {
            folder.unread.decrementAndGet();
        }
        committedSeq = tombstone.seq();
        return current;
    }

    /**
     * Moves a message to another folder of this mailbox, as Outlook's Move (or Delete, which moves to Deleted Items):
     * the source folder's delta then reports it removed, the target folder's as new; its immutable id stays (Graph:
     * "an item's immutable ID doesn't change when it is moved", concepts/outlook-immutable-id.md), so GET by that id
     * finds it in its new folder. Returns the moved record, or null when the message does not exist.
     */
    synchronized MailMessage move(long key, MailFolder target, long nowMillis) {
        MailMessage current = messages.get(key);
        if (current == null || current.folder() == target.number) {
            return current;
        }
        MailFolder source = folders.get(current.folder());
        MailMessage tombstone = MailMessage.tombstone(current, nextSeq++, nowMillis);
        source.changes.put(tombstone.seq(), tombstone);
        source.changes.remove(current.seq());
        source.byReceived.remove(current.receivedOrder());
        source.total.decrementAndGet();
        if (!current.isRead()) {
            source.unread.decrementAndGet();
        }
        MailMessage moved = current.movedTo(target.number, nextSeq++, nowMillis);
        insert(moved);
        committedSeq = moved.seq();
        return moved;
    }

    MailMessage message(long key) {
        return messages.get(key);
    }

    List<MailMessage> snapshot(MailFolder folder) {
        return new ArrayList<>(folder.byReceived.values());
    }
}

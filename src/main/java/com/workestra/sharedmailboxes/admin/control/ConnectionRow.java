package com.workestra.sharedmailboxes.admin.control;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionView;
import com.workestra.sharedmailboxes.health.entity.Badge;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One row of the console's connection tables, made from the API's Connection view: what a person reads (badge word,
 * last sync, delivery, the error under the address) and what the buttons need. Values are shown escaped by the pages.
 */
public record ConnectionRow(UUID id, boolean shared, String address, String displayName, UUID parentId, Badge badge,
                            Instant lastSyncAt, String errorMessage, String delivery, String deliveryNote,
                            boolean canAddSharedMailbox, String addSharedMailboxDisabledReason, String progress,
                            List<String> sharedAddresses) implements Serializable {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    public ConnectionRow {
        sharedAddresses = List.copyOf(sharedAddresses);
    }

    public static ConnectionRow of(ConnectionView view) {
        Badge badge = badge(view.health().badge());
        String error = view.health().error() == null ? null : view.health().error().message();
        return new ConnectionRow(view.id(), "shared".equals(view.kind()), view.address(), view.displayName(), view.parentId(),
                badge, view.health().lastSyncAt(), error, view.delivery(), view.deliveryNote(), view.canAddSharedMailbox(),
                view.addSharedMailboxDisabledReason(), progress(view), List.of());
    }

    /** Personal rows each followed by the shared rows that borrow their token, in the order given. */
    public static List<ConnectionRow> grouped(List<ConnectionView> views) {
        List<ConnectionRow> rows = new ArrayList<>();
        List<ConnectionView> orphans = new ArrayList<>();
        for (ConnectionView personal : views) {
            if (personal.parentId() != null) {
                continue;
            }
            List<ConnectionView> children = views.stream().filter(v -> personal.id().equals(v.parentId())).toList();
            ConnectionRow row = of(personal);
            rows.add(row.withSharedAddresses(children.stream().map(ConnectionView::address).toList()));
            children.forEach(child -> rows.add(of(child)));
        }
        for (ConnectionView view : views) {
            if (view.parentId() != null && views.stream().noneMatch(v -> v.id().equals(view.parentId()))) {
                orphans.add(view);
            }
        }
        orphans.forEach(view -> rows.add(of(view)));
        return rows;
    }

    /** A personal connection and the shared mailboxes that borrow its token: one block of the Outlook page. */
    public record Group(ConnectionRow personal, List<ConnectionRow> shared) implements Serializable {
        public Group {
            shared = List.copyOf(shared);
        }

        /** The personal row first, then its shared rows. */
        public List<ConnectionRow> rows() {
            List<ConnectionRow> all = new ArrayList<>();
            all.add(personal);
            all.addAll(shared);
            return all;
        }
    }

    /** {@link #grouped} as blocks: each personal row with its shared rows (a shared row without its personal one stands alone). */
    public static List<Group> groups(List<ConnectionRow> grouped) {
        List<Group> groups = new ArrayList<>();
        ConnectionRow personal = null;
        List<ConnectionRow> shared = new ArrayList<>();
        for (ConnectionRow row : grouped) {
            if (row.personal() || personal == null || !personal.id().equals(row.parentId())) {
                if (personal != null) {
                    groups.add(new Group(personal, shared));
                }
                personal = row;
                shared = new ArrayList<>();
            } else {
                shared.add(row);
            }
        }
        if (personal != null) {
            groups.add(new Group(personal, shared));
        }
        return groups;
    }

    private ConnectionRow withSharedAddresses(List<String> addresses) {
        return new ConnectionRow(id, shared, address, displayName, parentId, badge, lastSyncAt, errorMessage, delivery,
                deliveryNote, canAddSharedMailbox, addSharedMailboxDisabledReason, progress, addresses);
    }

    static Badge badge(String apiName) {
        for (Badge badge : Badge.values()) {
            if (badge.apiName().equals(apiName)) {
                return badge;
            }
        }
        return Badge.ERROR;
    }

    /** The first sync's progress while the row is Never synced (messages synced so far); nothing afterwards. */
    static String progress(ConnectionView view) {
        if (badge(view.health().badge()) != Badge.NEVER_SYNCED) {
            return null;
        }
        long synced = view.sync() == null ? 0 : view.sync().messagesSynced();
        return synced == 0 ? "First sync: no messages yet." : "First sync: " + synced + (synced == 1 ? " message" : " messages") + " so far.";
    }

    public String badgeName() {
        return badge.apiName();
    }

    public String badgeLabel() {
        return badge.label();
    }

    public String lastSync() {
        return lastSyncAt == null ? "Never" : SHOWN.format(lastSyncAt);
    }

    public String lastSyncIso() {
        return lastSyncAt == null ? "" : lastSyncAt.toString();
    }

    public String deliveryLabel() {
        return "webhook".equals(delivery) ? "Webhook" : "Polling";
    }

    public boolean personal() {
        return !shared;
    }

    public boolean neverSynced() {
        return badge == Badge.NEVER_SYNCED;
    }

    /** The name Microsoft gives the mailbox, when the service knows one that is more than its address. */
    public String shownDisplayName() {
        return displayName == null || displayName.isBlank() || displayName.equalsIgnoreCase(address) ? null : displayName;
    }

    public String sharedAddressList() {
        return String.join(", ", sharedAddresses);
    }

    public static String shown(Instant at) {
        return at == null ? "" : SHOWN.format(at);
    }
}

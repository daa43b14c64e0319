package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** API.md's Connection. Tokens, scopes and Microsoft ids are never part of it. */
@JsonbPropertyOrder({"id", "kind", "address", "displayName", "parentId", "createdAt", "health", "delivery", "deliveryNote",
        "canAddSharedMailbox", "addSharedMailboxDisabledReason", "sync"})
public record ConnectionView(UUID id, String kind, String address, String displayName, UUID parentId, Instant createdAt,
                             HealthView health, String delivery, String deliveryNote, boolean canAddSharedMailbox,
                             String addSharedMailboxDisabledReason, SyncView sync) {

    public static final String LEGACY_SCOPES_REASON =
            "This Outlook connection was authorised before shared-mailbox access was available: reconnect to enable shared mailboxes.";
    public static final String NOT_PERSONAL_REASON = "Shared mailboxes are added under your personal Outlook connection.";
    public static final String PARENT_ERROR_REASON = "Reconnect your Outlook connection before adding shared mailboxes.";

    public record HealthView(String badge, Instant lastSyncAt, ErrorView error) {
    }

    public record ErrorView(String code, String message) {
    }

    /** Sync progress: messages synced so far (the history backfill included), whether the history is complete, and
     * the last transient failure (throttling, Microsoft unavailable), which is retried by itself and is not an error. */
    public record SyncView(long messagesSynced, boolean historyComplete, String lastTransientFailure, Instant lastTransientFailureAt) {
    }

    /**
     * What only the components above connections know of it: its health, its sync's progress, and whether Graph
     * notifies its changes ({@code webhook}) or it is polled, with the reason.
     */
    public record Status(HealthView health, SyncView sync, String delivery, String deliveryNote) {
    }

    public static ConnectionView of(OutlookConnection connection, Status status) {
        String reason = null;
        if (!connection.isPersonal()) {
            reason = NOT_PERSONAL_REASON;
        } else if (!connection.hasSharedScopes()) {
            reason = LEGACY_SCOPES_REASON;
        } else if (connection.isInError()) {
            reason = PARENT_ERROR_REASON;
        }
        return new ConnectionView(connection.id(), connection.kind().name().toLowerCase(Locale.ROOT),
                connection.mailbox().address(), connection.isPersonal() ? connection.displayName() : connection.mailbox().displayName(),
                connection.parent() == null ? null : connection.parent().id(), connection.createdAt(),
                status.health(),
                status.delivery(), status.deliveryNote(), reason == null, reason,
                status.sync());
    }
}

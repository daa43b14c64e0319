package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.health.entity.ConnectionHealth;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** API.md's Connection. Tokens, scopes and Microsoft ids are never part of it. */
@JsonbPropertyOrder({"id", "kind", "address", "displayName", "parentId", "createdAt", "health", "delivery", "deliveryNote",
        "canAddSharedMailbox", "addSharedMailboxDisabledReason"})
public record ConnectionView(UUID id, String kind, String address, String displayName, UUID parentId, Instant createdAt,
                             HealthView health, String delivery, String deliveryNote, boolean canAddSharedMailbox,
                             String addSharedMailboxDisabledReason) {

    public static final String LEGACY_SCOPES_REASON =
            "This Outlook connection was authorised before shared-mailbox access was available: reconnect to enable shared mailboxes.";
    public static final String NOT_PERSONAL_REASON = "Shared mailboxes are added under your personal Outlook connection.";
    public static final String PARENT_ERROR_REASON = "Reconnect your Outlook connection before adding shared mailboxes.";

        public record HealthView(String badge, Instant lastSyncAt, ErrorView error) {
    }

    public record ErrorView(String code, String message) {
    }

    public static ConnectionView of(OutlookConnection connection, ConnectionHealth health) {
        String reason = null;
        if (!connection.isPersonal()) {
            reason = NOT_PERSONAL_REASON;
        } else if (!connection.hasSharedScopes()) {
            reason = LEGACY_SCOPES_REASON;
        } else if (connection.isInError()) {
            reason = PARENT_ERROR_REASON;
        }
        ErrorView error = health.errorCode() == null ? null : new ErrorView(health.errorCode(), health.errorMessage());
        return new ConnectionView(connection.id(), connection.kind().name().toLowerCase(Locale.ROOT),
                connection.mailbox().address(), connection.displayName(),
                connection.parent() == null ? null : connection.parent().id(), connection.createdAt(),
                new HealthView(health.badge().apiName(), health.lastSyncAt(), error),
                connection.delivery().name().toLowerCase(Locale.ROOT), connection.deliveryNote(), reason == null, reason);
    }
}

package com.workestra.sharedmailboxes.changes.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * API.md's Change: its position in the caller's feed ({@code id}, also the cursor that resumes after it), when it was
 * stored, its type, and the ids it concerns (those that do not apply are null).
 */
@JsonbPropertyOrder({"id", "at", "type", "messageId", "conversationId", "mailbox", "connectionId"})
public record Change(
        @Schema(description = "The change's position in the workspace's feed: pass it as cursor (or Last-Event-ID) to"
                + " resume after it") String id,
        @Schema(description = "When the database stored it") Instant at,
        @Schema(enumeration = {"message.added", "message.updated", "message.removed", "message.moved",
                "conversation.updated", "connection.health"}) String type,
        @Schema(description = "The message (GET /messages/{id}); for message.* and conversation.updated") String messageId,
        @Schema(description = "The message's conversation (GET /conversations/{id}); for message.* and conversation.updated")
        String conversationId,
        @Schema(description = "The message's mailbox address") String mailbox,
        @Schema(description = "The connection (GET /outlook/connections/{id}); for connection.health: a connection that"
                + " answers 404 was removed") String connectionId) {
}

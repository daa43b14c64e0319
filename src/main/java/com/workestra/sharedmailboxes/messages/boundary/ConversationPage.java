package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/** A page of conversations, newest activity first; {@code nextCursor} is null on the last page. */
@JsonbNillable
public record ConversationPage(List<ConversationView> items, String nextCursor) {
}

package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.json.bind.annotation.JsonbNillable;

import java.util.List;

/** A page of the inbox, newest first; {@code nextCursor} is null on the last page. */
@JsonbNillable
public record MessagePage(List<MessageView> items, String nextCursor) {
}

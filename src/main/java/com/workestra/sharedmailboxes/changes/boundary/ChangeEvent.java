package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.changes.entity.Change;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.nio.charset.StandardCharsets;

/**
 * A change as every stream that may see it sends it: the {@link Change} and its Server-Sent Event, {@code id} (the
 * change's position), {@code event} (its type) and {@code data} (the Change as JSON, one line) in UTF-8. The loop makes
 * one per change and tick, and hands that same event to each stream whose caller may see the change: a change is
 * serialised once, whatever the number of streams.
 */
public final class ChangeEvent {

    private static final Jsonb JSON = JsonbBuilder.create();

    private final Change change;
    private final byte[] sse;

    private ChangeEvent(Change change, byte[] sse) {
        this.change = change;
        this.sse = sse;
    }

    public static ChangeEvent of(Change change) {
        // JSON-B writes one line (line breaks inside strings are escaped), so the data is one "data:" line.
        String text = "id: " + change.id() + "\nevent: " + change.type() + "\ndata: " + JSON.toJson(change) + "\n\n";
        return new ChangeEvent(change, text.getBytes(StandardCharsets.UTF_8));
    }

    public Change change() {
        return change;
    }

    /** The event as it goes on the wire (text/event-stream, UTF-8); shared by every stream: never change it. */
    byte[] sse() {
        return sse;
    }
}

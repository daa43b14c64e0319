package com.workestra.sharedmailboxes.changes.boundary;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;

import java.lang.reflect.Type;
import java.util.List;

/**
 * Several change events that a stream sends as one: {@link SseEventsWriter} writes their prepared text one after the
 * other, and the stream is flushed once after them (an {@link jakarta.ws.rs.sse.SseEventSink} flushes after each event it
 * sends). Its own fields are empty: it is not one event but a run of them.
 */
record SseEvents(List<ChangeEvent> events) implements OutboundSseEvent {

    @Override
    public Class<?> getType() {
        return SseEvents.class;
    }

    @Override
    public Type getGenericType() {
        return new GenericType<SseEvents>() { }.getType();
    }

    @Override
    public MediaType getMediaType() {
        return MediaType.SERVER_SENT_EVENTS_TYPE;
    }

    @Override
    public Object getData() {
        return this;
    }

    @Override
    public String getId() {
        return null;
    }

    @Override
    public String getName() {
        return null;
    }

    @Override
    public String getComment() {
        return null;
    }

    @Override
    public long getReconnectDelay() {
        return -1;
    }

    @Override
    public boolean isReconnectDelaySet() {
        return false;
    }
}

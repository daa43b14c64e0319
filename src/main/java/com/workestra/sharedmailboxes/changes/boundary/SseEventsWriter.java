package com.workestra.sharedmailboxes.changes.boundary;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Writes {@link SseEvents} on a change stream: each event's text as the loop prepared it, once for all streams. */
@Provider
@Produces(MediaType.SERVER_SENT_EVENTS)
public class SseEventsWriter implements MessageBodyWriter<SseEvents> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return SseEvents.class.equals(type);
    }

    @Override
    public void writeTo(SseEvents events, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        for (ChangeEvent event : events.events()) {
            out.write(event.sse());
        }
    }
}

package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.changes.entity.Change;

/** One open stream of the change feed, as the transport that carries it (JAX-RS Server-Sent Events, the console's). */
public interface ChangeSubscriber {

    /** Sends a change; a failure closes the stream. */
    void send(Change change);

    /** An SSE comment, so that proxies keep the stream open and a vanished client is noticed. */
    void comment(String text);

    boolean isClosed();

    void close();
}

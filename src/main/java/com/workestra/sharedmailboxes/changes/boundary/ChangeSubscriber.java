package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;

import java.util.List;

/** One open stream of the change feed, as the transport that carries it (JAX-RS Server-Sent Events, the console's). */
public interface ChangeSubscriber {

    /**
     * Sends what one round of the loop has for this stream, in order, in one write (one flush); a failure closes the
     * stream. The events are shared with every other stream that gets them: send them as they are.
     */
    void send(List<ChangeEvent> changes);

    /**
     * Says that changes after the stream's position were removed before it got them ({@code changes.retention}): the
     * client must re-read what it keeps and start from a fresh cursor. The stream is closed after it.
     */
    void expired(Problem problem);

    /** An SSE comment, so that proxies keep the stream open and a vanished client is noticed. */
    void comment(String text);

    boolean isClosed();

    void close();
}

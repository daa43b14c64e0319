package com.workestra.sharedmailboxes.changes.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.changes.entity.ChangePage;
import com.workestra.sharedmailboxes.problems.entity.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

@Path("changes")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
public class ChangesResource {

    private static final Logger LOG = Logger.getLogger(ChangesResource.class.getName());
    private static final Jsonb JSON = JsonbBuilder.create();
    /** The event a stream gets, with no id and as its last, when changes after its position were removed. */
    public static final String EXPIRED_EVENT = "cursor.expired";

    @Inject
    Caller caller;

    @Inject
    ChangeFeed feed;

    @Inject
    ChangeStreams streams;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's changes after a cursor, in the order they were committed: message.added, message.updated"
            + " (read state, content, its conversation), message.removed, message.moved, conversation.updated and"
            + " connection.health, each with the ids it concerns; only what the caller may see (a mailbox's changes while"
            + " they hold a working connection to it, afterwards those of messages received before their access ended;"
            + " their own connections' health, every connection's for an admin; nothing of another workspace). Without a"
            + " cursor the feed starts now: no items, and nextCursor is where it begins. nextCursor is never null: call"
            + " again with it to continue; the same cursor gives the same changes on every server and after restarts."
            + " Changes are kept for changes.retention: a cursor older than that (changes after it were removed) is refused"
            + " with 410 CURSOR_EXPIRED, never continued with a gap; re-read what you keep, then start again from a fresh"
            + " cursor (this operation without one)")
    public ChangePage list(
            @Parameter(description = "a change's id or the nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "page size, 1 to changes.max-page-size") @QueryParam("limit") Integer limit) {
        return feed.page(caller, cursor, limit);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The same changes as Server-Sent Events, each within about changes.poll-interval of its commit on"
            + " whichever server stored it: event name = the change's type, id = its id, data = the Change as JSON."
            + " Last-Event-ID (or cursor) resumes after that change without loss or repeat; without either the stream"
            + " starts now. Comments (': heartbeat') keep the stream open. A person holds at most"
            + " changes.max-streams-per-caller streams on one server: opening another closes their oldest. A client that"
            + " stops reading is dropped (its stream closed) once changes.stream-buffer changes wait for it or a write"
            + " has not finished within changes.send-timeout: reconnect with Last-Event-ID, nothing is lost. A"
            + " Last-Event-ID or cursor older than what the feed keeps (changes.retention) is refused with 410"
            + " CURSOR_EXPIRED; an open stream that falls that far behind gets one 'cursor.expired' event (no id, data"
            + " the same problem+json) and is closed. Either way some changes were missed: re-read what you keep, then"
            + " open the stream without Last-Event-ID (or from a fresh cursor of GET /changes)")
    public void stream(@Context SseEventSink sink, @Context Sse sse,
                       @Parameter(description = "the id of the last change received") @HeaderParam("Last-Event-ID") String lastEventId,
                       @Parameter(description = "a change's id or a page's nextCursor, when there is no Last-Event-ID")
                       @QueryParam("cursor") String cursor) {
        String from = lastEventId != null && !lastEventId.isBlank() ? lastEventId : cursor;
        long position = from == null || from.isBlank() ? streams.now(caller) : ChangeFeed.position(from);
        streams.open(caller, new SseSubscriber(sink, sse), position);
    }

    /** A JAX-RS Server-Sent Events stream. */
    record SseSubscriber(SseEventSink sink, Sse sse) implements ChangeSubscriber {

        @Override
        public void send(List<ChangeEvent> changes) {
            // One chunk: Jersey writes and flushes each event it is given, so the round's events go as one.
            sent(sink.send(new SseEvents(changes)));
        }

        @Override
        public void expired(Problem problem) {
            sent(sink.send(sse.newEventBuilder().name(EXPIRED_EVENT).data(String.class, JSON.toJson(problem)).build()));
        }

        @Override
        public void comment(String text) {
            sent(sink.send(sse.newEventBuilder().comment(text).build()));
        }

        private void sent(java.util.concurrent.CompletionStage<?> sending) {
            sending.exceptionally(failure -> {
                LOG.log(Level.FINE, "a change stream closed", failure);
                close();
                return null;
            });
        }

        @Override
        public boolean isClosed() {
            return sink.isClosed();
        }

        @Override
        public void close() {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a change stream failed", e);
            }
        }
    }
}

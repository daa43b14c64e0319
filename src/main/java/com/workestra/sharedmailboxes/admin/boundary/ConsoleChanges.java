package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import com.workestra.sharedmailboxes.changes.boundary.ChangeEvent;
import com.workestra.sharedmailboxes.changes.boundary.ChangeFeed;
import com.workestra.sharedmailboxes.changes.boundary.ChangeStreams;
import com.workestra.sharedmailboxes.changes.boundary.ChangeSubscriber;
import com.workestra.sharedmailboxes.changes.boundary.ChangesResource;
import com.workestra.sharedmailboxes.changes.entity.Change;
import com.workestra.sharedmailboxes.changes.entity.StoredChange;
import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /admin/changes}: the change feed for the console's own session (the API's stream takes a bearer token, which
 * the console's pages do not hold), as Server-Sent Events of the connections' health only: console.js re-renders the
 * connection list when one arrives, instead of re-rendering it every 2.5 s. Who may open it is {@link ConsoleAccess}'s
 * decision (the members' pages use it); what each person gets is the feed's own rule.
 */
@WebServlet(urlPatterns = ConsoleChanges.PATH, asyncSupported = true)
public class ConsoleChanges extends HttpServlet {

    public static final String PATH = "/admin/changes";

    @Inject
    ChangeStreams streams;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(request.getUserPrincipal() instanceof ConsolePrincipal who)) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        String last = request.getHeader("Last-Event-ID");
        long position;
        try {
            position = last == null || last.isBlank() ? streams.now(who.caller()) : ChangeFeed.position(last);
        } catch (RuntimeException e) {
            position = streams.now(who.caller());
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Stream stream = new Stream(async, response.getWriter());
        async.addListener(stream);
        try {
            streams.open(who.caller(), stream, position);
        } catch (ServiceException expired) {
            // Last-Event-ID older than the feed keeps (a page left open for days): the page re-renders its list on this
            // event, and the stream goes on from now.
            stream.expired(expired.problem());
            streams.open(who.caller(), stream, streams.now(who.caller()));
        }
    }

    /** One console page's stream. */
    static final class Stream implements ChangeSubscriber, AsyncListener {
        private final AsyncContext async;
        private final PrintWriter out;
        private volatile boolean closed;

        Stream(AsyncContext async, PrintWriter out) {
            this.async = async;
            this.out = out;
        }

        @Override
        public synchronized void send(List<ChangeEvent> changes) {
            StringBuilder text = new StringBuilder();
            for (ChangeEvent event : changes) {
                Change change = event.change();
                if (StoredChange.CONNECTION_HEALTH.equals(change.type())) {
                    text.append("id: ").append(change.id()).append("\nevent: ").append(change.type())
                            .append("\ndata: {\"connectionId\":\"").append(change.connectionId()).append("\"}\n\n");
                }
            }
            if (!text.isEmpty()) {
                write(text.toString());
            }
        }

        @Override
        public synchronized void expired(Problem problem) {
            write("event: " + ChangesResource.EXPIRED_EVENT + "\ndata: {\"code\":\"" + problem.code() + "\"}\n\n");
        }

        @Override
        public synchronized void comment(String text) {
            write(": " + text.replace('\n', ' ') + "\n\n");
        }

        private void write(String text) {
            if (closed) {
                return;
            }
            out.write(text);
            out.flush();
            if (out.checkError()) {
                close();
            }
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    async.complete();
                } catch (IllegalStateException alreadyOver) {
                    // the request ended already
                }
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            closed = true;
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            close();
        }

        @Override
        public void onError(AsyncEvent event) {
            close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // nothing to do
        }
    }
}

package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-authenticated {@code uploadUrl} of an attachment upload session, which Exchange serves on an Outlook host, not
 * Graph's ("Attach large files to Outlook messages or events", https://learn.microsoft.com/graph/outlook-large-attachments):
 * <ul>
 * <li>{@code PUT} with {@code Content-Range: bytes {start}-{end}/{total}} and the bytes, in order: 200 with
 * {@code ExpirationDateTime} and {@code nextExpectedRanges} ["{next}"], and for the last range 201 Created, an empty body
 * and {@code Location} naming the attachment; no Authorization header is needed (the URL carries an authtoken);</li>
 * <li>{@code GET}: the session's status; {@code DELETE}: 204, the session is gone.</li>
 * </ul>
 * Each PUT counts against the mailbox's IncomingBytes limit (150 MB per 5 minutes, concepts/throttling-limits.md): over
 * it, 429 ApplicationThrottled with Retry-After, the session staying where it was. A range that does not start where the
 * session expects is refused with 416 and the expected range (Graph documents no code for it). A test can read what
 * arrived in {@link OutgoingAttachments#sentAttachments()}.
 */
final class UploadSessionEndpoint {

    static final String PREFIX = "/outlook/api/v2.0/";
    private static final Pattern SESSION = Pattern.compile("AttachmentSessions\\('([^']+)'\\)");
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private final Tenant tenant;
    private final GraphEndpoints graph;

    UploadSessionEndpoint(Tenant tenant, GraphEndpoints graph) {
        this.tenant = tenant;
        this.graph = graph;
    }

    static String url(String baseUrl, Mailbox mailbox, OutgoingAttachments.Draft draft, OutgoingAttachments.UploadSession session) {
        return baseUrl + PREFIX + "Users('" + mailbox.oid + "@" + "tenant')/Messages('" + draft.id + "')/AttachmentSessions('"
                + session.id + "')?authtoken=" + session.token;
    }

    void handle(HttpCall call) {
        try {
            route(call);
        } catch (GraphException error) {
            graph.respondError(call, error);
        }
    }

    private void route(HttpCall call) {
        Matcher matcher = SESSION.matcher(call.path);
        OutgoingAttachments.UploadSession session = matcher.find() ? tenant.outgoingAttachments().sessions.get(matcher.group(1)) : null;
        if (session == null) {
            throw new GraphException(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        if (!session.token.equals(call.query.get("authtoken")) || System.currentTimeMillis() > session.expiresMillis) {
            throw new GraphException(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
        }
        switch (call.method) {
            case "PUT" -> put(call, session);
            case "GET" -> call.respondJson(200, status(session));
            case "DELETE" -> {
                tenant.outgoingAttachments().sessions.remove(session.id);
                call.respondEmpty(204);
            }
            default -> throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
        }
    }

    private void put(HttpCall call, OutgoingAttachments.UploadSession session) {
        String header = call.header("Content-Range");
        Matcher range = header == null ? null : RANGE.matcher(header.trim());
        if (range == null || !range.matches()) {
            throw GraphException.badRequest("The Content-Range header is missing or malformed.");
        }
        long start = Long.parseLong(range.group(1));
        long end = Long.parseLong(range.group(2));
        long total = Long.parseLong(range.group(3));
        if (total != session.size || end < start || end >= total) {
            throw GraphException.badRequest("The Content-Range does not match the upload session's size.");
        }
        byte[] bytes = call.body();
        if (bytes.length != end - start + 1) {
            throw GraphException.badRequest("The body's length does not match the Content-Range.");
        }
        synchronized (session) {
            if (start != session.received) {
                GraphException refused = new GraphException(416, "InvalidRange",
                        "The uploaded fragment overlaps with data that has already been received, or skips some.");
                throw refused;
            }
            long wait = tenant.outgoingAttachments().takeIncoming(session.draft.mailbox.oid, bytes.length, tenant.nowMillis());
            if (wait > 0) {
                throw new GraphException(429, "ApplicationThrottled", "Application is over its IncomingBytes limit.")
                        .withHeader("Retry-After", Long.toString(wait));
            }
            session.sha256.update(bytes);
            session.received += bytes.length;
            if (session.received < session.size) {
                call.respondJson(200, status(session));
                return;
            }
            tenant.outgoingAttachments().sessions.remove(session.id);
            synchronized (session.draft) {
                session.draft.attachments.add(new DraftEndpoints.Attached(session.name, session.contentType, session.size,
                        java.util.HexFormat.of().formatHex(session.sha256.digest()), true));
            }
        }
        String location = call.path.substring(0, call.path.indexOf("/AttachmentSessions("));
        call.setHeader("Location", "https://" + call.header("Host") + location + "/Attachments('" + session.id + "')");
        call.respondEmpty(201);
    }

    private static ObjectNode status(OutgoingAttachments.UploadSession session) {
        ObjectNode view = Json.object();
        view.put("@odata.context", "https://outlook.office.com/api/v2.0/$metadata#AttachmentSessions/$entity");
        view.put("ExpirationDateTime", Json.sevenDigits(Instant.ofEpochMilli(session.expiresMillis)));
        view.putArray("nextExpectedRanges").add(Long.toString(session.received));
        return view;
    }
}

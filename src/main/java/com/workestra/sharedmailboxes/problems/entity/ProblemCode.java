package com.workestra.sharedmailboxes.problems.entity;

/** The stable machine codes of API.md, with their HTTP status and a short title. */
public enum ProblemCode {
    INVALID_ADDRESS(400, "Invalid mailbox address"),
    INVALID_REQUEST(400, "Invalid request"),
    MALFORMED_REQUEST(400, "Malformed request body"),
    UNAUTHENTICATED(401, "Authentication required"),
    FORBIDDEN(403, "Forbidden"),
    MAILBOX_ACCESS_DENIED(403, "Microsoft rejected access to this mailbox"),
    SEND_AS_DENIED(403, "Not allowed to send as this mailbox"),
    NOT_FOUND(404, "Not found"),
    MAILBOX_NOT_FOUND(404, "Mailbox not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    SHARED_SCOPES_MISSING(409, "Reconnect to enable shared mailboxes"),
    ALREADY_CONNECTED(409, "Mailbox already connected"),
    PARENT_NOT_HEALTHY(409, "Outlook connection needs attention"),
    MAILBOX_REPLACED(409, "The address now holds another mailbox"),
    RECONNECT_REQUIRED(409, "Reconnect your Outlook account"),
    IDEMPOTENCY_KEY_IN_USE(409, "A request with this Idempotency-Key is under way"),
    MESSAGE_REMOVED(409, "The message was removed"),
    CURSOR_EXPIRED(410, "The change feed no longer holds this cursor's changes"),
    PAYLOAD_TOO_LARGE(413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    IDEMPOTENCY_KEY_REUSED(422, "Idempotency-Key used for another request"),
    INTERNAL_ERROR(500, "Internal error"),
    OUTLOOK_NOT_CONFIGURED(503, "Outlook integration not configured"),
    MICROSOFT_UNAVAILABLE(503, "Microsoft 365 is temporarily unavailable"),
    DATABASE_UNAVAILABLE(503, "The service's database is temporarily unavailable"),
    THROTTLED(503, "Microsoft is throttling requests");

    private final int status;
    private final String title;

    ProblemCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return "urn:workestra:problem:" + name().toLowerCase().replace('_', '-');
    }

    public static ProblemCode forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 503 -> MICROSOFT_UNAVAILABLE;
            default -> INTERNAL_ERROR;
        };
    }
}

package com.workestra.sharedmailboxes.m365emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Graph error answer: status, code and message, rendered in Graph's error body shape. */
final class GraphException extends RuntimeException {

    static final String ACCESS_DENIED = "Access is denied. Check credentials and try again.";

    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    GraphException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    GraphException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static GraphException accessDenied() {
        return new GraphException(403, "ErrorAccessDenied", ACCESS_DENIED);
    }

    /**
     * An app-only call on a mailbox outside the app's Exchange management scope (or application access policy):
     * Microsoft's documented answer (https://learn.microsoft.com/graph/auth-limit-mailbox-access, "Handling API errors";
     * seen in the wild: OfficeDev/office-js-docs-pr#2808).
     */
    static GraphException odataDisabled() {
        return new GraphException(403, "ErrorAccessDenied", "Access to OData is disabled.");
    }

    static GraphException itemNotFound() {
        return new GraphException(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }

    /** What a mailbox folder answers to a delegated caller without rights on it. */
    static GraphException folderHidden() {
        return new GraphException(404, "ErrorItemNotFound",
                "The specified object was not found in the store., The process failed to get the correct properties.");
    }

    /** A from address the caller may neither Send As nor Send on Behalf of. */
    static GraphException sendAsDenied() {
        return new GraphException(403, "ErrorSendAsDenied", "The user account which was used to submit this request does"
                + " not have the right to send mail on behalf of the specified sending account. Cannot submit message.");
    }

    /** A {@code $filter} Graph cannot apply (delta: only {@code receivedDateTime ge|gt}). */
    static GraphException invalidFilter() {
        return new GraphException(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.");
    }

    static GraphException invalidUser(String user) {
        return new GraphException(404, "ErrorInvalidUser", "The requested user '" + user + "' is invalid.");
    }

    static GraphException mailboxNotFound() {
        return new GraphException(404, "ResourceNotFound", "Resource could not be discovered.");
    }

    static GraphException badRequest(String message) {
        return new GraphException(400, "BadRequest", message);
    }

    static GraphException noResource(String path) {
        return new GraphException(400, "BadRequest", "Resource not found for the segment '" + path + "'.");
    }
}

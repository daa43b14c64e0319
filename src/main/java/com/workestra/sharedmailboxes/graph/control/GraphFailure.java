package com.workestra.sharedmailboxes.graph.control;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * What a failed Graph call means, read from the status and Graph's error {@code code} (never from the message text).
 * Status 0 means Graph was not reached or did not answer in time.
 */
public record GraphFailure(int status, String code, Duration retryAfter) {

    private static final Set<String> SYNC_STATE_LOST = Set.of("syncstatenotfound", "resyncrequired", "syncstateinvalid",
            "errorinvalidsyncstatedata");
    /** Exchange hides a mailbox folder the caller may not open behind "not found" (GRAPH-FACTS.md §8). */
    private static final Set<String> FOLDER_HIDDEN = Set.of("erroritemnotfound", "errorfoldernotfound");

    /**
     * Graph's error answers read as {@link ODataError} (what {@link #of} reads the code from), for a request sent
     * without the SDK's request builder (a raw download, a delta page read as a stream): a new map each time, as the
     * adapter takes a mutable one.
     */
    public static HashMap<String, ParsableFactory<? extends Parsable>> odataErrors() {
        HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
        errors.put("XXX", ODataError::createFromDiscriminatorValue);
        return errors;
    }

    public static GraphFailure of(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            String code = cause instanceof ODataError odata && odata.getError() != null ? odata.getError().getCode() : null;
            return new GraphFailure(api.getResponseStatusCode(), code == null ? "" : code, retryAfter(api.getResponseHeaders()));
        }
        if (cause instanceof InterruptedIOException || cause instanceof java.io.IOException) {
            return new GraphFailure(0, "Unreachable", null);
        }
        return null;
    }

    private static Duration retryAfter(Map<String, ? extends Collection<String>> headers) {
        if (headers == null) {
            return null;
        }
        for (var header : headers.entrySet()) {
            if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                try {
                    return Duration.ofSeconds(Long.parseLong(header.getValue().iterator().next().trim()));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    public boolean isThrottled() {
        return status == 429;
    }

    public boolean isTransient() {
        return status == 0 || status == 429 || status >= 500;
    }

    public boolean isAccessDenied() {
        return status == 403;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * Exchange refused this person on the mailbox: a 403, or the 404 {@code ErrorItemNotFound}/{@code ErrorFolderNotFound}
     * that a mailbox folder answers to someone without rights on it.
     */
    public boolean isMailboxAccessDenied() {
        return status == 403 || status == 404 && FOLDER_HIDDEN.contains(code.toLowerCase(Locale.ROOT));
    }

    /** No mailbox at that address ({@code ErrorInvalidUser}, {@code ResourceNotFound}, {@code MailboxNotEnabledForRESTAPI}, …). */
    public boolean isMailboxNotFound() {
        return status == 404 && !isMailboxAccessDenied();
    }

    /** A request Graph refused as malformed or unsupported (a 4xx that is none of the above), such as a delta link it no longer takes. */
    public boolean isRefusedRequest() {
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 404 && status != 429
                && !isSyncStateLost();
    }

    public boolean isUnauthorized() {
        return status == 401;
    }

    public boolean isSyncStateLost() {
        return status == 410 || SYNC_STATE_LOST.contains(code.toLowerCase(Locale.ROOT));
    }

    public boolean isSendAsDenied() {
        return "ErrorSendAsDenied".equalsIgnoreCase(code);
    }

    @Override
    public String toString() {
        return status + (code.isEmpty() ? "" : " " + code);
    }
}

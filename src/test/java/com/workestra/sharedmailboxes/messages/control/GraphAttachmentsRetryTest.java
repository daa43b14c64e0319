package com.workestra.sharedmailboxes.messages.control;

import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listing attachments while a person waits: a throttled list is retried once after a short wait, never sleeps out minutes. */
class GraphAttachmentsRetryTest {

    @Test
    void aShortRetryAfterIsWaitedOutOnceALongOneGoesBackToTheReader() {
        RetryHandlerOption option = GraphAttachments.listRetries();
        assertEquals(1, option.maxRetries());
        assertTrue(option.shouldRetry().shouldRetry(0, 1, request(), throttled("1")));
        assertTrue(option.shouldRetry().shouldRetry(0, 1, request(), throttled(null)), "no Retry-After: the handler's short delay");
        assertFalse(option.shouldRetry().shouldRetry(0, 1, request(), throttled("30")));
        assertFalse(option.shouldRetry().shouldRetry(0, 1, request(), throttled("Wed, 21 Oct 2026 07:28:00 GMT")));
    }

    private static Request request() {
        return new Request.Builder().url("https://graph.microsoft.com/v1.0/me/messages/m/attachments").build();
    }

    private static Response throttled(String retryAfter) {
        Response.Builder response = new Response.Builder().request(request()).protocol(Protocol.HTTP_1_1).code(429).message("Too Many Requests");
        if (retryAfter != null) {
            response.header("Retry-After", retryAfter);
        }
        return response.build();
    }
}

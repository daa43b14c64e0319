package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/** The opaque keyset position of the inbox: the last row's (received_at, id), base64url-encoded. */
public record InboxCursor(Instant receivedAt, long id) {

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, receivedAt);
        return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    public static InboxCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            long micros = Long.parseLong(text.substring(0, colon));
            long id = Long.parseLong(text.substring(colon + 1));
            return new InboxCursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
        } catch (RuntimeException e) {
            throw new ServiceException(ProblemCode.INVALID_REQUEST, "The cursor is not one this service handed out.");
        }
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InboxCursorTest {

    @Test
    void aCursorNamesTheLastRowToTheMicrosecond() {
        InboxCursor cursor = new InboxCursor(Instant.parse("2026-03-01T10:15:30.123456Z"), 42);
        assertEquals(cursor, InboxCursor.decode(cursor.encode()));
        assertNull(InboxCursor.decode(null));
    }

    @Test
    void aForgedCursorIsAnInvalidRequest() {
        ServiceException refused = assertThrows(ServiceException.class, () -> InboxCursor.decode("garbage!"));
        assertEquals(ProblemCode.INVALID_REQUEST, refused.code());
        assertThrows(ServiceException.class, () -> InboxCursor.decode("MTIzOmFiYw"));
    }
}

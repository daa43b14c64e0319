package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.Attachment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownloadHeadersTest {

    static Attachment file(String name, String contentType) {
        return new Attachment("a1", name, contentType, 10, false, null, Attachment.Kind.FILE);
    }

    @Test
    void aSendersFileNameCannotSplitTheHeaderOrNameAPath() {
        String name = DownloadHeaders.fileName(file("..\\..\\x/../Rechnung \"März\"\r\nSet-Cookie: a=b;.pdf", "application/pdf"), null);
        assertEquals("Rechnung MärzSet-Cookie: a=b.pdf", name);
        String header = DownloadHeaders.contentDisposition(name);
        assertEquals("attachment; filename=\"Rechnung M_rzSet-Cookie: a=b.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rzSet-Cookie%3A%20a%3Db.pdf",
                header);
        assertFalse(header.contains("\r") || header.contains("\n"));
    }

    @Test
    void emptyHiddenOrBidiTrickNamesBecomeHarmless() {
        assertEquals("attachment", DownloadHeaders.fileName(file("  ", "text/plain"), null));
        assertEquals("attachment", DownloadHeaders.fileName(file(null, "text/plain"), null));
        assertEquals("bashrc", DownloadHeaders.fileName(file(".bashrc", "text/plain"), null));
        assertEquals("invoicefdp.exe", DownloadHeaders.fileName(file("invoice\u202Efdp.exe", "application/pdf"), null),
                "no right-to-left override hiding the real extension");
        assertEquals(200, DownloadHeaders.fileName(file("a".repeat(500) + ".pdf", "application/pdf"), null).length());
    }

    @Test
    void contentTypeIsExchangesWhenWellFormedAndItemsAreTheirMime() {
        assertEquals("application/pdf", DownloadHeaders.contentType(file("a.pdf", "application/pdf"), null));
        assertEquals("image/png", DownloadHeaders.contentType(file("a.png", "IMAGE/PNG; name=a.png"), null));
        assertEquals("application/octet-stream", DownloadHeaders.contentType(file("a", "text/html\r\nX: y"), null));
        assertEquals("application/octet-stream", DownloadHeaders.contentType(file("a", null), null));
        Attachment mail = new Attachment("i1", "Original order", null, 10, false, null, Attachment.Kind.ITEM);
        assertEquals("message/rfc822", DownloadHeaders.contentType(mail, "message"));
        assertEquals("Original order.eml", DownloadHeaders.fileName(mail, "message"));
        assertEquals("text/calendar", DownloadHeaders.contentType(mail, "event"));
        assertTrue(DownloadHeaders.fileName(mail, "event").endsWith(".ics"));
    }
}

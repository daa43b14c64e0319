package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaPageJsonTest {

    /** A page as Graph answers a message delta with the service's $select (learn.microsoft.com/graph/delta-query-messages). */
    static final String PAGE = """
            {
              "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)",
              "value": [
                {
                  "@odata.type": "#microsoft.graph.message",
                  "@odata.etag": "W/\\"CQAAABYAAAARn2vdzPIuQ5RZbI2wQIbDAAABpDYe\\"",
                  "id": "AAMk-1",
                  "receivedDateTime": "2026-01-02T03:04:05Z",
                  "hasAttachments": true,
                  "internetMessageId": "<c@contoso.test>",
                  "subject": "Invoice \\"42\\" \\u00e9t\\u00e9",
                  "bodyPreview": "Hello",
                  "changeKey": "CQAAABYAAAAR",
                  "conversationId": "AAQk-conv",
                  "isRead": false,
                  "flag": {"flagStatus": "notFlagged", "dueDateTime": {"dateTime": "x", "timeZone": "UTC"}},
                  "body": {"contentType": "html", "content": "<p>x</p>"},
                  "sender": {"emailAddress": {"name": "Support", "address": "support@contoso.test"}},
                  "from": {"emailAddress": {"name": "Adele", "address": "adele@contoso.test"}},
                  "toRecipients": [{"emailAddress": {"name": "A", "address": "a@contoso.test"}},
                                   {"emailAddress": {"address": "b@contoso.test"}}],
                  "ccRecipients": [],
                  "internetMessageHeaders": [
                    {"name": "Message-ID", "value": "<c@contoso.test>"},
                    {"name": "References", "value": "<a@x>\\r\\n <b@y>"},
                    {"name": "In-Reply-To", "value": "<b@y>"}
                  ]
                },
                {"@odata.type": "#microsoft.graph.message", "id": "AAMk-2", "isRead": true},
                {"@odata.type": "#microsoft.graph.message", "id": "AAMk-3", "@removed": {"reason": "deleted"}},
                {"id": "AAMk-4", "receivedDateTime": "2026-01-02T05:04:05+02:00", "subject": null, "from": null,
                 "toRecipients": null, "body": {"contentType": "text", "content": "plain"}}
              ],
              "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/mailfolders('inbox')/messages/delta?$skiptoken=abc"
            }
            """;

    @Test
    void aMessageKeepsEveryFieldTheStoreNeeds() {
        DeltaPage page = read(PAGE);
        MessageChange message = page.changes().get(0);
        assertFalse(message.removed());
        assertTrue(message.isComplete());
        assertEquals("AAMk-1", message.graphId());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), message.receivedAt());
        assertEquals("Invoice \"42\" été", message.subject());
        assertEquals("html", message.bodyType());
        assertEquals("<p>x</p>", message.body());
        assertEquals("Hello", message.preview());
        assertEquals("AAQk-conv", message.conversationId());
        assertEquals("<c@contoso.test>", message.internetMessageId());
        assertEquals("CQAAABYAAAAR", message.changeKey());
        assertEquals(Boolean.FALSE, message.isRead());
        assertEquals(Boolean.TRUE, message.hasAttachments());
        assertEquals("adele@contoso.test", message.from().address());
        assertEquals("Adele", message.from().name());
        assertEquals("support@contoso.test", message.sender().address());
        assertEquals(2, message.to().size());
        assertNull(message.to().get(1).name());
        assertEquals("b@contoso.test", message.to().get(1).address());
        assertEquals(List.of(), message.cc());
        assertEquals(List.of("<a@x>", "<b@y>"), message.references(), "References then In-Reply-To, without repeats");
    }

    @Test
    void anUpdateWithoutReceivedTimeIsPartialAndARemovedItemIsARemoval() {
        DeltaPage page = read(PAGE);
        MessageChange partial = page.changes().get(1);
        assertFalse(partial.isComplete());
        assertNull(partial.subject());
        assertNull(partial.references(), "no headers sent: unknown, not none");
        assertEquals(Boolean.TRUE, partial.isRead());

        MessageChange removed = page.changes().get(2);
        assertTrue(removed.removed());
        assertEquals("AAMk-3", removed.graphId());
    }

    @Test
    void nullsAreAbsentValuesAndOffsetsAreKept() {
        MessageChange message = read(PAGE).changes().get(3);
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), message.receivedAt());
        assertNull(message.subject());
        assertNull(message.from());
        assertNull(message.to());
        assertEquals("text", message.bodyType());
        assertEquals(4, read(PAGE).changes().size());
    }

    @Test
    void receivedTimesAreReadInEveryFormOfIso8601() {
        assertEquals(Instant.parse("2026-12-31T23:59:59Z"), DeltaPageJson.instant("2026-12-31T23:59:59Z"));
        assertEquals(Instant.parse("2024-02-29T00:00:00Z"), DeltaPageJson.instant("2024-02-29T00:00:00Z"));
        assertEquals(Instant.parse("2026-01-02T03:04:05.123Z"), DeltaPageJson.instant("2026-01-02T03:04:05.123Z"));
        assertEquals(Instant.parse("2026-01-02T01:04:05Z"), DeltaPageJson.instant("2026-01-02T03:04:05+02:00"));
        assertThrows(IllegalStateException.class, () -> DeltaPageJson.instant("2026-02-30T03:04:05Z"));
        assertThrows(IllegalStateException.class, () -> DeltaPageJson.instant("2026-01-02T03:04:+5Z"));
        assertThrows(IllegalStateException.class, () -> DeltaPageJson.instant("yesterday"));
    }

    @Test
    void theNextLinkOrTheDeltaLinkEndsThePage() {
        DeltaPage middle = read(PAGE);
        assertEquals("https://graph.microsoft.com/v1.0/me/mailfolders('inbox')/messages/delta?$skiptoken=abc", middle.nextLink());
        assertNull(middle.deltaLink());
        assertFalse(middle.isLast());

        DeltaPage last = read("{\"@odata.deltaLink\": \"https://graph.microsoft.com/v1.0/delta?$deltatoken=z\", \"value\": []}");
        assertTrue(last.isLast());
        assertEquals("https://graph.microsoft.com/v1.0/delta?$deltatoken=z", last.deltaLink());
        assertEquals(List.of(), last.changes());

        DeltaPage odd = read("{\"value\": [null, {\"id\": \"AAMk-5\", \"isRead\": true}, [1], 2], \"@odata.deltaLink\": \"d\"}");
        assertEquals(List.of("AAMk-5"), odd.changes().stream().map(MessageChange::graphId).toList(), "what is not an item is skipped");
        assertEquals("d", odd.deltaLink());
    }

    @Test
    void anAnswerThatIsNotAPageOrBreaksOffFails() {
        assertThrows(IllegalStateException.class, () -> read("[]"));
        assertThrows(IllegalStateException.class, () -> read("{\"value\": [{\"id\": \"x\", }"));
        byte[] start = PAGE.substring(0, 400).getBytes(StandardCharsets.UTF_8);
        InputStream brokenOff = new InputStream() {
            int next;

            @Override
            public int read() throws IOException {
                if (next == start.length) {
                    throw new IOException("connection reset");
                }
                return start[next++];
            }
        };
        assertThrows(UncheckedIOException.class, () -> DeltaPageJson.read(brokenOff), "sync retries it as Graph unreachable");
    }

    static DeltaPage read(String json) {
        return DeltaPageJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}

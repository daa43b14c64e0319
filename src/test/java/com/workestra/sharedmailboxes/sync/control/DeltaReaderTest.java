package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.InternetMessageHeader;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaReaderTest {

    @Test
    void inReplyToAndReferencesBecomeTheIdsAMessageAnswers() {
        assertNull(DeltaReader.references(null), "no headers selected or returned: unknown");
        assertEquals(List.of("<a@x>", "<b@y>"), DeltaReader.references(List.of(header("Message-ID", "<c@z>"),
                header("References", "<a@x>\r\n <b@y>"), header("In-Reply-To", "<b@y>"))));
        assertEquals(List.of(), DeltaReader.references(List.of(header("Received", "from mail.example"))));
    }

    static InternetMessageHeader header(String name, String value) {
        InternetMessageHeader header = new InternetMessageHeader();
        header.setName(name);
        header.setValue(value);
        return header;
    }

    @Test
    void aRemovedItemBecomesARemoval() {
        Message removed = new Message();
        removed.setId("AAMk-1");
        removed.setAdditionalData(Map.of("@removed", Map.of("reason", "deleted")));
        MessageChange change = DeltaReader.change(removed);
        assertTrue(change.removed());
        assertEquals("AAMk-1", change.graphId());
    }

    @Test
    void aMessageKeepsWhatTheStoreNeedsAndAnUpdateWithoutReceivedTimeIsPartial() {
        Message message = new Message();
        message.setId("AAMk-2");
        message.setSubject("Hello");
        message.setReceivedDateTime(OffsetDateTime.parse("2026-01-02T03:04:05Z"));
        message.setIsRead(true);
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Html);
        body.setContent("<p>x</p>");
        message.setBody(body);
        EmailAddress address = new EmailAddress();
        address.setAddress("a@example.com");
        address.setName("A");
        Recipient from = new Recipient();
        from.setEmailAddress(address);
        message.setFrom(from);
        message.setToRecipients(List.of(from));
        MessageChange change = DeltaReader.change(message);
        assertFalse(change.removed());
        assertTrue(change.isComplete());
        assertEquals("html", change.bodyType());
        assertEquals("a@example.com", change.from().address());
        assertEquals(1, change.to().size());

        Message update = new Message();
        update.setId("AAMk-2");
        update.setIsRead(false);
        MessageChange partial = DeltaReader.change(update);
        assertFalse(partial.isComplete());
        assertNull(partial.subject());
        assertEquals(Boolean.FALSE, partial.isRead());
    }
}

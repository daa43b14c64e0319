package com.workestra.sharedmailboxes.graph.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailboxRefusalsTest {

    @Test
    void aSharedMailboxThatIsNotFoundAnyMoreSuggestsAddingItAgainUnderItsNewAddress() {
        String sentence = MailboxRefusals.sharedNotFound("support@contoso.test");
        assertTrue(sentence.startsWith("Microsoft 365 could not find a mailbox at support@contoso.test"), sentence);
        assertTrue(sentence.contains("add it again under the new address"), sentence);
    }

    @Test
    void aPersonalMailboxNotFoundKeepsTheProductsSentence() {
        assertEquals("Microsoft 365 could not find a mailbox at alice@contoso.test",
                MailboxRefusals.notFound("alice@contoso.test"));
    }

    @Test
    void aReplacedMailboxSaysWhatHappenedAndThatTheHistoryStays() {
        String sentence = MailboxRefusals.replaced("support@contoso.test");
        assertTrue(sentence.startsWith("support@contoso.test is now another mailbox"), sentence);
        assertTrue(sentence.contains("Add it again") && sentence.contains("stays readable"), sentence);
    }
}

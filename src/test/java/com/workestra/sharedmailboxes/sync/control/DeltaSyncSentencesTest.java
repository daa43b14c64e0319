package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.connections.entity.Delivery;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaSyncSentencesTest {

    static SyncTarget target(boolean personal, String address) {
        return new SyncTarget(UUID.randomUUID(), personal, UUID.randomUUID(), MailboxIdentity.ofInbox("AQMkADx"), address,
                personal ? null : address, null, false, Delivery.POLLING);
    }

    @Test
    void aSharedMailboxThatIsNotFoundAnyMoreSuggestsAddingItAgainUnderItsNewAddress() {
        String sentence = DeltaSync.notFoundSentence(target(false, "support@contoso.test"));
        assertTrue(sentence.startsWith("Microsoft 365 could not find a mailbox at support@contoso.test"), sentence);
        assertTrue(sentence.contains("add it again under the new address"), sentence);
    }

    @Test
    void aPersonalMailboxNotFoundKeepsTheProductsSentence() {
        assertEquals("Microsoft 365 could not find a mailbox at alice@contoso.test",
                DeltaSync.notFoundSentence(target(true, "alice@contoso.test")));
    }

    @Test
    void aReplacedMailboxSaysWhatHappenedAndThatTheHistoryStays() {
        String sentence = DeltaSync.replacedSentence("support@contoso.test");
        assertTrue(sentence.startsWith("support@contoso.test is now another mailbox"), sentence);
        assertTrue(sentence.contains("Add it again") && sentence.contains("stays readable"), sentence);
    }
}

package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Recipient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecipientsJsonTest {

    @Test
    void namesWithQuotesBackslashesAndControlCharactersSurviveTheRoundTrip() {
        List<Recipient> recipients = List.of(new Recipient("O\"Brien \\ Co\n", "ob@example.com"), new Recipient(null, "bare@example.com"));
        assertEquals(recipients, RecipientsJson.read(RecipientsJson.write(recipients)));
        assertEquals(List.of(), RecipientsJson.read(RecipientsJson.write(List.of())));
        assertNull(RecipientsJson.write(null));
    }
}

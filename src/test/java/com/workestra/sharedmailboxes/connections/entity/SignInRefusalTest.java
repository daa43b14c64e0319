package com.workestra.sharedmailboxes.connections.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignInRefusalTest {

    @Test
    void everyRefusalSaysNothingWasConnectedAndWhatToDo() {
        for (SignInRefusal refusal : SignInRefusal.values()) {
            assertTrue(refusal.sentence().contains("nothing was connected") || refusal == SignInRefusal.OUTLOOK_NOT_CONFIGURED,
                    refusal.name());
            assertTrue(refusal.sentence().contains("Connect") || refusal.sentence().contains("administrator"), refusal.name());
        }
    }

    @Test
    void aCodeThisServiceNeverSendsGetsMicrosoftsGenericSentence() {
        assertEquals(SignInRefusal.BROWSER_MISMATCH.sentence(), SignInRefusal.sentenceFor("BROWSER_MISMATCH"));
        assertEquals(SignInRefusal.AUTHORIZATION_FAILED.sentence(), SignInRefusal.sentenceFor("<script>"));
        assertEquals(SignInRefusal.AUTHORIZATION_FAILED.sentence(), SignInRefusal.sentenceFor(null));
    }
}

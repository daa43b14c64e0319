package com.workestra.sharedmailboxes.mailboxes.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MailboxIdentityTest {

    @Test
    void aPersonalMailboxIsItsUsersObjectIdAndASharedOneItsInbox() {
        MailboxIdentity personal = MailboxIdentity.ofUser("5d3ea7a4-6a0b-4b5c-9a4d-0d6f8a1c2b3e");
        MailboxIdentity shared = MailboxIdentity.ofInbox("AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAuAAAD");
        assertEquals("user:5d3ea7a4-6a0b-4b5c-9a4d-0d6f8a1c2b3e", personal.value());
        assertEquals("inbox:AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAuAAAD", shared.value());
        assertFalse(personal.isInbox());
        assertTrue(shared.isInbox());
        assertEquals(shared, MailboxIdentity.stored(shared.value()), "what is stored reads back as the same identity");
    }

    @Test
    void folderIdsDifferingOnlyInCaseAreDifferentMailboxes() {
        assertNotEquals(MailboxIdentity.ofInbox("AQMkADabc"), MailboxIdentity.ofInbox("AQMkADABC"));
    }

    @Test
    void aMailboxFromBeforeIdentitiesHasNoneAndNothingElseIsAnIdentity() {
        assertNull(MailboxIdentity.stored(null));
        assertThrows(IllegalArgumentException.class, () -> MailboxIdentity.ofInbox(" "));
        assertThrows(IllegalArgumentException.class, () -> MailboxIdentity.ofUser(null));
        assertThrows(IllegalArgumentException.class, () -> MailboxIdentity.stored("support@contoso.test"));
        assertThrows(IllegalArgumentException.class, () -> MailboxIdentity.stored("inbox:"));
    }
}

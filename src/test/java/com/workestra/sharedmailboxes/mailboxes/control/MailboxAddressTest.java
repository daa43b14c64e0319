package com.workestra.sharedmailboxes.mailboxes.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MailboxAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"support@acme.com", " Support@Acme.COM ", "first.last+tag@sub.acme.co.uk", "o'brien@acme.ie"})
    void acceptsMailboxAddressesAndNormalisesThem(String address) {
        assertEquals(address.trim().toLowerCase(), MailboxAddress.valid(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "support", "support@", "@acme.com", "Support <support@acme.com>", "a@b", "a b@acme.com",
            "support@acme..com", "support@-acme.com", "x\"@acme.com"})
    void refusesAnythingElseWithInvalidAddress(String address) {
        ServiceException refused = assertThrows(ServiceException.class, () -> MailboxAddress.valid(address));
        assertEquals(ProblemCode.INVALID_ADDRESS, refused.code());
    }
}

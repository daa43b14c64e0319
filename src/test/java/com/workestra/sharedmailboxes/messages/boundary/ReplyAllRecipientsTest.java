package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.messages.entity.Recipient;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reply all's lists: each address once, in order, never the mailbox or the person replying, whatever the case. */
class ReplyAllRecipientsTest {

    @Test
    void leavesOutTheMailboxAndTheReplierAndRepeats() {
        Set<String> left = new HashSet<>(Set.of("support@acme.com", "alice@acme.com"));
        List<Recipient> to = MailActions.without(left, List.of(new Recipient("Customer", "customer@example.com")),
                List.of(new Recipient(null, "Support@Acme.com"), new Recipient(null, "colleague@example.com"),
                        new Recipient(null, "CUSTOMER@example.com")));
        List<Recipient> cc = MailActions.without(left, List.of(new Recipient("Alice", "ALICE@acme.com"),
                new Recipient(null, "colleague@example.com"), new Recipient(null, "manager@example.com")),
                List.of(new Recipient(null, "sales@acme.com")));
        assertEquals(List.of("customer@example.com", "colleague@example.com"), to.stream().map(Recipient::address).toList());
        assertEquals(List.of("manager@example.com", "sales@acme.com"), cc.stream().map(Recipient::address).toList(),
                "someone already in To is not copied again");
    }
}

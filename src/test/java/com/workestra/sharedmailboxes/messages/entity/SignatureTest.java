package com.workestra.sharedmailboxes.messages.entity;

import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignatureTest {

    final Mailbox support = new Mailbox("w1", MailboxIdentity.ofInbox("inbox-support"), "support@acme.test", "Support", MailboxKind.SHARED, Instant.EPOCH);

    @Test
    void aTextSignatureFollowsATextBodyAfterTheSignatureSeparator() {
        Signature signature = new Signature(support, "u1", "text", "Alice\nSupport", Instant.EPOCH);
        assertEquals(new Signature.Body("text", "Hello\n\n-- \nAlice\nSupport"), signature.appendTo("text", "Hello"));
    }

    @Test
    void htmlOnEitherSideMakesAnHtmlBodyWithTheTextEscaped() {
        Signature text = new Signature(support, "u1", "text", "A <b>&</b>", Instant.EPOCH);
        assertEquals("<p>Hi</p><br><br><div class=\"signature\">A &lt;b&gt;&amp;&lt;/b&gt;</div>", text.appendTo("html", "<p>Hi</p>").content());
        Signature html = new Signature(support, "u1", "html", "<i>Alice</i>", Instant.EPOCH);
        Signature.Body body = html.appendTo("text", "1 < 2\nok");
        assertEquals("html", body.contentType());
        assertEquals("1 &lt; 2<br>ok<br><br><div class=\"signature\"><i>Alice</i></div>", body.content());
    }
}

package com.workestra.sharedmailboxes.messages.entity;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RequestFingerprintTest {

    static String send(String subject, String content, List<Recipient> to) {
        return RequestFingerprint.of("send").add("support@acme.com").add(subject).add("text").add(content).add(to)
                .add(List.of()).add(List.of()).hash();
    }

    @Test
    void theSameMessageHasTheSameFingerprintAndAnyOtherContentAnother() {
        List<Recipient> jo = List.of(new Recipient(null, "jo@customer.example"));
        assertEquals(send("Order", "Hello", jo), send("Order", "Hello", jo));
        assertNotEquals(send("Order", "Hello", jo), send("Order", "Hello!", jo));
        assertNotEquals(send("Order", "Hello", jo), send("Order", "Hello", List.of(new Recipient(null, "al@customer.example"))));
    }

    @Test
    void valuesNeverRunTogether() {
        assertNotEquals(send("ab", "c", List.of()), send("a", "bc", List.of()));
        assertNotEquals(RequestFingerprint.of("send").add((String) null).hash(), RequestFingerprint.of("send").add("").hash());
        assertNotEquals(RequestFingerprint.of("send").add("x").hash(), RequestFingerprint.of("reply").add("x").hash());
    }

    @Test
    void theFilesOfAMultipartRequestAreInItsFingerprintByContentAndAJsonRequestKeepsItsOwn() {
        List<Recipient> jo = List.of(new Recipient(null, "jo@customer.example"));
        OutgoingAttachment invoice = new OutgoingAttachment("invoice.pdf", "application/pdf", Path.of("/tmp/a"), 3, "aa");
        OutgoingAttachment sameBytesElsewhere = new OutgoingAttachment("invoice.pdf", "application/pdf", Path.of("/tmp/b"), 3, "aa");
        OutgoingAttachment otherBytes = new OutgoingAttachment("invoice.pdf", "application/pdf", Path.of("/tmp/a"), 3, "bb");
        String json = send("Order", "Hello", jo);
        assertEquals(json, RequestFingerprint.of("send").add("support@acme.com").add("Order").add("text").add("Hello").add(jo)
                .add(List.of()).add(List.of()).addAttachments(List.of()).hash(), "no files: the JSON request's fingerprint");
        String withInvoice = RequestFingerprint.of("send").add("support@acme.com").add("Order").add("text").add("Hello").add(jo)
                .add(List.of()).add(List.of()).addAttachments(List.of(invoice)).hash();
        assertNotEquals(json, withInvoice);
        assertEquals(withInvoice, RequestFingerprint.of("send").add("support@acme.com").add("Order").add("text").add("Hello").add(jo)
                .add(List.of()).add(List.of()).addAttachments(List.of(sameBytesElsewhere)).hash(), "where it was staged does not count");
        assertNotEquals(withInvoice, RequestFingerprint.of("send").add("support@acme.com").add("Order").add("text").add("Hello").add(jo)
                .add(List.of()).add(List.of()).addAttachments(List.of(otherBytes)).hash());
    }
}

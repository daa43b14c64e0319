package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.AttachmentCollectionResponse;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.ReferenceAttachment;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A received message's attachments as Graph documents them (attachment-get, message-list-attachments). */
class M365EmulatorAttachmentsTest {

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;
    private static Tenant tenant;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults().withAutoSignInWithLoginHint(true));
        clients = new EmulatorTestClients(emulator);
        tenant = emulator.tenant();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
    }

    @Test
    void filesInlineImagesItemsAndLinksAreListedDescribedAndDownloadedAsGraphDoes() {
        DirectoryUser alice = tenant.createUser(unique("alice"), "Alice");
        Mailbox shared = tenant.createSharedMailbox(unique("support"), "Support");
        tenant.grantFullAccess(shared.address(), alice.upn());
        String token = clients.signInToken(alice.upn(), "https://graph.microsoft.com/Mail.ReadWrite.Shared");
        String id = tenant.deliverWithAttachments(shared.address(), "billing@vendor.example", "Invoice",
                "<p>Hi</p><img src=\"cid:logo@x\">", List.of(
                        Attachment.file("invoice.pdf", "application/pdf", "%PDF-1.7 fake".getBytes(StandardCharsets.US_ASCII)),
                        Attachment.inline("logo.png", "image/png", new byte[] {1, 2, 3}, "logo@x"),
                        Attachment.message("Order 1042", "jo@customer.example", List.of(shared.address()), "Three boxes."),
                        Attachment.reference("Contract.docx", "application/msword", "https://contoso.sharepoint.com/c.docx")));
        GraphServiceClient graph = clients.graph(token);
        var attachments = graph.users().byUserId(shared.address()).messages().byMessageId(id).attachments();

        AttachmentCollectionResponse listed = attachments.get(request -> request.queryParameters.select = new String[] {
                "id", "name", "contentType", "size", "isInline", "microsoft.graph.fileAttachment/contentId"});
        assertEquals(4, listed.getValue().size());
        FileAttachment pdf = assertInstanceOf(FileAttachment.class, listed.getValue().get(0));
        FileAttachment logo = assertInstanceOf(FileAttachment.class, listed.getValue().get(1));
        ItemAttachment item = assertInstanceOf(ItemAttachment.class, listed.getValue().get(2));
        assertInstanceOf(ReferenceAttachment.class, listed.getValue().get(3));
        assertEquals("invoice.pdf", pdf.getName());
        assertEquals(13, pdf.getSize());
        assertFalse(pdf.getIsInline());
        assertNull(pdf.getContentBytes(), "$select leaves the content out");
        assertTrue(logo.getIsInline());
        assertEquals("logo@x", logo.getContentId());
        assertNull(item.getContentType(), "an item attachment has no content type");

        ODataError unqualified = assertThrows(ODataError.class, () -> attachments.get(request ->
                request.queryParameters.select = new String[] {"id", "contentId"}));
        assertEquals(400, unqualified.getResponseStatusCode());
        assertEquals("RequestBroker--ParseUri", unqualified.getError().getCode());

        HttpResponse<String> all = clients.graphGet(token, "/users/" + shared.address() + "/messages/" + id + "/attachments");
        JsonNode first = EmulatorTestClients.json(all).get("value").get(0);
        assertEquals("#microsoft.graph.fileAttachment", first.get("@odata.type").asText());
        assertEquals("%PDF-1.7 fake", new String(Base64.getDecoder().decode(first.get("contentBytes").asText()),
                StandardCharsets.US_ASCII), "without $select a file carries its content");

        ItemAttachment expanded = (ItemAttachment) attachments.byAttachmentId(item.getId())
                .get(request -> request.queryParameters.expand = new String[] {"microsoft.graph.itemAttachment/item"});
        assertEquals("Order 1042", assertInstanceOf(Message.class, expanded.getItem()).getSubject());

        String base = "/users/" + shared.address() + "/messages/" + id + "/attachments/";
        HttpResponse<String> pdfValue = clients.graphGet(token, base + pdf.getId() + "/$value");
        assertEquals(200, pdfValue.statusCode());
        assertEquals("%PDF-1.7 fake", pdfValue.body());
        assertEquals("application/pdf", pdfValue.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<String> mime = clients.graphGet(token, base + item.getId() + "/$value");
        assertTrue(mime.body().contains("Subject: Order 1042\r\n") && mime.body().contains("Three boxes."), mime.body());
        assertEquals(405, clients.graphGet(token, base + listed.getValue().get(3).getId() + "/$value").statusCode(),
                "a reference attachment has no raw value");
        HttpResponse<String> unknown = clients.graphGet(token, base + AttachmentEndpoints.id(shared, 999_999, 0));
        assertEquals(404, unknown.statusCode());
        assertEquals("ErrorItemNotFound", EmulatorTestClients.json(unknown).get("error").get("code").asText());

        Message message = graph.users().byUserId(shared.address()).messages().byMessageId(id).get();
        assertTrue(message.getHasAttachments());
        String inlineOnly = tenant.deliverWithAttachments(shared.address(), "x@example.com", "Logo only",
                "<img src=\"cid:logo@x\">", List.of(Attachment.inline("logo.png", "image/png", new byte[] {1}, "logo@x")));
        assertFalse(graph.users().byUserId(shared.address()).messages().byMessageId(inlineOnly).get().getHasAttachments(),
                "inline images alone leave hasAttachments false");

        DirectoryUser mallory = tenant.createUser(unique("mallory"), "Mallory");
        String other = clients.signInToken(mallory.upn(), "https://graph.microsoft.com/Mail.ReadWrite.Shared");
        int refused = clients.graphGet(other, base + pdf.getId() + "/$value").statusCode();
        assertTrue(refused == 403 || refused == 404, "no rights, no content: " + refused);
    }
}

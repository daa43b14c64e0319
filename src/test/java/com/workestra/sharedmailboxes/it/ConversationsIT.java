package com.workestra.sharedmailboxes.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.workestra.sharedmailboxes.it.TestWorkspace.Person;
import com.workestra.sharedmailboxes.m365emulator.Attachment;
import com.workestra.sharedmailboxes.m365emulator.SentMail;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitCurrent;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.awaitMessage;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.encode;
import static com.workestra.sharedmailboxes.it.MailFlowsIT.syncNow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 §1 against the Microsoft 365 emulator: a customer's thread across support@ and sales@ is one conversation,
 * each person sees only what they may read of it, someone else's conversation does not exist for them, and the listing
 * pages without loss or repeat.
 */
class ConversationsIT extends ServiceIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCustomerThreadAcrossSupportAndSalesIsOneConversationForWhoeverReadsIt() {
        String support = workspace.sharedMailbox("support");
        String sales = workspace.sharedMailbox("sales");
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        Person carol = workspace.person("carol");
        Person erin = workspace.person("erin");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(sales, alice.microsoft().upn());
        workspace.tenant.grantSendAs(support, alice.microsoft().upn());
        workspace.tenant.grantFullAccess(support, bob.microsoft().upn());
        workspace.tenant.grantFullAccess(sales, carol.microsoft().upn());
        UUID alicePersonal = alice.connect();
        UUID aliceSupport = alice.addSharedOk(alicePersonal, support);
        UUID aliceSales = alice.addSharedOk(alicePersonal, sales);
        UUID bobSupport = bob.addSharedOk(bob.connect(), support);
        UUID carolSales = carol.addSharedOk(carol.connect(), sales);
        UUID erinPersonal = erin.connect();
        for (var connection : List.of(aliceSupport, aliceSales)) {
            awaitCurrent(alice, connection);
        }
        awaitCurrent(bob, bobSupport);
        awaitCurrent(carol, carolSales);
        awaitCurrent(erin, erinPersonal);

        // The customer writes to support@ and cc's sales@.
        String customer = "jo-" + workspace.suffix + "@customer.example";
        String subject = "Broken parcel " + workspace.suffix;
        String question = workspace.tenant.deliverFromOutside(customer, List.of(support), List.of(sales), subject,
                "My parcel arrived broken.", null, null);
        syncNow(alice, aliceSupport);
        syncNow(alice, aliceSales);
        JsonNode original = awaitMessage(alice, "mailbox=" + encode(support) + "&q=" + encode(subject), m -> true);
        awaitMessage(alice, "mailbox=" + encode(sales) + "&q=" + encode(subject), m -> true);

        // Our reply from support@ (to the customer only), then the customer's answer to support@, cc sales@ again.
        var replied = alice.api().post("/api/v1/messages/" + original.get("id").asText() + "/reply",
                "{\"body\":{\"contentType\":\"text\",\"content\":\"Sorry! A new one is on its way.\"}}");
        assertEquals(202, replied.status(), replied.body());
        SentMail reply = Await.until("the reply is sent", () -> workspace.tenant.sentMail().stream()
                .filter(mail -> ("RE: " + subject).equals(mail.subject())).findFirst().orElse(null), mail -> mail != null, WAIT);
        // Graph's receivedDateTime has whole seconds: the customer answers in a later second than our reply was sent.
        Await.until("the second of our reply has passed", () -> Instant.now().getEpochSecond() > reply.sentAt().getEpochSecond(),
                WAIT);
        String answer = workspace.tenant.deliverFromOutside(customer, List.of(support), List.of(sales), "RE: " + subject,
                "Thank you, it arrived.", reply.internetMessageId(), question + " " + reply.internetMessageId());
        syncNow(alice, aliceSupport);
        syncNow(alice, aliceSales);

        JsonNode listed = Await.until("one conversation with the question, our reply and the answer",
                () -> conversations(alice, "q=" + encode(subject)),
                page -> page.get("items").size() == 1 && page.get("items").get(0).get("messageCount").asInt() == 3
                        && page.get("items").get(0).get("mailboxes").size() == 2, WAIT);
        // The conversation counts each mail once, so the answer's support@ copy may complete it before sales@'s is synced.
        awaitMessage(alice, "mailbox=" + encode(sales) + "&q=" + encode(subject), m -> answer.equals(m.get("internetMessageId").asText()));
        JsonNode conversation = listed.get("items").get(0);
        String id = conversation.get("id").asText();
        assertEquals(subject, conversation.get("subject").asText(), "the first message's subject");
        assertEquals(List.of(sales, support), texts(conversation.get("mailboxes")));
        assertEquals(Set.of(customer, support, sales), new HashSet<>(addresses(conversation.get("participants"))));
        assertEquals(2, conversation.get("unreadCount").asInt(),
                "the question and the answer are unread in both mailboxes, our reply is read: " + conversation);
        assertTrue(conversation.get("preview").asText().startsWith("Thank you"), conversation.toString());
        assertTrue(conversation.path("messages").isNull() || conversation.path("messages").isMissingNode(),
                "the listing carries no messages");

        JsonNode whole = alice.api().get("/api/v1/conversations/" + id).json();
        List<String> ids = new ArrayList<>();
        whole.get("messages").forEach(message -> ids.add(message.get("internetMessageId").asText()));
        assertEquals(List.of(question, reply.internetMessageId(), answer), ids,
                "received and sent, oldest first, each mail once (our reply from Sent Items, never twice)");
        JsonNode sent = whole.get("messages").get(1);
        assertEquals("sent", sent.get("folder").asText());
        assertEquals(support, sent.get("mailbox").asText());

        // Bob reads only support@: the same conversation, support@'s messages only.
        JsonNode bobs = Await.until("bob sees the conversation", () -> conversations(bob, "q=" + encode(subject)),
                page -> page.get("items").size() == 1, WAIT).get("items").get(0);
        assertEquals(id, bobs.get("id").asText());
        assertEquals(List.of(support), texts(bobs.get("mailboxes")));
        assertEquals(3, bobs.get("messageCount").asInt());
        JsonNode bobsWhole = bob.api().get("/api/v1/conversations/" + id).json();
        bobsWhole.get("messages").forEach(message -> assertEquals(support, message.get("mailbox").asText()));
        assertEquals(List.of(support), texts(bobsWhole.get("mailboxes")), "nothing of sales@'s copies");
        assertEquals(3, bobsWhole.get("messages").size());

        // Carol reads only sales@: the question and the answer, not our reply that only support@ holds.
        JsonNode carols = carol.api().get("/api/v1/conversations/" + id).json();
        List<String> carolIds = new ArrayList<>();
        carols.get("messages").forEach(message -> {
            carolIds.add(message.get("internetMessageId").asText());
            assertEquals(sales, message.get("mailbox").asText());
        });
        assertEquals(List.of(question, answer), carolIds);
        assertEquals(List.of(sales), texts(carols.get("mailboxes")));

        // Erin reads neither: the conversation does not exist for her, exactly like one that does not exist at all.
        var refused = erin.api().get("/api/v1/conversations/" + id);
        var unknown = erin.api().get("/api/v1/conversations/9" + id + "9");
        assertEquals(404, refused.status(), refused.body());
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        assertEquals("NOT_FOUND", refused.json().get("code").asText());
        assertEquals(unknown.json().get("title").asText(), refused.json().get("title").asText());
        assertEquals(unknown.body().replace("9" + id + "9", "X"), refused.body().replace(id, "X"), "no hint that it exists");
        assertEquals(0, conversations(erin, "q=" + encode(subject)).get("items").size());
        assertEquals(404, erin.api().get("/api/v1/conversations/not-a-number").status());
    }

    @Test
    void pagesOfConversationsHaveNeitherLossNorRepeatAndBadInputIsRefused() {
        String support = workspace.sharedMailbox("desk");
        Person alice = workspace.person("alice");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);
        String token = "Ticket" + workspace.suffix;
        List<String> questions = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            questions.add(workspace.tenant.deliverFromOutside("c" + i + "@customer.example", List.of(support), List.of(),
                    token + " #" + i, "Question " + i, null, null));
        }
        // Two customers write again in their thread: those conversations hold two messages.
        for (int i : new int[]{1, 4}) {
            workspace.tenant.deliverFromOutside("c" + i + "@customer.example", List.of(support), List.of(),
                    "RE: " + token + " #" + i, "Any news?", questions.get(i), questions.get(i));
        }
        syncNow(alice, shared);
        Await.until("every message is stored", () -> MailFlowsIT.firstPage(alice, "limit=50&q=" + encode(token)).get("items").size(),
                count -> count == 9, WAIT);

        List<String> walked = new ArrayList<>();
        List<Instant> activity = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = conversations(alice, "limit=3&q=" + encode(token) + (cursor == null ? "" : "&cursor=" + encode(cursor)));
            page.get("items").forEach(item -> {
                walked.add(item.get("id").asText());
                activity.add(Instant.parse(item.get("lastActivityAt").asText()));
            });
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(7, walked.size(), "every conversation: " + walked);
        assertEquals(7, new HashSet<>(walked).size(), "none twice: " + walked);
        assertEquals(3, pages);
        for (int i = 1; i < activity.size(); i++) {
            assertFalse(activity.get(i).isAfter(activity.get(i - 1)), "newest activity first: " + activity);
        }
        JsonNode unread = conversations(alice, "unread=true&limit=50&q=" + encode(token));
        assertEquals(7, unread.get("items").size());
        assertNull(unread.get("nextCursor").textValue());

        for (String bad : List.of("limit=0", "limit=100000", "cursor=not-a-cursor", "q=" + "x".repeat(201))) {
            var refused = alice.api().get("/api/v1/conversations?" + bad);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        }
        // A folder none of the caller's mailboxes has is not found (issue 16: unknown or unreadable folder -> 404).
        var unknownFolder = alice.api().get("/api/v1/conversations?folder=trash");
        assertEquals(404, unknownFolder.status(), unknownFolder.body());
        assertTrue(unknownFolder.contentType().startsWith("application/problem+json"), unknownFolder.contentType());
    }

    /**
     * Issue 17 §4: q finds a rare word of an HTML body among thousands of messages, any part of a sender's and of a Cc
     * recipient's address, takes % and _ as themselves, and its results page newest first without loss or repeat, in
     * the message list and in the conversations.
     */
    @Test
    void searchFindsABodyWordInALargeMailboxAndPartsOfAddressesWithPercentAndUnderscoreLiteral() {
        String archive = workspace.sharedMailbox("archive");
        Person alice = workspace.person("alice");
        workspace.tenant.grantFullAccess(archive, alice.microsoft().upn());
        workspace.tenant.seedMessages(archive, "inbox", 3000);
        UUID shared = alice.addSharedOk(alice.connect(), archive);
        awaitCurrent(alice, shared); // its history is complete: the 3,000 messages are stored
        String s = workspace.suffix;
        String rare = "Quokkafjord" + s;
        workspace.tenant.deliverHtml(archive, "dana@customer.example", "Our reference " + s,
                "<html><head><style>p { color: red }</style></head><body><p>Hello,</p><p>our reference is <b>" + rare
                        + "</b>.</p></body></html>");
        workspace.tenant.deliver(archive, "pat-" + s + "@acme-partner.example", List.of(archive),
                List.of("legal-" + s + "@lawfirm.example"), "Meeting " + s, "See you then.");
        workspace.tenant.deliver(archive, "shop@example.com", "Sale 50% off " + s, "sale");
        workspace.tenant.deliver(archive, "shop@example.com", "Sale 500 offers " + s, "sale");
        workspace.tenant.deliver(archive, "shop@example.com", "Ref a_b" + s, "x");
        workspace.tenant.deliver(archive, "shop@example.com", "Ref axb" + s, "x");
        String common = "Consignment" + s;
        for (int i = 0; i < 12; i++) {
            workspace.tenant.deliver(archive, "c" + i + "@customer.example", "Question " + i, "About my " + common + ", number " + i);
        }
        syncNow(alice, shared);
        Await.until("the whole mailbox is stored", () -> MailFlowsIT.firstPage(alice, "limit=50&q=" + encode(common))
                .get("items").size(), count -> count == 12, WAIT);

        JsonNode found = MailFlowsIT.firstPage(alice, "q=" + encode(rare.toLowerCase(java.util.Locale.ROOT))).get("items");
        assertEquals(1, found.size(), found.toString());
        assertEquals("Our reference " + s, found.get(0).get("subject").asText());
        assertEquals(1, conversations(alice, "q=" + encode(rare)).get("items").size());
        assertEquals(0, MailFlowsIT.firstPage(alice, "q=" + encode("color " + s)).get("items").size(), "style is not text");

        for (String part : List.of("pat-" + s + "@acme-part", "legal-" + s + "@lawfirm")) {
            JsonNode meeting = MailFlowsIT.firstPage(alice, "q=" + encode(part)).get("items");
            assertEquals(1, meeting.size(), part + ": " + meeting);
            assertEquals("Meeting " + s, meeting.get(0).get("subject").asText());
        }
        JsonNode percent = MailFlowsIT.firstPage(alice, "q=" + encode("50% off " + s)).get("items");
        assertEquals(List.of("Sale 50% off " + s), subjects(percent), "% is no wildcard");
        JsonNode underscore = MailFlowsIT.firstPage(alice, "q=" + encode("a_b" + s)).get("items");
        assertEquals(List.of("Ref a_b" + s), subjects(underscore), "_ is no wildcard");

        for (String list : List.of("/api/v1/messages", "/api/v1/conversations")) {
            List<String> walked = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = alice.api().get(list + "?limit=5&q=" + encode(common)
                        + (cursor == null ? "" : "&cursor=" + encode(cursor))).json();
                page.get("items").forEach(item -> walked.add(item.get("subject").asText()));
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
                pages++;
            } while (cursor != null && pages < 10);
            List<String> expected = new ArrayList<>();
            for (int i = 11; i >= 0; i--) {
                expected.add("Question " + i);
            }
            assertEquals(expected, walked, list + ": every match once, newest first");
            assertEquals(3, pages, list);
        }
    }

    static List<String> subjects(JsonNode items) {
        List<String> subjects = new ArrayList<>();
        items.forEach(item -> subjects.add(item.get("subject").asText()));
        return subjects;
    }

    @Test
    void openApiDescribesBothOperationsAndTheirRefusals() {
        JsonNode paths = ApiClient.at(base).send(ApiClient.at(base).request("/openapi").header("Accept", "application/json").GET())
                .json().get("paths");
        JsonNode list = paths.path("/api/v1/conversations").path("get");
        JsonNode one = paths.path("/api/v1/conversations/{id}").path("get");
        for (String path : List.of("/api/v1/changes", "/api/v1/changes/stream")) {
            JsonNode get = paths.path(path).path("get");
            assertTrue(get.path("responses").has("200") && get.path("responses").has("400"), path + ": " + get);
            assertTrue(get.path("responses").path("410").path("content").path("application/problem+json").path("examples")
                    .has("CURSOR_EXPIRED"), path + " says a cursor older than the retention is gone: " + get);
        }
        assertTrue(list.path("responses").has("200") && list.path("responses").has("400"), list.toString());
        assertTrue(one.path("responses").has("200") && one.path("responses").has("404"), one.toString());
        assertTrue(one.path("responses").path("404").path("content").has("application/problem+json"), one.toString());
        List<String> parameters = new ArrayList<>();
        list.path("parameters").forEach(parameter -> parameters.add(parameter.get("name").asText()));
        assertEquals(Set.of("mailbox", "folder", "unread", "q", "limit", "cursor"), new HashSet<>(parameters));
    }

    // ---- issue 17 §1: attachments, received (here because this class's container fits; no new IT class)

    @Test
    void aMessagesPdfAndInlineLogoDownloadIntactAndItsBodyShowsTheLogoFromThisService() throws Exception {
        String support = workspace.sharedMailbox("support");
        Person alice = workspace.person("alice");
        Person bob = workspace.person("bob");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        UUID bobPersonal = bob.connect();
        awaitCurrent(alice, shared);
        awaitCurrent(bob, bobPersonal);

        byte[] pdf = new byte[700_000];
        new java.util.Random(17).nextBytes(pdf);
        System.arraycopy("%PDF-1.7\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, pdf, 0, 9);
        byte[] logo = new byte[2_345];
        new java.util.Random(42).nextBytes(logo);
        String pdfName = "..\\..\\Rechnung \"März\"\r\nX-Evil: 1.pdf";
        String subject = "Invoice with logo " + workspace.suffix;
        workspace.tenant.deliverWithAttachments(support, "billing@vendor.example", subject,
                "<p>Invoice attached.</p><img src=\"cid:logo.png@01DB0001\" alt=\"Vendor\">",
                List.of(Attachment.file(pdfName, "application/pdf", pdf),
                        Attachment.inline("logo.png", "image/png", logo, "logo.png@01DB0001"),
                        Attachment.message("Original order 1042", "jo@customer.example", List.of(support), "Please send 3 boxes."),
                        Attachment.reference("Contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                "https://contoso.sharepoint.com/Contract.docx")));
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(subject), m -> true).get("id").asText();

        JsonNode message = alice.api().get("/api/v1/messages/" + id).json();
        assertTrue(message.get("hasAttachments").asBoolean(), message.toString());
        JsonNode attachments = message.get("attachments");
        assertEquals(4, attachments.size(), message.toString());
        JsonNode pdfListed = attachments.get(0);
        JsonNode logoListed = attachments.get(1);
        assertEquals(pdfName, pdfListed.get("name").asText());
        assertEquals("application/pdf", pdfListed.get("contentType").asText());
        assertEquals(pdf.length, pdfListed.get("size").asLong());
        assertFalse(pdfListed.get("isInline").asBoolean());
        assertEquals("file", pdfListed.get("kind").asText());
        assertTrue(logoListed.get("isInline").asBoolean(), logoListed.toString());
        assertEquals("logo.png@01DB0001", logoListed.get("contentId").asText());
        assertEquals("file", logoListed.get("kind").asText());
        assertEquals("item", attachments.get(2).get("kind").asText(), attachments.toString());
        assertEquals("reference", attachments.get(3).get("kind").asText(), attachments.toString());

        // The body the UI renders shows the logo from this service, not from cid: (which no browser can load).
        String body = message.get("body").get("content").asText();
        String logoPath = "/api/v1/messages/" + id + "/attachments/" + encode(logoListed.get("id").asText());
        assertTrue(body.contains("src=\"" + logoPath + "\"") || body.matches("(?s).*src=\"/[^\"]*" + java.util.regex.Pattern.quote(logoPath) + "\".*"),
                body);
        assertFalse(body.contains("cid:"), body);

        HttpResponse<byte[]> pdfDownload = download(alice, "/api/v1/messages/" + id + "/attachments/" + encode(pdfListed.get("id").asText()));
        assertEquals(200, pdfDownload.statusCode());
        assertEquals(sha256(pdf), sha256(pdfDownload.body()), "the PDF arrives byte for byte");
        assertEquals("application/pdf", pdfDownload.headers().firstValue("Content-Type").orElse(""));
        String disposition = pdfDownload.headers().firstValue("Content-Disposition").orElse("");
        assertTrue(disposition.startsWith("attachment; filename=\""), disposition);
        assertTrue(disposition.contains("filename*=UTF-8''"), disposition);
        assertFalse(disposition.contains("\r") || disposition.contains("\n") || disposition.contains("/"), "no header split, no path: " + disposition);
        assertTrue(disposition.contains("Rechnung%20M%C3%A4rz"), "the name itself, UTF-8 (RFC 6266/8187): " + disposition);
        assertTrue(pdfDownload.headers().firstValue("X-Evil").isEmpty());
        assertEquals("nosniff", pdfDownload.headers().firstValue("X-Content-Type-Options").orElse(""));

        HttpResponse<byte[]> logoDownload = download(alice, logoPath.substring(1));
        assertEquals(200, logoDownload.statusCode());
        assertArrayEquals(logo, logoDownload.body());
        assertEquals("image/png", logoDownload.headers().firstValue("Content-Type").orElse(""));
        assertTrue(logoDownload.headers().firstValue("Content-Disposition").orElse("").contains("filename=\"logo.png\""));

        // The attached e-mail downloads as .eml: Graph's MIME of it.
        HttpResponse<byte[]> eml = download(alice, "/api/v1/messages/" + id + "/attachments/" + encode(attachments.get(2).get("id").asText()));
        assertEquals(200, eml.statusCode());
        assertEquals("message/rfc822", eml.headers().firstValue("Content-Type").orElse(""));
        assertTrue(eml.headers().firstValue("Content-Disposition").orElse("").contains("Original order 1042.eml"),
                eml.headers().toString());
        String mime = new String(eml.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(mime.contains("Subject: Original order 1042") && mime.contains("Please send 3 boxes."), mime);

        // A cloud link has no content to download; an unknown attachment is 404 problem+json.
        assertEquals(400, download(alice, "/api/v1/messages/" + id + "/attachments/" + encode(attachments.get(3).get("id").asText())).statusCode());
        HttpResponse<byte[]> unknown = download(alice, "/api/v1/messages/" + id + "/attachments/AAMkAttbm9uZQ%3D%3D");
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse("").split(";")[0]);

        // Bob (same workspace, no access to support@) and Mallory (another workspace): the message and its attachments
        // do not exist for them.
        Person mallory = new TestWorkspace(base).person("mallory");
        mallory.connect();
        for (Person stranger : List.of(bob, mallory)) {
            HttpResponse<byte[]> refused = download(stranger, "/api/v1/messages/" + id + "/attachments/" + encode(pdfListed.get("id").asText()));
            assertEquals(404, refused.statusCode());
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            assertEquals(404, stranger.api().get("/api/v1/messages/" + id).status());
        }
    }

    @Test
    void aThreadListsTheCustomersPdfAndInlineScreenshotWithTheIdsThatDownloadThemAndSaysWhenMicrosoftThrottles() throws Exception {
        String support = workspace.sharedMailbox("support");
        Person alice = workspace.person("alice");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        byte[] pdf = new byte[120_000];
        new java.util.Random(7).nextBytes(pdf);
        byte[] screenshot = new byte[3_210];
        new java.util.Random(8).nextBytes(screenshot);
        String subject = "Printer error " + workspace.suffix;
        workspace.tenant.deliverWithAttachments(support, "jo@customer.example", subject,
                "<p>See the screenshot:</p><img src=\"cid:screen.png@01DB0002\" alt=\"error\"><p>and the log.</p>",
                List.of(Attachment.file("printer-log.pdf", "application/pdf", pdf),
                        Attachment.inline("screen.png", "image/png", screenshot, "screen.png@01DB0002")));
        syncNow(alice, shared);
        JsonNode first = awaitMessage(alice, "q=" + encode(subject), m -> true);
        // The customer writes again in the same thread, without attachments.
        workspace.tenant.deliverFromOutside("jo@customer.example", List.of(support), List.of(), "RE: " + subject,
                "Any news?", first.get("internetMessageId").asText(), first.get("internetMessageId").asText());
        syncNow(alice, shared);
        JsonNode thread = Await.until("the thread with both messages", () -> conversations(alice, "q=" + encode(subject)),
                page -> page.get("items").size() == 1 && page.get("items").get(0).get("messageCount").asInt() == 2, WAIT)
                .get("items").get(0);
        String path = "/api/v1/conversations/" + thread.get("id").asText();

        JsonNode conversation = alice.api().get(path).json();
        JsonNode messages = conversation.get("messages");
        assertEquals(2, messages.size(), conversation.toString());
        JsonNode withFiles = messages.get(0);
        assertEquals(first.get("id").asText(), withFiles.get("id").asText());
        assertTrue(withFiles.get("attachmentsUnavailable").isNull(), withFiles.toString());
        JsonNode listed = withFiles.get("attachments");
        assertEquals(2, listed.size(), withFiles.toString());
        assertEquals("printer-log.pdf", listed.get(0).get("name").asText());
        assertEquals(pdf.length, listed.get(0).get("size").asLong());
        assertFalse(listed.get(0).get("isInline").asBoolean());
        assertEquals("screen.png", listed.get(1).get("name").asText());
        assertTrue(listed.get(1).get("isInline").asBoolean());
        assertEquals("screen.png@01DB0002", listed.get(1).get("contentId").asText());
        JsonNode reply = messages.get(1);
        assertEquals(0, reply.get("attachments").size(), reply.toString());
        assertTrue(reply.get("attachmentsUnavailable").isNull(), reply.toString());

        // The same ids as the single read, whose body shows the screenshot from this service; each id downloads the bytes.
        JsonNode single = alice.api().get("/api/v1/messages/" + first.get("id").asText()).json();
        assertEquals(listed.toString(), single.get("attachments").toString());
        String screenshotPath = "/api/v1/messages/" + first.get("id").asText() + "/attachments/" + encode(listed.get(1).get("id").asText());
        assertTrue(single.get("body").get("content").asText().contains(screenshotPath), single.get("body").toString());
        HttpResponse<byte[]> pdfDownload = download(alice, "/api/v1/messages/" + first.get("id").asText() + "/attachments/"
                + encode(listed.get(0).get("id").asText()));
        assertEquals(200, pdfDownload.statusCode());
        assertEquals(sha256(pdf), sha256(pdfDownload.body()), "the PDF arrives byte for byte");
        HttpResponse<byte[]> screenshotDownload = download(alice, screenshotPath.substring(1));
        assertEquals(200, screenshotDownload.statusCode());
        assertArrayEquals(screenshot, screenshotDownload.body());

        // Microsoft throttles the mailbox: the thread still reads, the message says its list is missing and why.
        workspace.tenant.throttleNext(support, 100_000, Duration.ofSeconds(1));
        try {
            var throttled = alice.api().get(path);
            assertEquals(200, throttled.status(), throttled.body());
            JsonNode stillThere = throttled.json().get("messages");
            assertEquals(2, stillThere.size(), throttled.body());
            assertTrue(stillThere.get(0).get("attachments").isNull(), throttled.body());
            assertEquals("THROTTLED", stillThere.get(0).get("attachmentsUnavailable").asText(), throttled.body());
            assertTrue(stillThere.get(0).get("hasAttachments").asBoolean());
            assertEquals(0, stillThere.get(1).get("attachments").size(), "nothing to ask for the reply: " + throttled.body());
        } finally {
            workspace.tenant.clearFaults(support);
        }
        JsonNode again = Await.until("the list back once Microsoft answers again", () -> alice.api().get(path).json(),
                read -> read.get("messages").get(0).get("attachments").isArray(), WAIT);
        assertEquals(listed.toString(), again.get("messages").get(0).get("attachments").toString());
    }

    @Test
    void aMessageWhoseOnlyAttachmentIsAnInlineImageListsItInItsConversation() throws Exception {
        String support = workspace.sharedMailbox("support");
        Person alice = workspace.person("alice");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);

        // A signature logo and nothing else: Exchange says hasAttachments false (it counts only attachments that are
        // not inline), so only the body's cid: tells that there is something to list.
        byte[] logo = new byte[2_048];
        new java.util.Random(9).nextBytes(logo);
        String subject = "Delivery window " + workspace.suffix;
        workspace.tenant.deliverWithAttachments(support, "jo@customer.example", subject,
                "<p>Tuesday works.</p><p><img src=\"CID:logo.png@01DB0003\" alt=\"Customer Ltd\"></p>",
                List.of(Attachment.inline("logo.png", "image/png", logo, "logo.png@01DB0003")));
        syncNow(alice, shared);
        JsonNode message = awaitMessage(alice, "q=" + encode(subject), m -> true);
        assertFalse(message.get("hasAttachments").asBoolean(), message.toString());
        JsonNode thread = Await.until("the conversation", () -> conversations(alice, "q=" + encode(subject)),
                page -> page.get("items").size() == 1, WAIT).get("items").get(0);

        JsonNode read = alice.api().get("/api/v1/conversations/" + thread.get("id").asText()).json().get("messages").get(0);
        assertFalse(read.get("hasAttachments").asBoolean(), read.toString());
        assertTrue(read.get("attachmentsUnavailable").isNull(), read.toString());
        JsonNode listed = read.get("attachments");
        assertEquals(1, listed.size(), read.toString());
        assertEquals("logo.png", listed.get(0).get("name").asText());
        assertTrue(listed.get(0).get("isInline").asBoolean());
        assertEquals("logo.png@01DB0003", listed.get(0).get("contentId").asText());
        HttpResponse<byte[]> logoDownload = download(alice, "/api/v1/messages/" + message.get("id").asText() + "/attachments/"
                + encode(listed.get(0).get("id").asText()));
        assertEquals(200, logoDownload.statusCode());
        assertArrayEquals(logo, logoDownload.body(), "the id the conversation lists downloads the logo");
        // The single read lists it too and shows the logo from this service.
        JsonNode single = alice.api().get("/api/v1/messages/" + message.get("id").asText()).json();
        assertEquals(listed.toString(), single.get("attachments").toString());
        assertTrue(single.get("body").get("content").asText().contains("/api/v1/messages/" + message.get("id").asText()
                + "/attachments/" + encode(listed.get(0).get("id").asText())), single.get("body").toString());
    }

    static HttpResponse<byte[]> download(Person person, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(person.api().request(path).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static JsonNode conversations(Person person, String query) {
        var reply = person.api().get("/api/v1/conversations?" + query);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    static List<String> addresses(JsonNode recipients) {
        List<String> addresses = new ArrayList<>();
        recipients.forEach(recipient -> addresses.add(recipient.get("address").asText().toLowerCase()));
        return addresses;
    }

    // ---- Issue 16 §4: the change feed

    @Test
    void aModulePollingChangesFromACursorSeesANewMessageAddedReadAndRemovedInOrderAndNothingItMayNotRead() {
        String support = workspace.sharedMailbox("feed");
        Person alice = workspace.person("alice");
        Person erin = workspace.person("erin");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        UUID erinPersonal = erin.connect();
        awaitCurrent(alice, shared);
        awaitCurrent(erin, erinPersonal);
        TestWorkspace elsewhere = new TestWorkspace(base);
        Person mallory = elsewhere.person("mallory");
        // Each starts at "now": the answer without a cursor has no items and says where their feed begins.
        JsonNode start = changes(alice, null, null);
        assertEquals(0, start.get("items").size(), start.toString());
        String aliceFrom = start.get("nextCursor").asText();
        String erinFrom = changes(erin, null, null).get("nextCursor").asText();
        String malloryFrom = changes(mallory, null, null).get("nextCursor").asText();

        String subject = "Feed " + workspace.suffix;
        String graphId = workspace.tenant.deliver(support, "customer@example.com", subject, "Hello");
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(subject), m -> true).get("id").asText();
        var read = alice.api().patch("/api/v1/messages/" + id, "{\"isRead\":true}");
        assertEquals(200, read.status(), read.body());
        workspace.tenant.deleteMessage(support, graphId);
        syncNow(alice, shared);

        // The module reads small pages from its cursor until the removal arrives: each change once, in order.
        List<JsonNode> seen = new ArrayList<>();
        String[] cursor = {aliceFrom};
        Await.until("the removal reaches the feed", () -> {
            JsonNode page = changes(alice, cursor[0], 2);
            page.get("items").forEach(seen::add);
            cursor[0] = page.get("nextCursor").asText();
            return seen.stream().anyMatch(change -> id.equals(change.path("messageId").asText())
                    && "message.removed".equals(change.get("type").asText()));
        }, found -> found, WAIT);
        List<Long> positions = seen.stream().map(change -> Long.parseLong(change.get("id").asText())).toList();
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) > positions.get(i - 1), "in order, none twice: " + positions);
        }
        List<String> ofTheMessage = seen.stream().filter(change -> id.equals(change.path("messageId").asText())
                && change.get("type").asText().startsWith("message.")).map(change -> change.get("type").asText()).toList();
        assertEquals(List.of("message.added", "message.updated", "message.removed"), ofTheMessage, seen.toString());
        JsonNode added = seen.stream().filter(change -> "message.added".equals(change.get("type").asText())).findFirst().orElseThrow();
        assertEquals(support, added.get("mailbox").asText());
        assertFalse(added.get("conversationId").isNull(), added.toString());
        assertTrue(seen.stream().anyMatch(change -> "conversation.updated".equals(change.get("type").asText())
                && added.get("conversationId").asText().equals(change.get("conversationId").asText())), seen.toString());
        JsonNode caughtUp = changes(alice, cursor[0], null);
        assertEquals(cursor[0], caughtUp.get("nextCursor").asText(), "caught up: the cursor stays");

        // Erin (same workspace, no access to the mailbox) and Mallory (another workspace) never get any of it.
        for (var reader : List.of(List.of(erin, erinFrom), List.of(mallory, malloryFrom))) {
            JsonNode theirs = changes((Person) reader.get(0), (String) reader.get(1), 500);
            theirs.get("items").forEach(change -> {
                assertFalse(id.equals(change.path("messageId").asText()), change.toString());
                assertFalse(shared.toString().equals(change.path("connectionId").asText()), "not alice's connection: " + change);
            });
        }
        for (String bad : List.of("limit=0", "limit=100000", "cursor=not-a-cursor", "cursor=-1")) {
            var refused = alice.api().get("/api/v1/changes?" + bad);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
        }
        assertEquals(401, ApiClient.at(base).get("/api/v1/changes").status());
    }

    @Test
    void anSseClientGetsANewMessageAfterItsSyncAndResumesAfterAReconnectWithoutLossOrRepeat() throws Exception {
        String support = workspace.sharedMailbox("live");
        Person alice = workspace.person("alice");
        Person erin = workspace.person("erin");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);
        TestWorkspace elsewhere = new TestWorkspace(base);
        Person mallory = elsewhere.person("mallory");
        String subject = "Live " + workspace.suffix;

        try (ChangeStream erinStream = ChangeStream.open(erin, null); ChangeStream malloryStream = ChangeStream.open(mallory, null)) {
            String lastId;
            String first;
            try (ChangeStream stream = ChangeStream.open(alice, null)) {
                workspace.tenant.deliver(support, "customer@example.com", subject + " one", "1");
                syncNow(alice, shared);
                first = awaitMessage(alice, "q=" + encode(subject + " one"), m -> true).get("id").asText();
                ChangeStream.Event event = stream.await("message.added", first);
                assertEquals(support, ApiClient.JSON.readTree(event.data()).get("mailbox").asText());
                lastId = event.id();
            }
            // While the client is away, two more arrive.
            workspace.tenant.deliver(support, "customer@example.com", subject + " two", "2");
            workspace.tenant.deliver(support, "customer@example.com", subject + " three", "3");
            syncNow(alice, shared);
            String second = awaitMessage(alice, "q=" + encode(subject + " two"), m -> true).get("id").asText();
            String third = awaitMessage(alice, "q=" + encode(subject + " three"), m -> true).get("id").asText();
            try (ChangeStream resumed = ChangeStream.open(alice, lastId)) {
                resumed.await("message.added", second);
                resumed.await("message.added", third);
                List<ChangeStream.Event> events = resumed.events();
                assertEquals(1, events.stream().filter(e -> e.concerns("message.added", second)).count(), events.toString());
                assertEquals(1, events.stream().filter(e -> e.concerns("message.added", third)).count(), events.toString());
                assertTrue(events.stream().noneMatch(e -> e.concerns("message.added", first)), "nothing repeated: " + events);
                List<Long> ids = events.stream().map(e -> Long.parseLong(e.id())).toList();
                assertTrue(ids.get(0) > Long.parseLong(lastId), ids + " after " + lastId);
                for (int i = 1; i < ids.size(); i++) {
                    assertTrue(ids.get(i) > ids.get(i - 1), "in order: " + ids);
                }
            }
            for (ChangeStream other : List.of(erinStream, malloryStream)) {
                for (ChangeStream.Event event : other.events()) {
                    for (String message : List.of(first, second, third)) {
                        assertFalse(event.data().contains("\"messageId\":\"" + message + "\""), "never delivered: " + event);
                    }
                }
                assertTrue(other.comments().stream().anyMatch(comment -> comment.startsWith("streaming changes after")),
                        "the stream was open all along: " + other.comments());
            }
        }
    }

    @Test
    void aCursorOlderThanTheRetentionIsRefusedWithGoneAndSaysToReReadNeverContinuedWithAGap() {
        String support = workspace.sharedMailbox("aged");
        Person alice = workspace.person("alice");
        workspace.tenant.grantFullAccess(support, alice.microsoft().upn());
        UUID shared = alice.addSharedOk(alice.connect(), support);
        awaitCurrent(alice, shared);
        String cursor = changes(alice, null, null).get("nextCursor").asText();
        String subject = "Aged " + workspace.suffix;
        workspace.tenant.deliver(support, "customer@example.com", subject, "Hello");
        syncNow(alice, shared);
        String id = awaitMessage(alice, "q=" + encode(subject), m -> true).get("id").asText();
        assertTrue(changes(alice, cursor, 500).get("items").toString().contains("\"messageId\":\"" + id + "\""),
                "the cursor reads the message's changes while they are kept");
        try {
            // Eight days pass on the service's clock: its pruning (hourly, by that clock) removes what is older than
            // changes.retention (7 days). Background work is held so no sync runs in the moved time.
            controls.holdBackgroundWork();
            controls.advanceClock(Duration.ofDays(8));
            ApiClient.Reply gone = Await.until("the old cursor is refused", () -> alice.api().get("/api/v1/changes?cursor=" + cursor),
                    reply -> reply.status() != 200, WAIT);
            assertEquals(410, gone.status(), gone.body());
            assertTrue(gone.contentType().startsWith("application/problem+json"), gone.contentType());
            JsonNode problem = gone.json();
            assertEquals("CURSOR_EXPIRED", problem.get("code").asText(), problem.toString());
            String detail = problem.get("detail").asText();
            assertTrue(detail.contains("missed") && detail.contains("Re-read") && detail.contains("fresh cursor"), detail);

            // The stream with that Last-Event-ID is refused the same way, before it starts.
            ApiClient.Reply stream = alice.api().send(alice.api().request("/api/v1/changes/stream")
                    .header("Accept", "text/event-stream").header("Last-Event-ID", cursor).timeout(Duration.ofSeconds(30)).GET());
            assertEquals(410, stream.status(), stream.body());
            assertEquals("CURSOR_EXPIRED", stream.json().get("code").asText(), stream.body());

            // What the problem says works: a fresh cursor, and from it what follows.
            JsonNode fresh = changes(alice, null, null);
            JsonNode again = changes(alice, fresh.get("nextCursor").asText(), null);
            assertEquals(0, again.get("items").size(), again.toString());
        } finally {
            controls.backToRealTime();
        }
    }

    static JsonNode changes(Person person, String cursor, Integer limit) {
        String query = (cursor == null ? "" : "cursor=" + encode(cursor)) + (limit == null ? "" : "&limit=" + limit);
        var reply = person.api().get("/api/v1/changes?" + query);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    /** A Server-Sent Events client of /changes/stream, as a module would hold one (java.net.http, line by line). */
    static final class ChangeStream implements AutoCloseable {

        record Event(String id, String name, String data) {
            boolean concerns(String type, String messageId) {
                return type.equals(name) && data.contains("\"messageId\":\"" + messageId + "\"");
            }
        }

        private final List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<String> comments = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.stream.Stream<String> lines;
        private final Thread reader;

        private ChangeStream(java.util.stream.Stream<String> lines) {
            this.lines = lines;
            this.reader = new Thread(this::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
        }

        static ChangeStream open(Person person, String lastEventId) throws Exception {
            var request = person.api().request("/api/v1/changes/stream").timeout(Duration.ofMinutes(5))
                    .header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            var response = java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            ChangeStream stream = new ChangeStream(response.body());
            // Subscribed once the server says so: what is committed from now on reaches this stream.
            Await.until("the stream is open", () -> !stream.comments.isEmpty(), WAIT);
            return stream;
        }

        private void read() {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            events.add(new Event(id, name, data.toString()));
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith(":")) {
                        comments.add(line.substring(1).trim());
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        }

        Event await(String type, String messageId) {
            return Await.until(type + " of message " + messageId + " on the stream", () -> events.stream()
                    .filter(event -> event.concerns(type, messageId)).findFirst().orElse(null), found -> found != null, WAIT);
        }

        List<Event> events() {
            return List.copyOf(events);
        }

        List<String> comments() {
            return List.copyOf(comments);
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}

package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drafts and attachment upload sessions in the shapes Graph documents (outlook-large-attachments.md,
 * attachment-createuploadsession.md): 201 with uploadUrl and nextExpectedRanges ["0-"], PUTs in order answered 200 with
 * the next range and 201 with Location at the end, the 3 MB minimum, the tenant's message size, IncomingBytes.
 */
class M365EmulatorUploadSessionTest {

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

    @Test
    void aDraftTakesAFileThroughAnUploadSessionAndIsSentWithIt() throws Exception {
        String upn = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        tenant.createUser(upn, "Ada");
        String token = clients.signInToken(upn, "https://graph.microsoft.com/Mail.ReadWrite",
                "https://graph.microsoft.com/Mail.Send", "https://graph.microsoft.com/User.Read");
        String subject = "Large file " + UUID.randomUUID();
        var draft = clients.graphSend("POST", token, "/me/messages", "{\"subject\":\"" + subject + "\","
                + "\"toRecipients\":[{\"emailAddress\":{\"address\":\"customer@example.com\"}}]}");
        assertEquals(201, draft.statusCode(), draft.body());
        String id = EmulatorTestClients.json(draft).get("id").asText();

        var tooSmall = clients.graphSend("POST", token, "/me/messages/" + id + "/attachments/createUploadSession",
                "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"small.bin\",\"size\":1000}}");
        assertEquals(400, tooSmall.statusCode());
        assertEquals("ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                EmulatorTestClients.json(tooSmall).get("error").get("code").asText());

        byte[] file = new byte[5_000_000];
        new Random(1).nextBytes(file);
        var created = clients.graphSend("POST", token, "/me/messages/" + id + "/attachments/createUploadSession",
                "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"big.bin\",\"size\":" + file.length + "}}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode session = EmulatorTestClients.json(created);
        assertEquals("0-", session.get("nextExpectedRanges").get(0).asText());
        assertNotNull(session.get("expirationDateTime"));
        String uploadUrl = session.get("uploadUrl").asText();
        assertTrue(uploadUrl.contains("/AttachmentSessions('") && uploadUrl.contains("authtoken="), uploadUrl);

        var first = put(uploadUrl, file, 0, 4 * 1024 * 1024);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(String.valueOf(4 * 1024 * 1024), EmulatorTestClients.json(first).get("nextExpectedRanges").get(0).asText());
        var outOfOrder = put(uploadUrl, file, 0, 10);
        assertEquals(416, outOfOrder.statusCode(), outOfOrder.body());
        var last = put(uploadUrl, file, 4 * 1024 * 1024, file.length);
        assertEquals(201, last.statusCode(), last.body());
        assertTrue(last.headers().firstValue("Location").orElse("").contains("/Attachments('"), last.headers().toString());

        var sent = clients.graphSend("POST", token, "/me/messages/" + id + "/send", null);
        assertEquals(202, sent.statusCode(), sent.body());
        SentMail mail = tenant.sentMail().stream().filter(m -> subject.equals(m.subject())).findFirst().orElseThrow();
        SentAttachment attached = tenant.outgoingAttachments().sentAttachments().stream()
                .filter(a -> a.internetMessageId().equals(mail.internetMessageId())).findFirst().orElseThrow();
        assertEquals(DraftEndpoints.sha256(file), attached.sha256());
        assertTrue(attached.viaUploadSession());
        assertEquals(404, clients.graphSend("POST", token, "/me/messages/" + id + "/send", null).statusCode(), "a sent draft is gone");
    }

    @Test
    void theTenantsMessageSizeAndIncomingBytesAreEnforced() throws Exception {
        String upn = "bo-" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test";
        tenant.createUser(upn, "Bo");
        String token = clients.signInToken(upn, "https://graph.microsoft.com/Mail.ReadWrite",
                "https://graph.microsoft.com/Mail.Send", "https://graph.microsoft.com/User.Read");
        String id = EmulatorTestClients.json(clients.graphSend("POST", token, "/me/messages", "{\"subject\":\"s\"}")).get("id").asText();
        var tooLarge = clients.graphSend("POST", token, "/me/messages/" + id + "/attachments/createUploadSession",
                "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"huge.bin\",\"size\":" + (36L << 20) + "}}");
        assertEquals(400, tooLarge.statusCode());
        assertEquals("ErrorMessageSizeExceeded", EmulatorTestClients.json(tooLarge).get("error").get("code").asText());

        byte[] file = new byte[4 << 20];
        tenant.outgoingAttachments().incomingBytesPerFiveMinutes(3L << 20);
        try {
            String uploadUrl = EmulatorTestClients.json(clients.graphSend("POST", token, "/me/messages/" + id
                    + "/attachments/createUploadSession", "{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"f\",\"size\":"
                    + file.length + "}}")).get("uploadUrl").asText();
            var throttled = put(uploadUrl, file, 0, file.length);
            assertEquals(429, throttled.statusCode(), throttled.body());
            assertEquals("ApplicationThrottled", EmulatorTestClients.json(throttled).get("error").get("code").asText());
            assertTrue(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow()) > 0);
        } finally {
            tenant.outgoingAttachments().incomingBytesPerFiveMinutes(OutgoingAttachments.DEFAULT_INCOMING_BYTES);
        }
        assertEquals(204, clients.graphSend("DELETE", token, "/me/messages/" + id, null).statusCode());
    }

    private static HttpResponse<String> put(String uploadUrl, byte[] file, int from, int to) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uploadUrl))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + file.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(file, from, to)))
                .build();
        return clients.http().send(request, HttpResponse.BodyHandlers.ofString());
    }
}

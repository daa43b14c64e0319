package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.messages.control.AttachmentCache;
import com.workestra.sharedmailboxes.messages.control.GraphAttachments;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("messages")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource {

    static final String IDEMPOTENCY_KEY = "Optional, 1 to 255 characters, unique per message (a UUID will do). A retry with the"
            + " same key (same caller, same request) never sends twice: it gets the first request's answer, status and body,"
            + " for 24 hours (messages.idempotency-key-lifetime). The same key with a different request: 422"
            + " IDEMPOTENCY_KEY_REUSED. While the first request is under way, or when it stopped before Microsoft 365 answered:"
            + " 409 IDEMPOTENCY_KEY_IN_USE with Retry-After, and it is not sent again with that key. When nothing can have been"
            + " sent (throttled, Microsoft 365 answered with a server error, refused before Microsoft 365 was asked) the key is"
            + " free again and a retry sends. Once Microsoft 365 has accepted the mail the answer is 202, even when this"
            + " service cannot record it at that moment (its database restarting): it records it, and the key's answer,"
            + " as soon as it can; until then a retry with the key gets 409 (or, while the database is away, 500), never a"
            + " second mail.";

    /** What q does (issue 17 §4, messages.control.SearchClause), for the messages and the conversations. */
    static final String SEARCH = "search, at most 200 characters: every word of q among the words of the subject, the sender's name or the body text (English stemming: invoices finds invoice), or q as typed inside the subject or a sender's or To/Cc recipient's name or address (case-insensitive; % and _ are literal); newest first, paged like the unfiltered list";

    @Inject
    Caller caller;

    @Inject
    Inbox inbox;

    @Inject
    MailActions actions;

    @Inject
    Attachments attachments;

    @Inject
    GraphAttachments graphAttachments;

    @Inject
    AttachmentCache attachmentCache;

    @Context
    UriInfo uriInfo;

    @Inject
    AttachmentUploads uploads;

    static final String SEND = "Send from one of the caller's mailboxes (a shared address sends as that mailbox)";
    static final String REPLY = "Reply (or reply all) in the message's thread, from the message's mailbox; the body and the caller's"
            + " signature go above the quoted original; reply all never answers the mailbox itself or the person replying;"
            + " cc and bcc are added, bcc never shown to the other recipients";
    static final String FORWARD = "Forward the message, quoted below the body (and the caller's signature), from the message's"
            + " mailbox; to needs at least one address, bcc recipients are never shown to the others";

    /*
     * The JSON and the multipart method of each path are one OpenAPI operation, and the scan keeps one of the two: both
     * carry the same @Operation and the same @RequestBody naming both content types, so the document is right whichever.
     */
    static final String MULTIPART = "The same request with files: multipart/form-data with a part named \"message\" holding the"
            + " JSON request, and one part per file (its file name and Content-Type are the attachment's). Files are streamed"
            + " to disk, at most messages.max-attachments-bytes together (413 beyond, with the limit in the sentence). Files"
            + " under 3 MB go to Microsoft 365 in one request, larger ones (up to 150 MB) through an upload session on a draft"
            + " that is sent when every file is attached; a refusal or an upload stopped half way deletes the draft, so"
            + " nothing is sent. The Idempotency-Key's request includes each file's name, type and SHA-256.";

    @GET
    @Operation(summary = "The caller's mail, newest first across every mailbox they may read, each message tagged with its mailbox;"
            + " keyset-paginated with nextCursor; removed messages only with includeRemoved=true")
    public MessagePage list(@QueryParam("mailbox") String mailbox,
                            @Parameter(description = "inbox, sent, or the id of another folder (a message's folder value;"
                                    + " GET /api/v1/outlook/connections/{id}/folders lists them); an unknown folder is 404."
                                    + " Without it: every synced folder")
                            @QueryParam("folder") String folder,
                            @QueryParam("unread") Boolean unread,
                            @Parameter(description = SEARCH) @QueryParam("q") String q,
                            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor,
                            @QueryParam("includeRemoved") @DefaultValue("false") boolean includeRemoved) {
        return inbox.list(caller, mailbox, folder, unread, q, limit, cursor, includeRemoved);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One message with its body: HTML sanitised for display (no scripts, event handlers, forms, frames,"
            + " redirects, url() or expression() in styles; links get rel=\"noopener noreferrer nofollow\" and"
            + " target=\"_blank\"; cid: inline images point at this service's download URL of that attachment"
            + " (GET /messages/{id}/attachments/{attachmentId}, which needs the caller's token like every call); remote"
            + " images withheld unless remoteImages=true, and"
            + " body.remoteImagesBlocked says so), text as it is (the UI escapes it). attachments as Microsoft 365 lists"
            + " them now; when it cannot (throttled, not answering, the caller no longer connected) the message still"
            + " reads, with attachments null and attachmentsUnavailable the code of why")
    public MessageView get(@PathParam("id") String id,
                           @Parameter(description = "true: the body exactly as Microsoft 365 delivered it, unsanitised;"
                                   + " never render it as HTML") @QueryParam("raw") @DefaultValue("false") boolean raw,
                           @Parameter(description = "true: keep http(s) images in the sanitised HTML body; by default they"
                                   + " are removed, because remote images in mail are mostly tracking pixels")
                           @QueryParam("remoteImages") @DefaultValue("false") boolean remoteImages) {
        return attachments.read(caller, id, raw, remoteImages,
                Attachments.AttachmentUrls.under(uriInfo.getBaseUri().getRawPath()));
    }

    @GET
    @Path("{id}/attachments/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "An attachment's content, streamed from Microsoft 365 as it arrives (asked with the caller's own"
            + " token; nothing is kept here unless messages.attachment-cache=memory or disk, then a download is kept in this"
            + " server's memory or on its disk for a while and handed to readers of its message from there): the file's bytes with its Content-Type, an attached e-mail as message/rfc822"
            + " (.eml), an event as text/calendar (.ics), a contact as text/vcard (.vcf); always Content-Disposition: attachment"
            + " with a safe file name (RFC 6266 filename*). A message the caller may not read, an unknown message or"
            + " attachment: 404. A reference attachment (a link to a cloud file) has no content: 400. History without a"
            + " working connection to the mailbox: 403 (connect it again)")
    @APIResponse(responseCode = "200", description = "The content",
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    public Response attachment(@PathParam("id") String id, @PathParam("attachmentId") String attachmentId) {
        Attachments.Download download = attachments.download(caller, id, attachmentId);
        String name = DownloadHeaders.fileName(download.attachment(), download.itemType());
        StreamingOutput content = out -> download.copyTo(graphAttachments, attachmentCache, out);
        return Response.ok(content, DownloadHeaders.contentType(download.attachment(), download.itemType()))
                .header("Content-Disposition", DownloadHeaders.contentDisposition(name))
                // Mail content is the sender's: never sniffed, never run as a page of this origin, never kept by caches.
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Cache-Control", "private, no-store")
                .build();
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark read or unread: written to Exchange with the caller's token, then here")
    public MessageView changeReadState(@PathParam("id") String id, @Valid @NotNull ReadStateChange change) {
        return actions.markRead(caller, id, change.isRead);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = SEND, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response send(@Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                         @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OutgoingMessage.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = SendWithFiles.class))}) @Valid @NotNull OutgoingMessage message) {
        actions.send(caller, message, idempotencyKey);
        return Response.accepted().build();
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = SEND, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response sendWithAttachments(@Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                                        @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OutgoingMessage.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = SendWithFiles.class))}) List<EntityPart> parts) {
        try (AttachmentUploads.Staged staged = uploads.stage(parts)) {
            actions.send(caller, uploads.message(staged, OutgoingMessage.class), staged.attachments(), idempotencyKey);
        }
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/reply")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = REPLY, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response reply(@PathParam("id") String id,
                          @Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                          @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReplyRequest.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = ReplyWithFiles.class))}) @Valid @NotNull ReplyRequest reply) {
        actions.reply(caller, id, reply, idempotencyKey);
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/reply")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = REPLY, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response replyWithAttachments(@PathParam("id") String id,
                                         @Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                                         @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReplyRequest.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = ReplyWithFiles.class))}) List<EntityPart> parts) {
        try (AttachmentUploads.Staged staged = uploads.stage(parts)) {
            actions.reply(caller, id, uploads.message(staged, ReplyRequest.class), staged.attachments(), idempotencyKey);
        }
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/forward")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = FORWARD, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response forward(@PathParam("id") String id,
                            @Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                            @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ForwardRequest.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = ForwardWithFiles.class))}) @Valid @NotNull ForwardRequest forward) {
        actions.forward(caller, id, forward, idempotencyKey);
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/forward")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = FORWARD, description = MULTIPART)
    @APIResponse(responseCode = "202", description = "Accepted by Microsoft 365")
    public Response forwardWithAttachments(@PathParam("id") String id,
                                           @Parameter(description = IDEMPOTENCY_KEY) @HeaderParam("Idempotency-Key") String idempotencyKey,
                                           @RequestBody(required = true, content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ForwardRequest.class)),
                                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = ForwardWithFiles.class))}) List<EntityPart> parts) {
        try (AttachmentUploads.Staged staged = uploads.stage(parts)) {
            actions.forward(caller, id, uploads.message(staged, ForwardRequest.class), staged.attachments(), idempotencyKey);
        }
        return Response.accepted().build();
    }

    /** The multipart form of a send, for the OpenAPI document only. */
    @Schema(name = "OutgoingMessageWithFiles")
    public static class SendWithFiles {
        @Schema(required = true, description = "The JSON of the JSON request")
        public OutgoingMessage message;
        @Schema(type = SchemaType.STRING, format = "binary", description = "A file; one part per file, each with its file name and Content-Type")
        public String file;
    }

    /** The multipart form of a reply, for the OpenAPI document only. */
    @Schema(name = "ReplyRequestWithFiles")
    public static class ReplyWithFiles {
        @Schema(required = true, description = "The JSON of the JSON request")
        public ReplyRequest message;
        @Schema(type = SchemaType.STRING, format = "binary", description = "A file; one part per file, each with its file name and Content-Type")
        public String file;
    }

    /** The multipart form of a forward, for the OpenAPI document only. */
    @Schema(name = "ForwardRequestWithFiles")
    public static class ForwardWithFiles {
        @Schema(required = true, description = "The JSON of the JSON request")
        public ForwardRequest message;
        @Schema(type = SchemaType.STRING, format = "binary", description = "A file; one part per file, each with its file name and Content-Type")
        public String file;
    }
}

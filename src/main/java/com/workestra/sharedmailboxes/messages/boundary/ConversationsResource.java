package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

@Path("conversations")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class ConversationsResource {

    @Inject
    Caller caller;

    @Inject
    Conversations conversations;

    @GET
    @Operation(summary = "The caller's conversations, newest activity first, keyset-paginated with nextCursor. A conversation"
            + " holds together what Outlook keeps in one conversation in a mailbox (conversationId) and, across the"
            + " workspace's mailboxes, the same mail (internetMessageId) and its replies (In-Reply-To, References); our own"
            + " sends join from Sent Items. The filters choose the conversations (one with a message in that mailbox and"
            + " folder, unread, or matching q) and their order (by the newest such message); each shows everything the"
            + " caller may read of it: participants, mailboxes, messageCount and unreadCount count each mail once")
    public ConversationPage list(
            @Parameter(description = "only conversations with a message in this mailbox (an address the caller reads)")
            @QueryParam("mailbox") String mailbox,
            @Parameter(description = "inbox, sent, or the id of another folder; an unknown folder is 404") @QueryParam("folder") String folder,
            @Parameter(description = "true: only conversations with an unread message") @QueryParam("unread") Boolean unread,
            @Parameter(description = "conversations with a matching message; " + MessagesResource.SEARCH)
            @QueryParam("q") String q,
            @Parameter(description = "page size, 1 to inbox.max-page-size") @QueryParam("limit") Integer limit,
            @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        return conversations.list(caller, mailbox, folder, unread, q, limit, cursor);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One conversation with its messages (received and sent, without bodies), oldest first, only those"
            + " the caller may read; a conversation they may read nothing of is 404 NOT_FOUND, like one that does not exist."
            + " When later mail links two conversations they become one and the younger id answers 404 from then on."
            + " Each message that has attachments (hasAttachments, or inline images its HTML body names: Exchange counts"
            + " only attachments that are not inline in hasAttachments) lists them as the single read of the message does"
            + " (id, name, contentType, size, isInline, contentId, kind; download with GET /messages/{id}/attachments/"
            + "{attachmentId}), asked of Microsoft 365 with the caller's own connection at this read; one whose list"
            + " Microsoft cannot give now (throttled, not answering, the caller no longer connected) is still listed, with"
            + " attachments null and attachmentsUnavailable the code of why. Only the newest"
            + " messages.conversation-attachment-list-limit (20) messages with attachments are listed: older ones have"
            + " attachments null and attachmentsUnavailable NOT_LISTED (read the message itself for its list, GET"
            + " /messages/{id}). Messages without attachments have an empty"
            + " list. Bodies are not part of a conversation: the single read of a message points its cid: images at the"
            + " download URL")
    public ConversationView get(@PathParam("id") String id) {
        return conversations.get(caller, id);
    }
}

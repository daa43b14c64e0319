package com.workestra.sharedmailboxes.messages.boundary;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.workestra.sharedmailboxes.messages.entity.Attachment;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.StoredMessage;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.Instant;
import java.util.List;

/** API.md's Message, tagged with its mailbox; {@code body} only on the single-message read. */
@JsonbPropertyOrder({"id", "mailbox", "folder", "folderPath", "subject", "from", "sender", "to", "cc", "receivedAt", "isRead", "preview",
        "hasAttachments", "conversationId", "internetMessageId", "removed", "removedReason", "movedTo", "body", "attachments",
        "attachmentsUnavailable"})
public record MessageView(String id, String mailbox,
                          @Schema(description = "The message's folder: inbox, sent, or the id of another folder of the"
                                  + " mailbox (see GET /api/v1/outlook/connections/{id}/folders); the value the folder"
                                  + " filter takes")
                          String folder,
                          @Schema(description = "Where the folder is in the mailbox, as the mailbox names it"
                                  + " (\"Inbox/Customers\"); null while the mailbox's folder tree has not been listed")
                          String folderPath,
                          String subject, Recipient from, Recipient sender,
                          List<Recipient> to, List<Recipient> cc, Instant receivedAt, boolean isRead, String preview,
                          boolean hasAttachments, String conversationId, String internetMessageId, boolean removed,
                          @Schema(description = "Why a removed message left its folder, as Exchange said: deleted, or moved"
                                  + " (to movedTo, a folder this service does not show, such as Deleted Items); null when"
                                  + " not removed or the reason is not known", enumeration = {"deleted", "moved"})
                          String removedReason,
                          @Schema(description = "The folder a moved message went to, as the mailbox names it")
                          String movedTo,
                          BodyView body,
                          // Described on Attachment: a @Schema here would replace the array's items in the document.
                          List<Attachment> attachments,
                          @Schema(description = "Set when the message has attachments Exchange could not list just now, so"
                                  + " attachments is null: the stable code of what stopped it. THROTTLED or"
                                  + " MICROSOFT_UNAVAILABLE: Microsoft is throttling or not answering, read again shortly;"
                                  + " MAILBOX_ACCESS_DENIED: Exchange no longer lets the reader open this mailbox; FORBIDDEN:"
                                  + " the reader holds no connection to the mailbox any more (history), connect it again;"
                                  + " RECONNECT_REQUIRED: sign in to Outlook again; NOT_LISTED (in a conversation only): a"
                                  + " long conversation lists the attachments of its newest messages only"
                                  + " (messages.conversation-attachment-list-limit), read this message (GET"
                                  + " /api/v1/messages/{id}) for its list. Null when the list is there (or there is"
                                  + " nothing to list) and in listings, which never list attachments",
                                  enumeration = {"THROTTLED", "MICROSOFT_UNAVAILABLE", "MAILBOX_ACCESS_DENIED", "FORBIDDEN",
                                          "RECONNECT_REQUIRED", "NOT_LISTED"})
                          String attachmentsUnavailable) {

    /**
     * {@code remoteImagesBlocked}: the sanitiser withheld remote images (tracking pixels, most of them); asking again with
     * {@code remoteImages=true} shows them.
     */
    @JsonbPropertyOrder({"contentType", "content", "remoteImagesBlocked"})
    public record BodyView(String contentType, String content, boolean remoteImagesBlocked) {

        /** The body as Microsoft 365 delivered it: for {@code raw=true} only, never to be rendered as it is. */
        public static BodyView original(StoredMessage message) {
            return new BodyView(message.bodyType() == null ? "text" : message.bodyType(), message.body(), false);
        }
    }

    /** A message of a list: no body. */
    public static MessageView of(StoredMessage message) {
        return of(message, null);
    }

    public static MessageView of(StoredMessage message, BodyView body) {
        return of(message, body, null);
    }

    /** With the attachments as Exchange listed them, or why it could not ({@code listing} null: not asked). */
    public static MessageView of(StoredMessage message, BodyView body, Attachments.Listing listing) {
        return new MessageView(Long.toString(message.id()), message.mailboxAddress(), message.folder().apiName(),
                message.folder().path(), message.subject(),
                message.from(), message.sender(), message.to(), message.cc(), message.receivedAt(), message.isRead(),
                message.preview(), message.hasAttachments(), message.conversationId(), message.internetMessageId(),
                message.isRemoved(), message.removedReason() == null ? null : message.removedReason().toLowerCase(java.util.Locale.ROOT),
                message.movedTo(), body, listing == null ? null : listing.attachments(),
                listing == null ? null : listing.unavailable());
    }
}

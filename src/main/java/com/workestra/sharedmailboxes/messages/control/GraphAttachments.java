package com.workestra.sharedmailboxes.messages.control;

import com.microsoft.graph.models.AttachmentCollectionResponse;
import com.microsoft.graph.models.Contact;
import com.microsoft.graph.models.Event;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.ReferenceAttachment;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.graph.users.item.messages.item.attachments.AttachmentsRequestBuilder;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.microsoft.kiota.RequestInformation;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.messages.entity.Attachment;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A received message's attachments, read from Exchange with the reader's delegated token through the per-mailbox gate
 * (Exchange stays the gate): the list (metadata only, never {@code contentBytes}), one attachment's description, and its
 * raw content ({@code /$value}) copied to the caller's stream as it arrives. Nothing is stored or cached here.
 * <p>
 * The list selects {@code microsoft.graph.fileAttachment/contentId}: {@code contentId} is a property of fileAttachment
 * only, and Graph refuses it unqualified in {@code $select} ("Could not find a property named 'contentId' on type
 * 'microsoft.graph.attachment'", microsoft-graph-explorer-v4 issue 3916). Without a {@code $select} Graph would send every
 * file's content base64-encoded in the list.
 */
@ApplicationScoped
public class GraphAttachments {

    static final String[] LIST_SELECT = {"id", "name", "contentType", "size", "isInline",
            "microsoft.graph.fileAttachment/contentId"};
    static final String[] ONE_SELECT = {"id", "name", "contentType", "size", "isInline"};
    /** Graph's documented way to learn what an item attachment holds (attachment-get, example 3). */
    static final String ITEM_EXPAND = "microsoft.graph.itemAttachment/item";
    /** The longest Retry-After the list waits out in place (once); longer, the reader gets the message without it. */
    static final long LIST_RETRY_MAX_WAIT_SECONDS = 2;

    @Inject
    OutlookSignIn signIn;

    @Inject
    MailboxGate gate;

    /** What an attachment downloads as: its description, and for an item, what the MIME holds (message, event, contact). */
    public record Described(Attachment attachment, String itemType) {
    }

    /** The message's attachments as Exchange lists them, in its order. */
    public List<Attachment> list(GraphMail.Acting acting, String graphMessageId) {
        return call(acting, graphMessageId, null, user -> {
            AttachmentsRequestBuilder attachments = user.messages().byMessageId(graphMessageId).attachments();
            List<Attachment> listed = new ArrayList<>();
            AttachmentCollectionResponse page = attachments.get(config -> {
                config.queryParameters.select = LIST_SELECT;
                config.options.add(listRetries());
            });
            while (page != null) {
                if (page.getValue() != null) {
                    page.getValue().forEach(attachment -> listed.add(of(attachment)));
                }
                String next = page.getOdataNextLink();
                page = next == null ? null : attachments.withUrl(next).get();
            }
            return listed;
        });
    }

    /**
     * The list is asked while a person waits for a message or a conversation, which reads without it when Microsoft
     * throttles: the SDK's retry handler would sleep out a 429's Retry-After (up to 180 s, three times, bounded only by
     * the call timeout), so one retry in place, and only after a wait of at most {@value #LIST_RETRY_MAX_WAIT_SECONDS} s.
     */
    static RetryHandlerOption listRetries() {
        return new RetryHandlerOption((delay, attempt, request, response) -> {
            String retryAfter = response.header("Retry-After");
            try {
                return retryAfter == null || Long.parseLong(retryAfter.trim()) <= LIST_RETRY_MAX_WAIT_SECONDS;
            } catch (NumberFormatException e) {
                return false;
            }
        }, 1, RetryHandlerOption.DEFAULT_DELAY);
    }

    /** One attachment's description (404 when Exchange does not have it on this message). */
    public Described describe(GraphMail.Acting acting, String graphMessageId, String attachmentId) {
        return call(acting, graphMessageId, attachmentId, user -> {
            var item = user.messages().byMessageId(graphMessageId).attachments().byAttachmentId(attachmentId);
            com.microsoft.graph.models.Attachment found = item.get(config -> config.queryParameters.select = ONE_SELECT);
            if (!(found instanceof ItemAttachment)) {
                return new Described(of(found), null);
            }
            ItemAttachment expanded = (ItemAttachment) item.get(config -> config.queryParameters.expand = new String[] {ITEM_EXPAND});
            String type = expanded.getItem() instanceof Event ? "event" : expanded.getItem() instanceof Contact ? "contact" : "message";
            return new Described(of(found), type);
        });
    }

    /**
     * Copies the attachment's raw content ({@code GET …/attachments/{id}/$value}: a file's bytes, an item's MIME) to
     * {@code out} as Graph sends it, holding the mailbox's gate slot for the whole transfer (Exchange counts the request
     * until its answer is read) and no database connection.
     */
    public void copyContent(GraphMail.Acting acting, String graphMessageId, String attachmentId, OutputStream out) {
        call(acting, graphMessageId, attachmentId, user -> {
            GraphServiceClient client = signIn.graphFor(acting.tokenHolder());
            RequestInformation request = new RequestInformation();
            request.httpMethod = HttpMethod.GET;
            String mailbox = acting.personal() ? "/me" : "/users/" + segment(acting.address());
            request.setUri(URI.create(client.getRequestAdapter().getBaseUrl() + mailbox + "/messages/" + segment(graphMessageId)
                    + "/attachments/" + segment(attachmentId) + "/$value"));
            request.headers.tryAdd("Accept", "*/*");
            try (InputStream content = client.getRequestAdapter().sendPrimitive(request, GraphFailure.odataErrors(), InputStream.class)) {
                if (content != null) {
                    content.transferTo(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
    }

    static Attachment of(com.microsoft.graph.models.Attachment attachment) {
        Attachment.Kind kind = attachment instanceof ItemAttachment ? Attachment.Kind.ITEM
                : attachment instanceof ReferenceAttachment ? Attachment.Kind.REFERENCE : Attachment.Kind.FILE;
        String contentId = attachment instanceof FileAttachment file ? file.getContentId() : null;
        return new Attachment(attachment.getId(), attachment.getName(), attachment.getContentType(),
                attachment.getSize() == null ? 0 : attachment.getSize(), Boolean.TRUE.equals(attachment.getIsInline()),
                contentId == null || contentId.isBlank() ? null : contentId, kind);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private <T> T call(GraphMail.Acting acting, String graphMessageId, String attachmentId,
                       Function<UserItemRequestBuilder, T> request) {
        GraphServiceClient client = signIn.graphFor(acting.tokenHolder());
        UserItemRequestBuilder user = acting.personal() ? client.me() : client.users().byUserId(acting.address());
        try {
            return gate.call(acting.mailboxId(), () -> request.apply(user));
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (attachmentId != null && failure != null && (failure.isNotFound() || failure.status() == 400)) {
                // 400: Exchange calls an id that is not one of its attachment ids malformed; to the caller it is unknown.
                throw new ServiceException(ProblemCode.NOT_FOUND, "There is no attachment " + attachmentId + " on this message.",
                        null, e);
            }
            throw ServiceException.within(e).<RuntimeException>map(refused -> refused).orElseGet(() -> GraphMail.translate(e, acting));
        }
    }
}

package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.InternetMessageHeader;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaRequestBuilder;
import com.microsoft.kiota.RequestHeaders;
import com.workestra.sharedmailboxes.messages.control.ConversationThreads;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads one page of a folder's message delta with the Graph SDK: immutable ids, only the fields the store keeps, the
 * configured page size. The first request of a round names the folder; every later one follows Graph's link verbatim.
 */
@ApplicationScoped
public class DeltaReader {

    static final String[] SELECT = {"id", "subject", "from", "sender", "toRecipients", "ccRecipients", "receivedDateTime",
            "isRead", "hasAttachments", "bodyPreview", "body", "conversationId", "internetMessageId", "changeKey",
            // Only returned when selected (Graph's message resource); In-Reply-To and References thread the workspace's
            // mailboxes together. Sent Items copies may come without them: their conversationId threads them.
            "internetMessageHeaders"};

    public DeltaPage read(GraphServiceClient client, String graphUser, Folder folder, String link, int pageSize) {
        return read(client, graphUser, folder, link, pageSize, null);
    }

    /**
     * @param notBefore on a round's first request (no {@code link}): only messages received since then, asked of
     *                  Microsoft with the one filter message delta takes ({@code receivedDateTime ge}, see
     *                  {@link #historyFilter}); null for everything
     */
    public DeltaPage read(GraphServiceClient client, String graphUser, Folder folder, String link, int pageSize,
                          Instant notBefore) {
        DeltaRequestBuilder delta = (graphUser == null ? client.me() : client.users().byUserId(graphUser)).mailFolders().byMailFolderId(folder.graphName())
                .messages().delta();
        DeltaGetResponse response;
        if (link == null) {
            response = delta.get(request -> {
                request.queryParameters.select = SELECT;
                if (notBefore != null) {
                    request.queryParameters.filter = historyFilter(notBefore);
                    // With $filter Microsoft returns at most 5,000 messages a round: newest first, those are the ones kept.
                    request.queryParameters.orderby = new String[] {"receivedDateTime desc"};
                }
                prefer(request.headers, pageSize);
            });
        } else {
            response = delta.withUrl(link).get(request -> prefer(request.headers, pageSize));
        }
        List<Message> items = response == null || response.getValue() == null ? List.of() : response.getValue();
        List<MessageChange> changes = new ArrayList<>(items.size());
        for (Message message : items) {
            changes.add(change(message));
        }
        return new DeltaPage(changes, response == null ? null : response.getOdataNextLink(),
                response == null ? null : response.getOdataDeltaLink());
    }

    /**
     * {@code sync.history-depth} applied at Microsoft: "The only supported $filter expressions are
     * $filter=receivedDateTime+ge+{value} or $filter=receivedDateTime+gt+{value}", "Applying $filter in a delta query
     * returns only up to 5,000 messages", "The only supported $orderby expression is $orderby=receivedDateTime+desc"
     * (https://learn.microsoft.com/graph/delta-query-messages). Given on the first request only; Graph encodes it into
     * the next and delta links.
     */
    static String historyFilter(Instant notBefore) {
        return "receivedDateTime ge " + DateTimeFormatter.ISO_INSTANT.format(notBefore.truncatedTo(ChronoUnit.SECONDS));
    }

    static void prefer(RequestHeaders headers, int pageSize) {
        headers.add("Prefer", "odata.maxpagesize=" + pageSize);
    }

    static MessageChange change(Message message) {
        if (message.getAdditionalData() != null && message.getAdditionalData().containsKey("@removed")) {
            return MessageChange.removal(message.getId());
        }
        OffsetDateTime received = message.getReceivedDateTime();
        ItemBody body = message.getBody();
        return new MessageChange(message.getId(), false, message.getInternetMessageId(), message.getConversationId(),
                message.getSubject(), recipient(message.getFrom()), recipient(message.getSender()),
                recipients(message.getToRecipients()), recipients(message.getCcRecipients()),
                received == null ? null : received.toInstant(), message.getIsRead(), message.getHasAttachments(),
                message.getBodyPreview(),
                body == null || body.getContentType() == null ? null : body.getContentType().getValue().toLowerCase(Locale.ROOT),
                body == null ? null : body.getContent(), message.getChangeKey(), references(message.getInternetMessageHeaders()));
    }

    /** The ids the message answers (In-Reply-To, References), or null when Graph sent no headers. */
    static List<String> references(List<InternetMessageHeader> headers) {
        if (headers == null) {
            return null;
        }
        String inReplyTo = null;
        String references = null;
        for (InternetMessageHeader header : headers) {
            if ("In-Reply-To".equalsIgnoreCase(header.getName())) {
                inReplyTo = header.getValue();
            } else if ("References".equalsIgnoreCase(header.getName())) {
                references = header.getValue();
            }
        }
        // References first: it is oldest first and ends with the parent, which In-Reply-To names again.
        return ConversationThreads.messageIds(references, inReplyTo);
    }

    private static Recipient recipient(com.microsoft.graph.models.Recipient recipient) {
        if (recipient == null || recipient.getEmailAddress() == null) {
            return null;
        }
        EmailAddress address = recipient.getEmailAddress();
        return new Recipient(address.getName(), address.getAddress());
    }

    private static List<Recipient> recipients(List<com.microsoft.graph.models.Recipient> recipients) {
        if (recipients == null) {
            return null;
        }
        List<Recipient> list = new ArrayList<>(recipients.size());
        for (var recipient : recipients) {
            Recipient converted = recipient(recipient);
            if (converted != null) {
                list.add(converted);
            }
        }
        return list;
    }
}

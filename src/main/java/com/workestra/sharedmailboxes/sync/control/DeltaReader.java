package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaRequestBuilder;
import com.microsoft.kiota.RequestHeaders;
import com.microsoft.kiota.RequestInformation;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Reads one page of a folder's message delta with the Graph SDK's request builder and adapter (the page itself read by
 * {@link DeltaPageJson}): immutable ids, only the fields the store keeps, the configured page size. The first request of a round names the folder; every later one follows Graph's link verbatim.
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
        RequestInformation request;
        if (link == null) {
            request = delta.toGetRequestInformation(config -> {
                config.queryParameters.select = SELECT;
                if (notBefore != null) {
                    config.queryParameters.filter = historyFilter(notBefore);
                    // With $filter Microsoft returns at most 5,000 messages a round: newest first, those are the ones kept.
                    config.queryParameters.orderby = new String[] {"receivedDateTime desc"};
                }
                prefer(config.headers, pageSize);
            });
        } else {
            request = delta.withUrl(link).toGetRequestInformation(config -> prefer(config.headers, pageSize));
        }
        // The SDK sends the request (tokens, claims challenges, retries, Graph's errors as ODataError); the page itself
        // is read as a stream (DeltaPageJson), not into the SDK's models.
        try (InputStream page = client.getRequestAdapter().sendPrimitive(request, GraphFailure.odataErrors(), InputStream.class)) {
            return page == null ? new DeltaPage(List.of(), null, null) : DeltaPageJson.read(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}

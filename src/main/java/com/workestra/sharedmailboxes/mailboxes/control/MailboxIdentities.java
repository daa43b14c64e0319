package com.workestra.sharedmailboxes.mailboxes.control;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * Asks Exchange which mailbox a shared address is now, with the person's delegated token: {@code GET
 * /users/{address}/mailFolders/inbox?$select=id}, which Mail.Read.Shared may read wherever the person has Full Access
 * (Microsoft's "Get Outlook messages in a shared or delegated folder"). Graph's failures are thrown as they are.
 */
@ApplicationScoped
public class MailboxIdentities {

    private static final Logger LOG = Logger.getLogger(MailboxIdentities.class.getName());

    /**
     * The name Microsoft gives the mailbox at this address (support@ is "Contoso Support"), read from its directory object:
     * {@code GET /users/{address}?$select=displayName}. Entra, not Exchange, decides: a delegated token reads another
     * user's object only with User.ReadBasic.All (or User.Read.All); with the mail scopes alone Graph answers 403
     * {@code Authorization_RequestDenied} (Microsoft's "Get user", permissions table). The name is a nicety, so any
     * failure (that 403 above all: connections made before the service asked for User.ReadBasic.All) means "not known".
     */
    public Optional<String> displayNameOf(GraphServiceClient client, String address) {
        try {
            User user = client.users().byUserId(address).get(request -> request.queryParameters.select = new String[]{"displayName"});
            String name = user == null ? null : user.getDisplayName();
            return name == null || name.isBlank() ? Optional.empty() : Optional.of(name.strip());
        } catch (RuntimeException e) {
            LOG.fine(() -> "no display name for " + address + ": " + e);
            return Optional.empty();
        }
    }

    public MailboxIdentity ofShared(GraphServiceClient client, String address) {
        MailFolder inbox = client.users().byUserId(address).mailFolders().byMailFolderId("inbox")
                .get(request -> request.queryParameters.select = new String[]{"id"});
        if (inbox == null || inbox.getId() == null || inbox.getId().isBlank()) {
            throw new IllegalStateException("Graph answered the Inbox of " + address + " without an id");
        }
        return MailboxIdentity.ofInbox(inbox.getId());
    }
}

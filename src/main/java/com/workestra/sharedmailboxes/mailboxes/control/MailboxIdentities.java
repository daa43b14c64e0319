package com.workestra.sharedmailboxes.mailboxes.control;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Asks Exchange which mailbox a shared address is now, with the person's delegated token: {@code GET
 * /users/{address}/mailFolders/inbox?$select=id}, which Mail.Read.Shared may read wherever the person has Full Access
 * (Microsoft's "Get Outlook messages in a shared or delegated folder"). Graph's failures are thrown as they are.
 */
@ApplicationScoped
public class MailboxIdentities {

    public MailboxIdentity ofShared(GraphServiceClient client, String address) {
        MailFolder inbox = client.users().byUserId(address).mailFolders().byMailFolderId("inbox")
                .get(request -> request.queryParameters.select = new String[]{"id"});
        if (inbox == null || inbox.getId() == null || inbox.getId().isBlank()) {
            throw new IllegalStateException("Graph answered the Inbox of " + address + " without an id");
        }
        return MailboxIdentity.ofInbox(inbox.getId());
    }
}

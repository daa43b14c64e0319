package com.workestra.sharedmailboxes.connections.control;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxRefusals;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxIdentities;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Reads one message of the shared mailbox's inbox with the parent's delegated token: Exchange decides, on this very
 * request, whether this person may open the mailbox. Then reads which mailbox it is (its Inbox folder's id), so that a
 * renamed mailbox is recognised and a new mailbox at a reused address is not taken for the old one. Graph's answer
 * becomes the product's sentence. Last, the name Microsoft gives the mailbox, when the token may read it (User.ReadBasic.All).
 */
@ApplicationScoped
public class SharedMailboxProbe {

    private static final Logger LOG = Logger.getLogger(SharedMailboxProbe.class.getName());

    @Inject
    OutlookSignIn signIn;

    @Inject
    MailboxIdentities identities;

    /** What the probe learnt: which mailbox it is, and its display name when Microsoft gives it to this token (else null). */
    public record Found(MailboxIdentity identity, String displayName) {
    }

    /** @return the identity Exchange gives the mailbox at this address, asked with the personal connection's token */
    public Found probe(TokenHolder personal, String address) {
        try {
            GraphServiceClient client = signIn.graphFor(personal);
            client.users().byUserId(address).mailFolders().byMailFolderId("inbox").messages()
                    .get(request -> {
                        request.queryParameters.top = 1;
                        request.queryParameters.select = new String[]{"id"};
                    });
            MailboxIdentity identity = identities.ofShared(client, address);
            return new Found(identity, identities.displayNameOf(client, address).orElse(null));
        } catch (RuntimeException e) {
            throw ServiceException.within(e).orElseGet(() -> translate(e, address));
        }
    }

    public static ServiceException accessDenied(String address) {
        return new ServiceException(ProblemCode.MAILBOX_ACCESS_DENIED, MailboxRefusals.ACCESS_DENIED + " (" + address + "). Your Exchange admin"
                + " must grant you Full Access to it; new permissions can take up to 60 minutes to propagate, so if access was"
                + " just granted, wait a few minutes and try again.");
    }

    static ServiceException translate(RuntimeException e, String address) {
        GraphFailure failure = GraphFailure.of(e);
        if (failure == null) {
            throw e;
        }
        LOG.info(() -> "probe of " + address + ": Graph answered " + failure);
        if (failure.isMailboxAccessDenied()) {
            return accessDenied(address);
        }
        if (failure.isMailboxNotFound()) {
            return new ServiceException(ProblemCode.MAILBOX_NOT_FOUND, MailboxRefusals.notFound(address)
                    + ". Double-check the spelling and use the exact UPN from Exchange (a distribution list has no mailbox).");
        }
        if (failure.isUnauthorized()) {
            return new ServiceException(ProblemCode.RECONNECT_REQUIRED, OutlookSignIn.RECONNECT_SENTENCE);
        }
        if (failure.isThrottled()) {
            return new ServiceException(ProblemCode.THROTTLED,
                    MailboxRefusals.THROTTLED + " right now. Try again in a moment.", failure.retryAfter(), null);
        }
        return new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE,
                "Microsoft 365 did not answer properly (" + failure + "). Nothing was added; try again in a moment.");
    }
}

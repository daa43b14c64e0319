package com.workestra.sharedmailboxes.m365emulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The mailbox a Graph request addresses, as its path named it: {@code me} or {@code users/{id or UPN}}.
 *
 * @param recipient the directory object the path names; null when there is none
 * @param pathPrefix {@code me} or {@code users/{id}}
 * @param requestedId the id or UPN as written in the path ({@code me}: the caller's object id)
 */
record TargetMailbox(Recipient recipient, String pathPrefix, String requestedId) {

    /** The mailbox; an unknown user is 404 ErrorInvalidUser, a directory object without a mailbox 404 ResourceNotFound. */
    Mailbox mailbox() {
        if (recipient == null) {
            throw GraphException.invalidUser(requestedId);
        }
        if (recipient.mailbox == null) {
            throw GraphException.mailboxNotFound();
        }
        return recipient.mailbox;
    }

    /** How {@code @odata.context} names the user: {@code me} by its object id, otherwise as the path did. */
    String contextId() {
        return pathPrefix.equals("me") ? recipient.oid : requestedId;
    }

    /** The path again, for links Graph hands back ({@code me}, or {@code users/} with the id URL-encoded but for {@code @}). */
    String linkPath() {
        return pathPrefix.equals("me") ? "me"
                : "users/" + URLEncoder.encode(requestedId, StandardCharsets.UTF_8).replace("%40", "@");
    }
}

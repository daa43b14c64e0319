package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * Body of POST /messages/{id}/reply: the reply goes out from the message's mailbox, in its thread. Reply answers the
 * sender; reply all also the other recipients (never the mailbox itself, never the person replying); {@code cc} and
 * {@code bcc} are added to those.
 */
public class ReplyRequest {

    @Size(max = 320)
    public String from;

    @NotNull
    @Valid
    public BodyInput body;

    public Boolean replyAll;

    @Size(max = 500)
    public List<@Valid @NotNull RecipientInput> cc;

    @Size(max = 500)
    public List<@Valid @NotNull RecipientInput> bcc;
}

package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Body of POST /messages/{id}/reply: the reply goes out from the message's mailbox, in its thread. */
public class ReplyRequest {

    @Size(max = 320)
    public String from;

    @NotNull
    @Valid
    public BodyInput body;

    public Boolean replyAll;
}

package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of POST /messages: a new message from one of the caller's mailboxes. */
public class OutgoingMessage {

    @NotBlank
    @Size(max = 320)
    public String from;

    @Size(max = 500)
    public List<@Valid @NotNull RecipientInput> to;

    @Size(max = 500)
    public List<@Valid @NotNull RecipientInput> cc;

    @Size(max = 500)
    public List<@Valid @NotNull RecipientInput> bcc;

    @Size(max = 998)
    public String subject;

    @NotNull
    @Valid
    public BodyInput body;
}
